package results

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJSONRoundTrip(t *testing.T) {
	doc := loadFixture(t)
	var buf bytes.Buffer
	require.NoError(t, WriteJSON(&buf, doc))
	path := filepath.Join(t.TempDir(), "results.json")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	back, err := ReadDocument(path)
	require.NoError(t, err)
	assert.Equal(t, doc, back)
	assert.Contains(t, buf.String(), "\n  \"schema_version\": \"2.0\",\n", "indented by two spaces")
	assert.Contains(t, buf.String(), `"clicks_to_control": null`, "not measured is null, never 0")
}

func TestReadDocumentChecksSchemaVersion(t *testing.T) {
	tests := []struct {
		name, body, wantErr string
	}{
		{"same major, newer minor", `{"schema_version":"2.7","results":[]}`, ""},
		{"1.x, upgraded as it is read", `{"schema_version":"1.0","results":[]}`, ""},
		{"other major", `{"schema_version":"3.0","results":[]}`, "schema_version 3.0 is not supported (this cancelpath reads 1.x and 2.x)"},
		{"no version", `{"results":[]}`, "no schema_version"},
		{"not json", `<html>`, "not a cancelpath results document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "r.json")
			require.NoError(t, os.WriteFile(path, []byte(tt.body), 0o644))
			_, err := ReadDocument(path)
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestJSONLStreamSurvivesAKill(t *testing.T) {
	doc := loadFixture(t)
	path := filepath.Join(t.TempDir(), "results.jsonl")
	w, err := NewJSONLWriter(path, false)
	require.NoError(t, err)
	for i := range doc.Results[:3] {
		require.NoError(t, w.Append(&doc.Results[i]))
	}
	require.NoError(t, w.Close())
	require.NoError(t, w.Close(), "a second Close is a no-op")
	require.Error(t, w.Append(&doc.Results[3]), "appending after Close fails")

	// A sweep killed mid-write leaves half a line.
	full, err := os.ReadFile(path)
	require.NoError(t, err)
	var line4 bytes.Buffer
	require.NoError(t, WriteJSONL(&line4, &Document{Results: doc.Results[3:4]}))
	require.NoError(t, os.WriteFile(path, append(full, line4.Bytes()[:line4.Len()/2]...), 0o644))

	got, err := ReadJSONL(path)
	require.NoError(t, err, "a truncated last line is dropped, not an error")
	require.Len(t, got, 3)
	assert.Equal(t, doc.Results[:3], got)

	// Resuming drops the half line and appends after the complete ones.
	w, err = NewJSONLWriter(path, true)
	require.NoError(t, err)
	for i := range doc.Results[3:] {
		require.NoError(t, w.Append(&doc.Results[3+i]))
	}
	require.NoError(t, w.Close())
	got, err = ReadJSONL(path)
	require.NoError(t, err)
	assert.Equal(t, doc.Results, got)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, len(doc.Results), strings.Count(string(data), "\n"), "one line per entry")

	// Load builds a document from the stream.
	loaded, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, SchemaVersion, loaded.SchemaVersion)
	assert.Len(t, loaded.Results, len(doc.Results))
	assert.Equal(t, []string{"cn", "de", "wcag", "us-ftc", "custom"}, loaded.Packs)
}

func TestReadJSONLRejectsABadLineInTheMiddle(t *testing.T) {
	path := filepath.Join(t.TempDir(), "results.jsonl")
	require.NoError(t, os.WriteFile(path, []byte("{\"scenario_id\":\"a\"}\n{oops\n{\"scenario_id\":\"b\"}\n"), 0o644))
	_, err := ReadJSONL(path)
	require.ErrorContains(t, err, "results.jsonl:2")
}

func TestLoadKeepsTheLastRunOfARerunScenario(t *testing.T) {
	doc := loadFixture(t)
	path := filepath.Join(t.TempDir(), "results.jsonl")
	first := doc.Results[0]
	rerun := doc.Results[0]
	rerun.Overall = 42
	var buf bytes.Buffer
	require.NoError(t, WriteJSONL(&buf, &Document{Results: []Entry{first, doc.Results[1], rerun}}))
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	loaded, err := Load(path)
	require.NoError(t, err)
	require.Len(t, loaded.Results, 2)
	assert.Equal(t, 42.0, loaded.Results[0].Overall)
}

func TestRankEntries(t *testing.T) {
	doc := loadFixture(t)
	want := make([]int, len(doc.Results))
	for i := range doc.Results {
		want[i] = doc.Results[i].Rank
		doc.Results[i].Rank = 99
	}
	RankEntries(doc.Results)
	got := make([]int, len(doc.Results))
	for i := range doc.Results {
		got[i] = doc.Results[i].Rank
	}
	assert.Equal(t, want, got, "the fixture's ranks are the computed ones")

	tie := []Entry{{Overall: 80}, {Overall: 90}, {Overall: 80}, {Overall: 10}}
	RankEntries(tie)
	assert.Equal(t, []int{2, 1, 2, 4}, []int{tie[0].Rank, tie[1].Rank, tie[2].Rank, tie[3].Rank})
}
