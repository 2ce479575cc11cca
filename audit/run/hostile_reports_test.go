package run

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
	"github.com/cancelpath/cancelpath/reports"
	"github.com/cancelpath/cancelpath/results"
)

// TestHostileTextInReports: text a site controls (a control's label, the page text quoted in a failure's
// reason) is kept as data in the result, and every report format shows it harmlessly: no markup, no
// terminal escape, no bidi override or zero-width character reaches the terminal table.
func TestHostileTextInReports(t *testing.T) {
	site := newHostileSite(t)
	const hostile = "<script>alert(1)</script>"
	ok := Run(context.Background(), testBrowser, hostileScenarioFor(site.URL+"/", "hostile-text.html",
		[]scenario.Step{control(css("#x"))}, txt("已退订")), "desktop", Options{})
	require.Equal(t, metrics.StatusOK, ok.Status, ok.Reason)
	ok.Site = hostile + "\x1b[2J\u202eevil" // a display name is data too
	bad := Run(context.Background(), testBrowser, hostileScenarioFor(site.URL+"/", "hostile-text.html",
		[]scenario.Step{control(txt("不存在"))}, txt("已退订")), "desktop", Options{})
	require.Equal(t, metrics.StatusNoControl, bad.Status)
	for _, raw := range []string{hostile, "\x1b[31m", "\u202e", "\u200b"} {
		require.Contains(t, bad.Reason, raw, "the reason quotes the page as it is")
		require.Contains(t, ok.Control.Label, raw, "the label is kept as it is")
	}
	bad.ScenarioID = "hostile-bad"
	outs := assertReportsClean(t, ok, bad)
	assert.Contains(t, outs[reports.FormatTable], "alert(1)", "the text is shown, cleaned")
	for _, f := range []reports.Format{reports.FormatHTML, reports.FormatMarkdown, reports.FormatJUnit} {
		assert.NotContains(t, outs[f], "<script>alert", "%s: markup stays text", f)
		assert.Contains(t, outs[f], "alert(1)", "%s: the text is shown, escaped", f)
	}
	for _, f := range []reports.Format{reports.FormatJSON, reports.FormatSARIF} {
		assert.NotContains(t, outs[f], "\u202e", "%s: bidi overrides are escaped", f)
	}
}

// assertReportsClean renders the results in every report format and checks that each output is well
// formed and carries no terminal escape, and that the terminal table has no control or format character.
// It returns the outputs by format.
func assertReportsClean(t *testing.T, rs ...*metrics.Result) map[reports.Format]string {
	t.Helper()
	doc := &results.Document{SchemaVersion: results.SchemaVersion, StartedAt: time.Now(), FinishedAt: time.Now()}
	for _, r := range rs {
		doc.Results = append(doc.Results, results.Entry{Result: *r})
	}
	outs := map[reports.Format]string{}
	for _, f := range reports.AllFormats() {
		var b bytes.Buffer
		require.NoError(t, reports.Render(&b, doc, f, reports.Options{}), "render %s", f)
		out := b.String()
		outs[f] = out
		assert.NotContains(t, out, "\x1b", "%s: no terminal escape", f)
		switch f {
		case reports.FormatTable:
			for _, r := range out {
				if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
					t.Errorf("control or format character %U in the table", r)
				}
			}
		case reports.FormatJSON, reports.FormatSARIF:
			assert.True(t, json.Valid(b.Bytes()), "%s: valid JSON", f)
		case reports.FormatJSONL:
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				assert.True(t, json.Valid([]byte(line)), "jsonl: valid JSON line")
			}
		case reports.FormatJUnit:
			dec := xml.NewDecoder(strings.NewReader(out))
			for {
				_, err := dec.Token()
				if errors.Is(err, io.EOF) {
					break
				}
				require.NoError(t, err, "junit: well-formed XML")
			}
		case reports.FormatCSV:
			_, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			assert.NoError(t, err, "csv: parses")
		}
	}
	return outs
}
