package reports

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/results"
)

func TestGoldenFormats(t *testing.T) {
	tests := []struct {
		file   string
		format Format
		opt    Options
	}{
		{"table.txt", FormatTable, Options{}},
		{"table-zh.txt", FormatTable, Options{Lang: "zh"}},
		{"table-color.txt", FormatTable, Options{Color: true}},
		{"table-90.txt", FormatTable, Options{Width: 90}},
		{"results.json", FormatJSON, Options{}},
		{"results.jsonl", FormatJSONL, Options{}},
		{"results.csv", FormatCSV, Options{}},
		{"report.md", FormatMarkdown, Options{}},
		{"report-zh.md", FormatMarkdown, Options{Lang: "zh"}},
		{"junit.xml", FormatJUnit, Options{}},
		{"results.sarif", FormatSARIF, Options{}},
		{"report.html", FormatHTML, Options{}},
		{"report-zh.html", FormatHTML, Options{Lang: "zh"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, Render(&buf, loadFixture(t), tt.format, tt.opt))
			golden(t, tt.file, buf.Bytes())
		})
	}
}

func TestGoldenDiff(t *testing.T) {
	old := loadFixture(t)
	d := results.Diff(old, worsened(t))
	for _, f := range []struct{ file, format string }{
		{"diff.txt", "table"}, {"diff.json", "json"}, {"diff.md", "markdown"},
	} {
		t.Run(f.file, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, RenderDiff(&buf, d, f.format, Options{}))
			golden(t, f.file, buf.Bytes())
		})
	}
}
