package atomicfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteReplacesWholeAndLeavesNoTemporary(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "results.json")
	require.NoError(t, os.WriteFile(p, []byte("old, and longer than the new"), 0o600))
	require.NoError(t, Write(p, []byte("new")))
	data, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, "new", string(data))
	info, err := os.Stat(p)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), info.Mode().Perm())
	left, err := filepath.Glob(filepath.Join(dir, ".*"))
	require.NoError(t, err)
	assert.Empty(t, left)

	require.Error(t, Write(filepath.Join(dir, "no", "such", "folder", "x"), []byte("x")))
}

func TestIsTemp(t *testing.T) {
	assert.True(t, IsTemp("evidence/x@desktop/.meta.json.tmp-123"))
	assert.True(t, IsTemp(".MANIFEST.sha256.tmp-9"))
	assert.False(t, IsTemp("meta.json"))
	assert.False(t, IsTemp(".hidden"))
	assert.False(t, IsTemp("a.tmp-1"))
}
