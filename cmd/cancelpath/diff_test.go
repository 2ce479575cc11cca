package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/reports"
	"github.com/cancelpath/cancelpath/results"
)

// writeChanged writes the fixture after change to a temporary results.json.
func writeChanged(t *testing.T, change func(d *results.Document)) string {
	t.Helper()
	doc, err := results.ReadDocument(resultsFixture)
	require.NoError(t, err)
	change(doc)
	path := filepath.Join(t.TempDir(), "results.json")
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, reports.Render(f, doc, reports.FormatJSON, reports.Options{}))
	require.NoError(t, f.Close())
	return path
}

func TestDiffCommand(t *testing.T) {
	longer := writeChanged(t, func(d *results.Document) {
		n := 5
		d.Results[0].Metrics.ClicksToControl = &n
		d.Results[0].Grade = "C"
	})
	better := writeChanged(t, func(d *results.Document) {
		n := 1
		d.Results[1].Metrics.LevelsToControl = &n
	})
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"schema_version":"9.0"}`), 0o644))

	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
		stderr   string
	}{
		{name: "identical", args: []string{"diff", resultsFixture, resultsFixture}, contains: []string{"0 regression(s)"}},
		{name: "a longer path fails", args: []string{"diff", resultsFixture, longer}, code: exitFindings,
			contains: []string{"clicks_to_control", "▼ worse", "2 regression(s)"}, stderr: "2 regression(s) since"},
		{name: "an improvement passes", args: []string{"diff", resultsFixture, better}, contains: []string{"▲ better", "0 regression(s), 1 improvement(s)"}},
		{name: "markdown", args: []string{"diff", resultsFixture, longer, "--format", "markdown"}, code: exitFindings, contains: []string{"|Site|Device|Metric|Old|New|Change|"}},
		{name: "bad schema", args: []string{"diff", resultsFixture, bad}, code: exitUsage, stderr: "schema_version 9.0 is not supported"},
		{name: "missing file", args: []string{"diff", resultsFixture, "nope.json"}, code: exitUsage, stderr: "nope.json"},
		{name: "bad format", args: []string{"diff", resultsFixture, resultsFixture, "--format", "xml"}, code: exitUsage, stderr: `--format "xml"`},
		{name: "one argument", args: []string{"diff", resultsFixture}, code: exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			require.Equal(t, tt.code, code, "stdout: %s\nstderr: %s", stdout, stderr)
			for _, c := range tt.contains {
				assert.Contains(t, stdout, c)
			}
			assert.Contains(t, stderr, tt.stderr)
		})
	}
}

func TestDiffCommandJSON(t *testing.T) {
	longer := writeChanged(t, func(d *results.Document) { d.Results[0].Control.Box.Width = 40 })
	code, stdout, _ := runCLI(t, "diff", resultsFixture, longer, "--format", "json")
	require.Equal(t, exitFindings, code)
	var d results.DiffResult
	require.NoError(t, json.Unmarshal([]byte(stdout), &d))
	require.Len(t, d.Rows, 1)
	assert.Equal(t, results.DiffRow{Key: "xingchen@desktop", Site: "星辰卡盟", Device: "desktop", Metric: "control_width", Old: "120", New: "40", Change: results.Worse}, d.Rows[0])
}
