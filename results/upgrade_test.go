package results

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
)

// A results document of schema 1.x is read: not_found becomes no_control, with a note that says why the two
// are not the same.
func TestReadV1Document(t *testing.T) {
	data, err := os.ReadFile(fixturePath)
	require.NoError(t, err)
	v1 := strings.Replace(string(data), `"schema_version": "2.0"`, `"schema_version": "1.0"`, 1)
	v1 = strings.Replace(v1, `"status": "no_control"`, `"status": "not_found"`, 1)
	dir := t.TempDir()
	path := filepath.Join(dir, "results.json")
	require.NoError(t, os.WriteFile(path, []byte(v1), 0o644))

	doc, err := ReadDocument(path)
	require.NoError(t, err)
	assert.Equal(t, SchemaVersion, doc.SchemaVersion, "upgraded: what is written back is 2.0")
	e := entry(t, doc, "yueying@desktop")
	assert.Equal(t, metrics.StatusNoControl, e.Status)
	assert.Equal(t, []string{noteNotFoundV1}, e.Notes)
	assert.Equal(t, metrics.StatusSiteError, entry(t, doc, "jiguang@mobile").Status, "other statuses kept")

	// A 1.x stream has no version of its own: not_found is mapped wherever it is read.
	var buf bytes.Buffer
	require.NoError(t, WriteJSONL(&buf, loadFixture(t)))
	stream := filepath.Join(dir, "results.jsonl")
	require.NoError(t, os.WriteFile(stream, bytes.Replace(buf.Bytes(), []byte(`"status":"no_control"`), []byte(`"status":"not_found"`), 1), 0o644))
	entries, err := ReadJSONL(stream)
	require.NoError(t, err)
	for _, e := range entries {
		assert.NotEqual(t, statusNotFoundV1, e.Status)
	}
	loaded, err := Load(stream)
	require.NoError(t, err)
	assert.Equal(t, []string{noteNotFoundV1}, entry(t, loaded, "yueying@desktop").Notes)

	// Rendered again, the document is a 2.0 document and says what was mapped.
	buf.Reset()
	require.NoError(t, WriteJSON(&buf, doc))
	assert.Contains(t, buf.String(), `"schema_version": "2.0"`)
	assert.NotContains(t, buf.String(), `"not_found"`)
	assert.Contains(t, buf.String(), "schema 1.x status not_found read as no_control")
}
