package evidence

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// unzip extracts a zip into a fresh folder and returns it.
func unzip(t *testing.T, file string) string {
	t.Helper()
	out := t.TempDir()
	zr, err := zip.OpenReader(file)
	require.NoError(t, err)
	defer func() { _ = zr.Close() }()
	for _, f := range zr.File {
		require.True(t, filepath.IsLocal(f.Name), f.Name)
		p := filepath.Join(out, filepath.FromSlash(f.Name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		rc, err := f.Open()
		require.NoError(t, err)
		data, err := io.ReadAll(rc)
		require.NoError(t, err)
		_ = rc.Close()
		require.NoError(t, os.WriteFile(p, data, 0o644))
	}
	return out
}

// An export records its hand-over in each folder's custody log, and the copy verifies as the original
// does, the hand-over included; the returned hash is the zip's.
func TestExport(t *testing.T) {
	dir := custodyFolder(t)
	evidenceDir := filepath.Dir(dir)
	dest := filepath.Join(t.TempDir(), "case-2026-001.zip")
	folders, sum, err := Export(evidenceDir, dest, "test", VerifyOptions{})
	require.NoError(t, err)
	require.Len(t, folders, 1)
	data, err := os.ReadFile(dest)
	require.NoError(t, err)
	want := sha256.Sum256(data)
	assert.Equal(t, hex.EncodeToString(want[:]), sum)

	copied := unzip(t, dest)
	got, err := VerifyWith(copied, VerifyOptions{RequireCustody: true})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, filepath.Join(copied, "evidence", "xingchen@desktop"), got[0].Dir, "paths relative to the evidence folder's parent")
	assert.True(t, got[0].Intact(), "%v", got[0].Problems)
	last := got[0].Custody[len(got[0].Custody)-1]
	assert.Equal(t, CustodyExported, last.Event)
	assert.Equal(t, "to case-2026-001.zip", last.Detail)
	orig, err := VerifyWith(dir, VerifyOptions{RequireCustody: true})
	require.NoError(t, err)
	assert.Equal(t, last, orig[0].Custody[len(orig[0].Custody)-1], "the original records the same hand-over")
}

// Nothing that does not hold up is handed on, and an export never overwrites or lands in the evidence.
func TestExportRefuses(t *testing.T) {
	for _, tc := range []struct {
		name    string
		prepare func(t *testing.T, dir string) (dest string)
		want    string
	}{
		{"a changed file", func(t *testing.T, dir string) string {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "01-cancel-0.png"), []byte("other"), 0o644))
			return filepath.Join(t.TempDir(), "x.zip")
		}, "is not intact (changed: "},
		{"no custody log", func(t *testing.T, dir string) string {
			require.NoError(t, os.Remove(filepath.Join(dir, CustodyName)))
			return filepath.Join(t.TempDir(), "x.zip")
		}, "is not intact (no-custody: "},
		{"an existing file", func(t *testing.T, _ string) string {
			dest := filepath.Join(t.TempDir(), "x.zip")
			require.NoError(t, os.WriteFile(dest, []byte("keep"), 0o644))
			return dest
		}, "exists"},
		{"a file inside the evidence", func(_ *testing.T, dir string) string {
			return filepath.Join(dir, "x.zip")
		}, "is inside the evidence folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := custodyFolder(t)
			dest := tc.prepare(t, dir)
			before, _ := os.ReadFile(filepath.Join(dir, CustodyName))
			_, _, err := Export(filepath.Dir(dir), dest, "test", VerifyOptions{})
			require.ErrorContains(t, err, tc.want)
			after, _ := os.ReadFile(filepath.Join(dir, CustodyName))
			assert.Equal(t, before, after, "no hand-over recorded")
			if tc.name != "an existing file" {
				assert.NoFileExists(t, dest)
			}
		})
	}
}
