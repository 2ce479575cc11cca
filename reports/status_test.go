package reports

import (
	"bytes"
	"encoding/json"
	"html/template"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/rules"
	"github.com/cancelpath/cancelpath/results"
)

// statusDoc is a document of two runs: one ok, one that ended with status s.
func statusDoc(s metrics.Status) *results.Document {
	base := metrics.Result{
		ScenarioID: "good", Site: "好站", File: "scenarios/good.yaml", Device: metrics.Device{Name: "desktop"},
		Status: metrics.StatusOK, StartedAt: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC), Attempts: 1,
	}
	other := base
	other.ScenarioID, other.Site, other.File, other.Status = "other", "别站", "scenarios/other.yaml", s
	if s != metrics.StatusOK {
		other.Reason = "why it ended " + string(s)
		other.FailedStep = &metrics.StepRef{Phase: "cancel", Index: 1, Line: 17}
	}
	score := []rules.Score{{Pack: "cn", Score: 40, Grade: "F", Counted: true, Weight: 10}}
	doc := &results.Document{SchemaVersion: results.SchemaVersion, Tool: results.Tool{Name: "cancelpath", Version: "test"}, Packs: []string{"cn"},
		Results: []results.Entry{
			{Result: base, Scores: score, Overall: 90, Grade: "A"},
			{Result: other, Scores: score, Overall: 40, Grade: "F"},
		}}
	results.RankEntries(doc.Results)
	return doc
}

// Every status reaches every format, in the report's own words in both languages where people read it, and
// as its value where machines do.
func TestEveryStatusInEveryFormat(t *testing.T) {
	for _, s := range metrics.Statuses {
		for _, lang := range []string{"en", "zh"} {
			wd, err := lookupWords(lang)
			require.NoError(t, err)
			word := wd.status(s)
			for _, f := range AllFormats() {
				t.Run(string(s)+"/"+lang+"/"+string(f), func(t *testing.T) {
					var buf bytes.Buffer
					require.NoError(t, Render(&buf, statusDoc(s), f, Options{Lang: lang}))
					out := buf.String()
					switch f {
					case FormatTable, FormatMarkdown:
						if s != metrics.StatusOK { // an ok row shows its measurements instead
							assert.Contains(t, out, word)
						}
					case FormatHTML:
						if s != metrics.StatusOK {
							assert.Contains(t, out, "<strong>"+word+"</strong>")
							assert.Contains(t, out, template.HTMLEscapeString(wd.statusMeaning(s)), "the banner says what it means")
						}
					case FormatJSON:
						assert.Contains(t, out, `"status": "`+string(s)+`"`)
					case FormatJSONL:
						assert.Contains(t, out, `"status":"`+string(s)+`"`)
					case FormatCSV:
						assert.Contains(t, out, ","+string(s)+",")
					case FormatJUnit:
						assert.Contains(t, out, `<property name="status" value="`+string(s)+`">`)
						switch {
						case s == metrics.StatusOK:
							assert.NotContains(t, out, `type="`+string(s)+`"`)
						case s.CarriedOut():
							assert.Contains(t, out, `<failure message="`+string(s)+`: why it ended`)
						default:
							assert.Contains(t, out, `<error message="`+string(s)+`: why it ended`)
						}
					case FormatSARIF:
						switch {
						case s == metrics.StatusOK:
							assert.NotContains(t, out, runRuleID)
							assert.Contains(t, out, `"executionSuccessful": true`)
						case s.CarriedOut():
							assert.Contains(t, out, `"ruleId": "`+runRuleID+`"`)
							assert.Contains(t, out, `"executionSuccessful": true`)
						default:
							assert.NotContains(t, out, `"ruleId": "`+runRuleID+`"`)
							assert.Contains(t, out, `"toolExecutionNotifications"`)
							assert.Contains(t, out, `"executionSuccessful": false`)
						}
					}
				})
			}
		}
	}
}

// Each status has its own word and meaning in each language: two statuses that read alike would hide a
// finding behind a tool problem.
func TestStatusWordsAreDistinct(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		wd, err := lookupWords(lang)
		require.NoError(t, err)
		words, meanings := map[string]metrics.Status{}, map[string]metrics.Status{}
		for _, s := range metrics.Statuses {
			w, m := wd.status(s), wd.statusMeaning(s)
			require.NotEmpty(t, w, "%s/%s", lang, s)
			require.NotEmpty(t, m, "%s/%s", lang, s)
			assert.NotContains(t, words, w, "%s: %s and %s share a word", lang, s, words[w])
			assert.NotContains(t, meanings, m, "%s: %s and %s share a meaning", lang, s, meanings[m])
			words[w], meanings[m] = s, s
		}
	}
}

// A run that was not carried out measured nothing: unranked, and shown without a score or a grade even when
// an older cancelpath scored it.
func TestRunsNotCarriedOutAreNotRanked(t *testing.T) {
	for _, s := range metrics.Statuses {
		t.Run(string(s), func(t *testing.T) {
			doc := statusDoc(s)
			other := entry(t, doc, "other@desktop")
			if !s.CarriedOut() {
				assert.Zero(t, other.Rank)
				assert.Empty(t, scoreText(other))
				assert.Empty(t, gradeText(other))
				return
			}
			assert.Equal(t, 2, other.Rank, "a finding is ranked: it is what the table is for")
			assert.Equal(t, "40", scoreText(other))
			assert.Equal(t, "F", gradeText(other))
		})
	}
}

// C1 control characters (U+0080–U+009F; U+009B is the 8-bit CSI) from a site reach no output raw. JSON keeps
// the text exactly, written as \u escapes like the C0 controls; every other format strips them, a CSI
// sequence whole.
func TestC1ControlsInEveryFormat(t *testing.T) {
	const c1 = "退\u009b2J订\u009b31m\u0085\u0090x\u009c\u0080"
	doc := statusDoc(metrics.StatusBlocked)
	other := entry(t, doc, "other@desktop")
	other.Site = "C1站" + c1
	other.Reason = "covered: " + c1
	other.Control = &metrics.Control{Label: c1, TargetSize: "pass", Box: metrics.Box{Width: 40, Height: 40}}
	other.Notes = []string{c1}
	other.Verdicts = []rules.Verdict{{RuleID: "cn.control-usable", Pack: "cn", Title: "title " + c1, Outcome: rules.Fail,
		Severity: rules.Critical, Metric: "control_usable", Measured: "false", Threshold: "== true",
		Citation: "《网络交易监督管理办法》第十八条", Message: "message " + c1, RuleStatus: rules.StatusInForce}}
	for _, f := range AllFormats() {
		for _, lang := range []string{"en", "zh"} {
			t.Run(string(f)+"/"+lang, func(t *testing.T) {
				var buf bytes.Buffer
				require.NoError(t, Render(&buf, doc, f, Options{Lang: lang}))
				out := buf.String()
				for r := rune(0x80); r <= 0x9f; r++ {
					require.NotContains(t, out, string(r), "a raw U+%04X reached the %s output", r, f)
				}
				switch f {
				case FormatJSON, FormatJSONL:
					assert.Contains(t, out, `退\u009b2J订\u009b31m\u0085\u0090x\u009c\u0080`)
					var back results.Document
					if f == FormatJSON {
						require.NoError(t, json.Unmarshal(buf.Bytes(), &back))
					} else {
						line := strings.Split(strings.TrimSpace(out), "\n")[1]
						var e results.Entry
						require.NoError(t, json.Unmarshal([]byte(line), &e))
						back.Results = []results.Entry{e}
					}
					assert.Equal(t, c1, entry(t, &back, "other@desktop").Control.Label, "lossless")
				case FormatCSV, FormatHTML:
					assert.Contains(t, out, "退订", "the label is shown cleaned")
					assert.NotContains(t, out, "2J")
					assert.NotContains(t, out, "31m")
				default:
					assert.NotContains(t, out, "31m", "a CSI sequence is removed whole")
				}
			})
		}
	}
}
