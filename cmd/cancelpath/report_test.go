package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/reports"
)

// resultsFixture is the reports package's hand-built audit (six runs, hostile text, screenshots beside it).
const resultsFixture = "../../reports/testdata/run/results.json"

func TestReport(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string // in stdout
		stderr   string   // contained in stderr
	}{
		{name: "table by default", args: []string{"report", resultsFixture}, contains: []string{"星辰卡盟", "Clk", "not found"}},
		{name: "chinese table", args: []string{"report", resultsFixture, "--lang", "zh"}, contains: []string{"点击", "未找到"}},
		{name: "markdown", args: []string{"report", resultsFixture, "--format", "markdown"}, contains: []string{"|1|星辰卡盟|desktop|2|1|0|1|120×40|"}},
		{name: "csv and json", args: []string{"report", resultsFixture, "-f", "csv,json"}, contains: []string{"\ufeffrank,scenario_id", `"schema_version": "1.0"`}},
		{name: "unknown format", args: []string{"report", resultsFixture, "--format", "pdf"}, code: exitUsage, stderr: `unknown format "pdf"`},
		{name: "unknown language", args: []string{"report", resultsFixture, "--lang", "fr"}, code: exitUsage, stderr: `--lang "fr"`},
		{name: "missing file", args: []string{"report", "nope.json"}, code: exitUsage, stderr: "nope.json"},
		{name: "no argument", args: []string{"report"}, code: exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			require.Equal(t, tt.code, code, stderr)
			for _, c := range tt.contains {
				assert.Contains(t, stdout, c)
			}
			assert.Contains(t, stderr, tt.stderr)
			assert.NotContains(t, stdout, "\x1b[", "no colour when stdout is not a terminal")
		})
	}
}

func TestReportWritesFiles(t *testing.T) {
	out := t.TempDir()
	code, _, stderr := runCLI(t, "report", resultsFixture, "-o", out, "--lang", "zh")
	require.Equal(t, 0, code, stderr)
	for _, name := range []string{"results.json", "results.csv", "report.md", "junit.xml", "results.sarif", "report.html"} {
		assert.Contains(t, stderr, filepath.Join(out, name))
		assert.FileExists(t, filepath.Join(out, name))
	}
	html, err := os.ReadFile(filepath.Join(out, "report.html"))
	require.NoError(t, err)
	assert.Contains(t, string(html), `lang="zh-CN"`)
	assert.Contains(t, string(html), "data:image/png;base64,", "screenshots beside RESULTS are embedded")

	// The JSON written is the same document, so report can read its own output.
	doc, err := reports.ReadDocument(filepath.Join(out, "results.json"))
	require.NoError(t, err)
	assert.Len(t, doc.Results, 6)
}

func TestReportReadsAStream(t *testing.T) {
	doc, err := reports.ReadDocument(resultsFixture)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "results.jsonl")
	w, err := reports.NewJSONLWriter(path, false)
	require.NoError(t, err)
	for i := range doc.Results {
		require.NoError(t, w.Append(&doc.Results[i]))
	}
	require.NoError(t, w.Close())
	code, stdout, stderr := runCLI(t, "report", path, "--format", "json")
	require.Equal(t, 0, code, stderr)
	var back reports.Document
	require.NoError(t, json.Unmarshal([]byte(stdout), &back))
	assert.Len(t, back.Results, 6)
	assert.Equal(t, 1, back.Results[0].Rank)
	assert.True(t, strings.HasPrefix(stdout, "{"))
}
