package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/results"
)

// The fixture's "hostile" site carries <script>, "><img onerror>, ANSI escapes (colours, a screen clear, an
// OSC 8 hyperlink), RTL overrides and zero-width characters in every text field. Each format must show them
// as inert, escaped text.

// invisible are characters that must never reach a person's screen raw: ESC, the C1 CSI (U+009B, which a
// terminal reads like ESC [), bidi controls, a zero-width space, BEL.
var invisible = []string{"\x1b", "\u009b", "\u202e", "\u202c", "\u200b", "\a"}

func TestHostileTextIsInertInEveryFormat(t *testing.T) {
	doc := loadFixture(t)
	for _, f := range append(AllFormats(), OnRequestFormats()...) {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, Render(&buf, doc, f, Options{}))
			out := buf.String()
			if f == FormatSheetCSV {
				out = decodeSheetCSV(t, buf.Bytes()) // BOM and encoding checked
			}
			for _, c := range invisible {
				assert.NotContains(t, out, c, "a raw %q reached the %s output", c, f)
			}
			switch f {
			case FormatHTML, FormatMarkdown, FormatSheetHTML:
				// Markup from the site is entity-escaped, never live.
				for _, live := range []string{"<script>", "<img src=x", "</td></tr></table><h1>", "<a href=\"javascript:", "<b>", "<i>"} {
					assert.NotContains(t, out, live)
				}
				assert.Contains(t, out, "&lt;script&gt;")
			case FormatJSON, FormatJSONL:
				// JSON escapes <, > and & and the control characters; the bidi and zero-width ones we escape.
				assert.NotContains(t, out, "<script>")
				assert.Contains(t, out, `\u003cscript\u003e`)
				assert.Contains(t, out, `\u202e`)
				assert.Contains(t, out, `\u009b2J\u009b31mC1\u009b0m`, "a C1 control is written as an escape, like C0")
			case FormatSARIF:
				assert.NotContains(t, out, "<script>")
				assert.Contains(t, out, `\u003cscript\u003e`)
			case FormatTable:
				assert.Contains(t, out, "<script>wind") // plain text in a terminal is inert once escapes are gone
			case FormatSheetCSV:
				assert.Contains(t, out, "<script>window.__pwned=1</script>坏站REDevil", "a spreadsheet cell is text")
			}
		})
	}
}

// The regulator's sheet shows more of a run than its answers: the reason, what the effect check found, the
// screenshot and page of each step that shows an answer. Here the hostile run's control step has the
// hostile screenshot name and a page address a site could have chosen; both sheets, in both languages, show
// them as inert text, and the CSV guards every cell against formulas.
func TestHostileTextIsInertInTheSheet(t *testing.T) {
	doc := loadFixture(t)
	h := entry(t, doc, "hostile@desktop")
	var control *metrics.Step
	for i := range h.Steps {
		if h.Steps[i].Control {
			control = &h.Steps[i]
		}
	}
	require.NotNil(t, control)
	control.Screenshot = h.Steps[0].Screenshot // evidence/hostile@desktop/"><img src=x onerror="window.__pwned=1">.png
	control.URL = "javascript:alert(1)//\u202e<script>alert(2)</script>\x1b[31m"
	h.Reason = "=cmd|' /C calc'!A0 \u009b31m<b>bold</b>"
	h.Status = metrics.StatusFailed // the reason is shown
	for _, lang := range []string{"en", "zh"} {
		t.Run("html/"+lang, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, Render(&buf, doc, FormatSheetHTML, Options{Lang: lang}))
			out := buf.String()
			for _, c := range invisible {
				assert.NotContains(t, out, c)
			}
			for _, live := range []string{"<script>", "<img src=x", "<b>", `href="javascript:`, "onerror=\"window"} {
				assert.NotContains(t, out, live)
			}
			assert.NotContains(t, out, "<script", "no script at all, the site's or the sheet's own")
			assert.Contains(t, out, "&lt;img src=x onerror=", "the screenshot's name is shown as text")
			assert.Contains(t, out, `href="evidence/hostile@desktop/%22%3E%3Cimg%20src=x%20onerror=%22window.__pwned=1%22%3E.png"`,
				"and linked percent-encoded")
			assert.Contains(t, out, "javascript:alert(1)//&lt;script&gt;alert(2)&lt;/script&gt;", "the page address is text, never a link")
			assert.Contains(t, out, "&lt;b&gt;bold&lt;/b&gt;")
			assert.NotRegexp(t, `(?i)(src|href)="(https?:)?//`, out, "no external resource or link")
		})
		t.Run("csv/"+lang, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, Render(&buf, doc, FormatSheetCSV, Options{Lang: lang}))
			text := decodeSheetCSV(t, buf.Bytes())
			for _, c := range invisible {
				assert.NotContains(t, text, c)
			}
			rows := readSheetCSV(t, buf.Bytes())
			cells := map[string]bool{}
			for _, row := range rows {
				for _, cell := range row {
					if cell != "" {
						assert.NotContains(t, "=+-@\t\r", cell[:1], "cell %q would run as a formula", cell)
					}
					cells[cell] = true
				}
			}
			assert.True(t, cells["'=cmd|' /C calc'!A0 <b>bold</b>"], "the formula in the reason is kept, behind an apostrophe")
			assert.True(t, cells[`evidence/hostile@desktop/"><img src=x onerror="window.__pwned=1">.png`], "the screenshot, as text")
		})
	}
}

func TestHostileJSONKeepsTheData(t *testing.T) {
	// Escaping is lossless: the document read back holds the site's exact text for researchers.
	doc := loadFixture(t)
	var buf bytes.Buffer
	require.NoError(t, Render(&buf, doc, FormatJSON, Options{}))
	var back results.Document
	require.NoError(t, json.Unmarshal(buf.Bytes(), &back))
	assert.Equal(t, entry(t, doc, "hostile@desktop").Site, entry(t, &back, "hostile@desktop").Site)
	assert.Contains(t, entry(t, &back, "hostile@desktop").Site, "\x1b[31m")
}

func TestCSVGuardsFormulas(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Render(&buf, loadFixture(t), FormatCSV, Options{}))
	require.True(t, strings.HasPrefix(buf.String(), utf8BOM), "Excel needs the BOM to read Chinese as UTF-8")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), utf8BOM))).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 9, "a header and one row per scenario × device")
	for _, row := range rows {
		require.Len(t, row, len(rows[0]))
		for _, cell := range row {
			if cell != "" {
				assert.NotContains(t, "=+-@\t\r", cell[:1], "cell %q would run as a formula", cell)
			}
		}
	}
	assert.Equal(t, "rank", rows[0][0])
	col := func(name string) int {
		for i, h := range rows[0] {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return -1
	}
	hostile := rows[4]
	assert.Equal(t, "hostile", hostile[col("scenario_id")])
	assert.True(t, strings.HasPrefix(hostile[col("control_label")], `'=HYPERLINK("http://evil.example"`), hostile[col("control_label")])
	assert.Equal(t, "", rows[5][col("clicks_to_control")], "not measured is an empty cell, never 0")
	assert.Equal(t, "cn.art18.clicks; cn.art18.effect; de.312k.levels", rows[5][col("could_not_measure_rules")])
}

func TestCleanAndCut(t *testing.T) {
	tests := []struct {
		name, in, clean string
	}{
		{"plain", "星辰卡盟", "星辰卡盟"},
		{"sgr colours", "\x1b[31mRED\x1b[0m", "RED"},
		{"screen clear and home", "a\x1b[2J\x1b[Hb", "ab"},
		{"osc 8 hyperlink", "\x1b]8;;http://evil/\x07click\x1b]8;;\x07", "click"},
		{"osc with ST", "\x1b]0;title\x1b\\x", "x"},
		{"c1 csi", "a\u009b31mb", "ab"},
		{"rtl override", "\u202egnp.exe", "gnp.exe"},
		{"zero width", "退\u200b订\ufeff", "退订"},
		{"newlines and tabs", "a\r\n\tb", "a b"},
		{"bell and nul", "a\a\x00b", "ab"},
		{"invalid utf-8", "a\xffb", "a\ufffdb"},
		{"trims", "  a  b  ", "a b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.clean, Clean(tt.in))
		})
	}
	cuts := []struct {
		in    string
		width int
		want  string
	}{
		{"星辰卡盟", 8, "星辰卡盟"},
		{"星辰卡盟", 7, "星辰卡…"},
		{"星辰卡盟", 6, "星辰…"},
		{"abcdef", 4, "abc…"},
		{"ab", 0, ""},
	}
	for _, c := range cuts {
		got := Cut(c.in, c.width)
		assert.Equal(t, c.want, got)
		assert.LessOrEqual(t, displayWidth(got), max(c.width, 0))
	}
}
