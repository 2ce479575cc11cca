package reports

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/rules"
	"github.com/cancelpath/cancelpath/results"
)

// decodeSheetCSV checks that b is UTF-8 with a byte order mark and returns it as a Go string, BOM removed.
func decodeSheetCSV(t *testing.T, b []byte) string {
	t.Helper()
	require.True(t, bytes.HasPrefix(b, []byte(utf8BOM)), "the sheet's CSV starts with the UTF-8 BOM")
	require.True(t, utf8.Valid(b))
	return strings.TrimPrefix(string(b), utf8BOM)
}

// readSheetCSV parses the sheet's CSV into its rows (blocks separated by empty lines are joined: csv skips
// empty lines).
func readSheetCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(decodeSheetCSV(t, b)))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	require.NoError(t, err)
	return rows
}

// The sheet in both languages and both formats, from the fixture. The CSV's golden file holds its text
// without the BOM; decodeSheetCSV checks the encoding itself.
func TestGoldenSheet(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		for _, f := range []Format{FormatSheetCSV, FormatSheetHTML} {
			name := "sheet-" + lang + map[Format]string{FormatSheetCSV: ".csv", FormatSheetHTML: ".html"}[f]
			t.Run(name, func(t *testing.T) {
				var buf bytes.Buffer
				require.NoError(t, Render(&buf, loadFixture(t), f, Options{Lang: lang}))
				got := buf.Bytes()
				if f == FormatSheetCSV {
					got = []byte(decodeSheetCSV(t, got))
				}
				golden(t, name, got)
			})
		}
	}
}

func TestSheetFormatsAreOnRequest(t *testing.T) {
	assert.Equal(t, []Format{FormatSheetCSV, FormatSheetHTML}, OnRequestFormats())
	for _, f := range AllFormats() {
		assert.NotContains(t, OnRequestFormats(), f, "written by default")
	}
	got, err := ParseFormats([]string{"sheet-html,SHEET-CSV"})
	require.NoError(t, err)
	assert.Equal(t, []Format{FormatSheetHTML, FormatSheetCSV}, got)
	_, err = ParseFormats([]string{"pdf"})
	require.ErrorContains(t, err, "sheet-csv, sheet-html")

	assert.Equal(t, "sheet.en.csv", FileName(FormatSheetCSV))
	assert.Equal(t, "sheet.zh.html", FileNameFor(FormatSheetHTML, "zh"))
	assert.Equal(t, "report.html", FileNameFor(FormatHTML, "zh"), "only the sheet's name carries its language")

	dir := t.TempDir()
	var paths []string
	for _, lang := range []string{"zh", "en"} {
		p, err := WriteAll(dir, loadFixture(t), OnRequestFormats(), Options{Lang: lang})
		require.NoError(t, err)
		paths = append(paths, p...)
	}
	var names []string
	for _, p := range paths {
		names = append(names, filepath.Base(p))
	}
	assert.Equal(t, []string{"sheet.zh.csv", "sheet.zh.html", "sheet.en.csv", "sheet.en.html"}, names)
	zh, err := os.ReadFile(filepath.Join(dir, "sheet.zh.html"))
	require.NoError(t, err)
	assert.Contains(t, string(zh), `<html lang="zh-CN">`)
	assert.Contains(t, string(zh), "监管核查表")
}

// sheetEntry is a run that walked its whole path: logged in at shop.test, the cancel control two clicks and
// one level away on the same origin, one retention screen, auto-renewal off afterwards, and a sign-up run
// with auto-renewal pre-ticked and its terms a screen away from the button.
func sheetEntry() results.Entry {
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	ptr := func(n int) *int { return &n }
	yes, no := true, false
	return results.Entry{Result: metrics.Result{
		ScenarioID: "shop", Site: "商店", Device: metrics.Device{Name: "desktop"}, Status: metrics.StatusOK,
		StartedAt: at, Attempts: 1,
		Metrics: metrics.Metrics{ClicksToControl: ptr(2), LevelsToControl: ptr(1), Interstitials: ptr(1)},
		Control: &metrics.Control{Label: "关闭自动续费", URL: "https://shop.test/account", Screenshot: "evidence/shop@desktop/control.png"},
		Steps: []metrics.Step{
			{Phase: "login", Index: 0, URL: "https://shop.test/home", StartedAt: at},
			{Phase: "cancel", Index: 0, Action: "click", URL: "https://shop.test/account", StartedAt: at.Add(time.Second)},
			{Phase: "cancel", Index: 1, Action: "click", Control: true, URL: "https://shop.test/account",
				StartedAt: at.Add(2 * time.Second), Screenshot: "evidence/shop@desktop/03-cancel-1.png"},
			{Phase: "done", Index: 0, Action: "wait_for", URL: "https://shop.test/account/done",
				StartedAt: at.Add(3 * time.Second), Screenshot: "evidence/shop@desktop/04-done-0.png"},
			{Phase: "effect", Index: 0, Action: "expect", URL: "https://shop.test/status", StartedAt: at.Add(4 * time.Second)},
			{Phase: "subscribe", Index: 0, Action: "click", URL: "https://shop.test/vip", StartedAt: at.Add(5 * time.Second),
				Screenshot: "evidence/shop@desktop/06-subscribe-0.png"},
			{Phase: "subscribe", Index: 1, Action: "wait_for", URL: "https://shop.test/vip/done", StartedAt: at.Add(6 * time.Second)},
		},
		Subscribe: &metrics.Subscribe{Status: metrics.StatusOK, AutorenewPrechecked: &yes, DisclosureFound: &yes,
			DisclosureInViewWithButton: &no},
		Effect: &metrics.Effect{Passed: true},
	}}
}

// What the indicators answer for each way a run can end. Columns: control found, cancel only via another
// site, clicks, levels, retention screens, pre-ticked, terms, took effect. "-" is not measured, "=" not
// measured because of the run's status, "<" not measured because the run ended before the control.
func TestSheetIndicatorsByStatus(t *testing.T) {
	noControlPath := func(e *results.Entry) {
		e.Control, e.Effect = nil, nil
		e.Metrics = metrics.Metrics{}
		e.Steps = e.Steps[:3]
	}
	tests := []struct {
		name   string
		status metrics.Status
		change func(e *results.Entry)
		want   []string
	}{
		{"ok", metrics.StatusOK, nil, []string{"yes", "no", "2", "1", "1", "yes", "far", "yes"}},
		{"ok, control on a payment channel", metrics.StatusOK, func(e *results.Entry) {
			e.Control.URL = "https://pay.test/deduct/shop"
		}, []string{"yes", "yes", "2", "1", "1", "yes", "far", "yes"}},
		{"ok, a session file instead of login steps", metrics.StatusOK, func(e *results.Entry) {
			e.Steps = e.Steps[1:]
		}, []string{"yes", "-noLanding", "2", "1", "1", "yes", "far", "yes"}},
		{"ok, still on afterwards", metrics.StatusOK, func(e *results.Entry) {
			e.Effect = &metrics.Effect{Passed: false, Reason: "自动续费：已开启"}
		}, []string{"yes", "no", "2", "1", "1", "yes", "far", "no"}},
		{"ok, no subscribe or effect section", metrics.StatusOK, func(e *results.Entry) {
			e.Subscribe, e.Effect = nil, nil
		}, []string{"yes", "no", "2", "1", "1", "-noSubscribe", "-noSubscribe", "-noEffect"}},
		{"ok, sign-up failed, terms near", metrics.StatusOK, func(e *results.Entry) {
			near := true
			e.Subscribe.Status, e.Subscribe.AutorenewPrechecked, e.Subscribe.DisclosureInViewWithButton = metrics.StatusFailed, nil, &near
		}, []string{"yes", "no", "2", "1", "1", "-subscribeStatus", "near", "yes"}},
		{"ok, no terms found, box not named", metrics.StatusOK, func(e *results.Entry) {
			found := false
			e.Subscribe.AutorenewPrechecked, e.Subscribe.DisclosureFound, e.Subscribe.DisclosureInViewWithButton = nil, &found, nil
		}, []string{"yes", "no", "2", "1", "1", "-noBox", "none", "yes"}},
		{"no control", metrics.StatusNoControl, noControlPath, []string{"no", "=", "=", "=", "=", "yes", "far", "="}},
		{"no control, a declared dead end", metrics.StatusNoControl, func(e *results.Entry) {
			noControlPath(e)
			e.Steps[2].Control, e.Steps[2].Phase, e.Steps[2].Action = false, "dead_end", "dead_end"
			e.DeadEnd = &metrics.DeadEnd{Text: "请联系客服", Screenshot: "evidence/shop@desktop/dead-end.png"}
		}, []string{"no", "=", "=", "=", "=", "yes", "far", "="}},
		{"blocked", metrics.StatusBlocked, noControlPath, []string{"yes", "=", "=", "=", "=", "yes", "far", "="}},
		{"blocked, control measured", metrics.StatusBlocked, func(e *results.Entry) {
			noControlPath(e)
			e.Control = &metrics.Control{URL: "https://shop.test/account"}
		}, []string{"yes", "no", "=", "=", "=", "yes", "far", "="}},
		{"failed before the control", metrics.StatusFailed, func(e *results.Entry) {
			noControlPath(e)
			e.Steps = e.Steps[:2]
		}, []string{"<", "<", "<", "<", "<", "yes", "far", "="}},
		{"failed after the control", metrics.StatusFailed, func(e *results.Entry) {
			e.Metrics.Interstitials, e.Effect = nil, nil
		}, []string{"yes", "no", "2", "1", "=", "yes", "far", "="}},
		{"out of reach", metrics.StatusOutOfReach, nil, []string{"=", "=", "=", "=", "=", "=", "=", "="}},
		{"site error", metrics.StatusSiteError, nil, []string{"=", "=", "=", "=", "=", "=", "=", "="}},
		{"tool error", metrics.StatusError, nil, []string{"=", "=", "=", "=", "=", "=", "=", "="}},
	}
	whys := map[string]sheetWhy{"=": whyStatus, "<": whyBeforeControl, "-noLanding": whyNoLanding,
		"-noSubscribe": whyNoSubscribe, "-noEffect": whyNoEffect, "-subscribeStatus": whySubscribeStatus, "-noBox": whyNoBox}
	sw := sheetEnglish(english())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := sheetEntry()
			e.Status = tt.status
			if tt.change != nil {
				tt.change(&e)
			}
			inds := sheetIndicators()
			require.Len(t, tt.want, len(inds))
			for i, ind := range inds {
				v := ind.answer(&e)
				if why, ok := whys[tt.want[i]]; ok {
					assert.False(t, v.Measured(), ind.ID)
					assert.Equal(t, why, v.Why, ind.ID)
					assert.Equal(t, "not measured", sw.answerText(v), ind.ID)
					assert.NotEmpty(t, sw.whyText(&e, v), "%s: not measured says why", ind.ID)
					continue
				}
				assert.True(t, v.Measured(), ind.ID)
				assert.Equal(t, tt.want[i], sw.answerText(v), ind.ID)
				assert.Empty(t, sw.whyText(&e, v), ind.ID)
			}
		})
	}
}

func TestSheetVerdictsAndEvidence(t *testing.T) {
	e := sheetEntry()
	e.Verdicts = []rules.Verdict{
		{RuleID: "cn.clicks-to-control", Metric: "clicks_to_control", Outcome: rules.Pass, RuleStatus: rules.StatusInForce},
		{RuleID: "de.312k.clicks", Metric: "clicks_to_control", Outcome: rules.Fail, RuleStatus: rules.StatusInForce},
		{RuleID: "us-ftc.old", Metric: "clicks_to_control", Outcome: rules.Fail, RuleStatus: rules.StatusVacated},
		{RuleID: "cn.control-on-site", Metric: "control_on_site", Outcome: rules.Pass},
		{RuleID: "cn.autorenew", Metric: "autorenew_prechecked", Outcome: rules.Fail},
	}
	d := newSheet(&results.Document{Results: []results.Entry{e}})
	require.Len(t, d.Sites, 1)
	run := d.Sites[0].Runs[0]
	sw := sheetEnglish(english())
	byID := map[string]sheetValue{}
	for i, ind := range d.Indicators {
		byID[ind.ID] = run.Values[i]
	}
	assert.Equal(t, "rule failed: de.312k.clicks; rule passed: cn.clicks-to-control", sw.verdictText(byID["clicks_to_control"]),
		"only rules in force")
	assert.Equal(t, "rule passed: cn.control-on-site", sw.verdictText(byID["payment_channel_only"]))
	assert.Equal(t, "rule failed: cn.autorenew", sw.verdictText(byID["autorenew_prechecked"]))
	assert.Empty(t, sw.verdictText(byID["levels_to_control"]))

	assert.Equal(t, sheetRef{Screenshot: "evidence/shop@desktop/03-cancel-1.png", URL: "https://shop.test/account",
		Time: "2026-11-02T09:00:02.000Z"}, run.Refs[stepControl], "the control step's screenshot and page")
	assert.Equal(t, "evidence/shop@desktop/04-done-0.png", run.Refs[stepEnd].Screenshot)
	assert.Equal(t, sheetRef{Screenshot: "evidence/shop@desktop/06-subscribe-0.png", URL: "https://shop.test/vip",
		Time: "2026-11-02T09:00:05.000Z"}, run.Refs[stepSubscribe], "the last sign-up step with a screenshot")
	assert.Equal(t, sheetRef{URL: "https://shop.test/status", Time: "2026-11-02T09:00:04.000Z"}, run.Refs[stepEffect])
	assert.Equal(t, "evidence/shop@desktop/archive.wacz", archivePath(&e))

	// A run that measured nothing references no evidence.
	e.Status = metrics.StatusSiteError
	d = newSheet(&results.Document{Results: []results.Entry{e}})
	for s, ref := range d.Sites[0].Runs[0].Refs {
		assert.True(t, ref.empty(), "step %d", s)
	}

	// A control step without a screenshot falls back to the one taken before the click.
	e = sheetEntry()
	e.Steps[2].Screenshot = ""
	assert.Equal(t, "evidence/shop@desktop/control.png", sheetRefOf(&e, stepControl).Screenshot)
}

// The sweep's totals count sites: a site whose devices disagree counts under both answers, a site none of
// whose runs measured an indicator is not measured, and percentages are of the sites measured.
func TestSheetAggregates(t *testing.T) {
	a := sheetEntry()
	b := sheetEntry()
	b.Device.Name = "mobile"
	b.Effect = &metrics.Effect{Passed: false}
	ptr := func(n int) *int { return &n }
	b.Metrics.ClicksToControl = ptr(7)
	b.Verdicts = []rules.Verdict{{RuleID: "cn.clicks-to-control", Metric: "clicks_to_control", Outcome: rules.Fail}}
	c := sheetEntry()
	c.ScenarioID, c.Site, c.Status = "other", "别站", metrics.StatusOutOfReach
	d2 := sheetEntry()
	d2.ScenarioID, d2.Site = "third", "第三站"
	d2.Metrics.ClicksToControl = ptr(4)
	doc := &results.Document{Results: []results.Entry{c, b, a, d2}}
	d := newSheet(doc)

	require.Len(t, d.Sites, 3)
	assert.Equal(t, []string{"别站", "商店", "第三站"}, []string{d.Sites[0].Name, d.Sites[1].Name, d.Sites[2].Name},
		"sites in the order of their scenario ids")
	assert.Equal(t, "desktop", d.Sites[1].Runs[0].Entry.Device.Name)
	assert.Equal(t, 2, d.SitesCarriedOut)
	agg := map[string]sheetAggregate{}
	for _, x := range d.Aggregates {
		agg[x.Indicator.ID] = x
	}
	eff := agg["effect_verified"]
	assert.Equal(t, 2, eff.Measured)
	assert.Equal(t, 1, eff.NotMeasured)
	assert.Equal(t, 2, eff.Counts[ansYes], "商店 (desktop) and 第三站")
	assert.Equal(t, 1, eff.Counts[ansNo], "商店 (mobile)")

	clicks := agg["clicks_to_control"]
	assert.Equal(t, []int{7, 4}, clicks.Highest, "each site's highest count")
	assert.Equal(t, "5.5", median(clicks.Highest))
	assert.Equal(t, 1, clicks.RuleFailed)
	assert.Equal(t, 2, clicks.RuleNone, "商店's desktop run and 第三站 were judged by no rule")
	lines := aggregateLines(clicks, sheetEnglish(english()))
	require.Len(t, lines, 3)
	assert.Equal(t, aggregateLine{Answer: "rule failed", Sites: 1, Percent: "50%", Median: "5.5", Highest: "7", Bad: true}, lines[0])

	assert.Equal(t, []statusCount{{metrics.StatusOK, 3}, {metrics.StatusOutOfReach, 1}}, d.ByStatus)
	assert.Equal(t, "33.3%", percent(1, 3))
	assert.Equal(t, "66.7%", percent(2, 3))
	assert.Equal(t, "", percent(0, 0))
}

// Every status is named, in both languages, in both formats of the sheet.
func TestSheetNamesEveryStatus(t *testing.T) {
	for _, s := range metrics.Statuses {
		for _, lang := range []string{"en", "zh"} {
			sw, err := lookupSheetWords(lang)
			require.NoError(t, err)
			for _, f := range OnRequestFormats() {
				var buf bytes.Buffer
				require.NoError(t, Render(&buf, statusDoc(s), f, Options{Lang: lang}))
				out := buf.String()
				if f == FormatSheetCSV {
					out = decodeSheetCSV(t, buf.Bytes())
				}
				assert.Contains(t, out, sw.status(s), "%s/%s/%s", s, lang, f)
				assert.NotContains(t, out, "%!", "%s/%s/%s: a format verb without its value", s, lang, f)
			}
		}
	}
}

// Every label has its words in both languages.
func TestSheetWordsAreComplete(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		sw, err := lookupSheetWords(lang)
		require.NoError(t, err)
		for _, ind := range sheetIndicators() {
			assert.NotEmpty(t, sw.Labels[ind.ID], "%s: %s", lang, ind.ID)
			assert.NotEmpty(t, sw.Short[ind.ID], "%s: %s", lang, ind.ID)
		}
		for why := whyBeforeControl; why <= whyNotRecorded; why++ {
			if why != whySubscribeStatus {
				assert.NotEmpty(t, sw.Why[why], "%s: reason %d", lang, why)
			}
		}
		for s := range stepCount {
			assert.NotEmpty(t, sw.Steps[s], "%s: step %d", lang, s)
		}
	}
}
