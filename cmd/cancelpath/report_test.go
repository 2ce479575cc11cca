package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/results"
)

// resultsFixture is the reports package's hand-built audit (eight runs, every kind of status but failed and
// error, hostile text, screenshots beside it).
const resultsFixture = "../../reports/testdata/run/results.json"

func TestReport(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string // in stdout
		stderr   string   // contained in stderr
	}{
		{name: "table by default", args: []string{"report", resultsFixture}, contains: []string{"星辰卡盟", "Clk", "no control", "blocked", "out of reach", "site error"}},
		{name: "chinese table", args: []string{"report", resultsFixture, "--lang", "zh"}, contains: []string{"点击", "无取消控件", "控件受阻", "无法查看", "网站出错"}},
		{name: "markdown", args: []string{"report", resultsFixture, "--format", "markdown"}, contains: []string{"|1|星辰卡盟|desktop|2|1|0|1|120×40|"}},
		{name: "csv and json", args: []string{"report", resultsFixture, "-f", "csv,json"}, contains: []string{"\ufeffrank,scenario_id", `"schema_version": "2.0"`}},
		{name: "sheet csv", args: []string{"report", resultsFixture, "-f", "sheet-csv"}, contains: []string{"\ufeffCancellation sweep", "星辰卡盟,xingchen,mobile,ok"}},
		{name: "chinese sheet", args: []string{"report", resultsFixture, "-f", "sheet-html", "--lang", "zh"},
			contains: []string{`<html lang="zh-CN">`, "监管核查表", "网站上有取消控件", "未测量", "evidence/xingchen@mobile/archive.wacz"}},
		{name: "english sheet", args: []string{"report", resultsFixture, "--format", "sheet-html"},
			contains: []string{"the regulator&#39;s sheet", "Cancel control found on the site", "not measured"}},
		{name: "help lists the sheet", args: []string{"report", "--help"}, contains: []string{"sheet-csv", "sheet-html", "sheet.<lang>.html"}},
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
	assert.Contains(t, string(html), `<img src="thumbs/evidence/xingchen@mobile/06-cancel-0.png.jpg"`,
		"screenshots beside RESULTS are shown as thumbnails written beside the report")
	assert.FileExists(t, filepath.Join(out, "thumbs", "evidence", "xingchen@mobile", "06-cancel-0.png.jpg"))
	assert.NotContains(t, string(html), "data:image/", "a report written into a folder embeds nothing")

	// The JSON written is the same document, so report can read its own output.
	doc, err := results.ReadDocument(filepath.Join(out, "results.json"))
	require.NoError(t, err)
	assert.Len(t, doc.Results, 8)
}

// Results written by cancelpath 1.x (schema 1.0, status not_found) are still reported and compared: not_found
// reads as no_control, with a note, and the document written back is 2.0.
func TestReportReadsSchemaV1(t *testing.T) {
	data, err := os.ReadFile(resultsFixture)
	require.NoError(t, err)
	v1 := strings.Replace(string(data), `"schema_version": "2.0"`, `"schema_version": "1.0"`, 1)
	v1 = strings.Replace(v1, `"status": "no_control"`, `"status": "not_found"`, 1)
	old := filepath.Join(t.TempDir(), "results.json")
	require.NoError(t, os.WriteFile(old, []byte(v1), 0o644))

	code, stdout, stderr := runCLI(t, "report", old, "--format", "json")
	require.Equal(t, exitOK, code, stderr)
	var back results.Document
	require.NoError(t, json.Unmarshal([]byte(stdout), &back))
	assert.Equal(t, results.SchemaVersion, back.SchemaVersion)
	assert.NotContains(t, stdout, `"not_found"`)
	assert.Contains(t, stdout, "schema 1.x status not_found read as no_control")

	code, stdout, stderr = runCLI(t, "diff", old, resultsFixture)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "0 regression(s)", "the same audit in either schema")

	code, _, stderr = runCLI(t, "merge", "-o", filepath.Join(t.TempDir(), "all.json"), old)
	assert.Equal(t, exitOK, code, stderr)
}

func TestReportReadsAStream(t *testing.T) {
	doc, err := results.ReadDocument(resultsFixture)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "results.jsonl")
	w, err := results.NewJSONLWriter(path, false)
	require.NoError(t, err)
	for i := range doc.Results {
		require.NoError(t, w.Append(&doc.Results[i]))
	}
	require.NoError(t, w.Close())
	code, stdout, stderr := runCLI(t, "report", path, "--format", "json")
	require.Equal(t, 0, code, stderr)
	var back results.Document
	require.NoError(t, json.Unmarshal([]byte(stdout), &back))
	assert.Len(t, back.Results, 8)
	assert.Equal(t, 1, back.Results[0].Rank)
	assert.True(t, strings.HasPrefix(stdout, "{"))
}

// The regulator's sheet is written on request, in the language asked for, to a file named after it; report -o
// without --format leaves it out.
func TestReportWritesSheets(t *testing.T) {
	out := t.TempDir()
	code, _, stderr := runCLI(t, "report", resultsFixture, "-o", out, "-f", "sheet-html,sheet-csv", "--lang", "zh")
	require.Equal(t, exitOK, code, stderr)
	for _, name := range []string{"sheet.zh.html", "sheet.zh.csv"} {
		assert.Contains(t, stderr, filepath.Join(out, name))
		assert.FileExists(t, filepath.Join(out, name))
	}
	csv, err := os.ReadFile(filepath.Join(out, "sheet.zh.csv"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(csv), "\ufeff"), "UTF-8 with BOM, for Excel")

	plain := t.TempDir()
	code, _, stderr = runCLI(t, "report", resultsFixture, "-o", plain)
	require.Equal(t, exitOK, code, stderr)
	matches, err := filepath.Glob(filepath.Join(plain, "sheet*"))
	require.NoError(t, err)
	assert.Empty(t, matches, "the sheet is written only when asked for")
}

// demo writes the sheet in both languages from the results.json its audit wrote, and from no other.
func TestReportDemoSheets(t *testing.T) {
	data, err := os.ReadFile(resultsFixture)
	require.NoError(t, err)
	out := t.TempDir()
	var stderr strings.Builder
	c := &auditConfig{auditFlags: auditFlags{out: out}}
	require.NoError(t, writeDemoSheets(c, time.Now(), &stderr), "no results.json: nothing to write")
	require.NoError(t, os.WriteFile(filepath.Join(out, "results.json"), data, 0o644))

	require.NoError(t, writeDemoSheets(c, time.Now(), &stderr))
	matches, err := filepath.Glob(filepath.Join(out, "sheet*"))
	require.NoError(t, err)
	assert.Empty(t, matches, "results.json finished before this audit started: an earlier audit's")

	doc, err := results.ReadDocument(filepath.Join(out, "results.json"))
	require.NoError(t, err)
	require.NoError(t, writeDemoSheets(c, doc.FinishedAt.Add(-time.Minute), &stderr))
	for _, name := range []string{"sheet.zh.html", "sheet.zh.csv", "sheet.en.html", "sheet.en.csv"} {
		assert.FileExists(t, filepath.Join(out, name))
		assert.Contains(t, stderr.String(), filepath.Join(out, name))
	}
	zh, err := os.ReadFile(filepath.Join(out, "sheet.zh.html"))
	require.NoError(t, err)
	assert.Contains(t, string(zh), "监管核查表")

	c.out = ""
	assert.NoError(t, writeDemoSheets(c, time.Time{}, &stderr), "no output folder: nothing to write")
}
