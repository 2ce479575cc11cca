package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// export hands on intact folders and prints the zip's hash; a tampered folder stops it with exit 1 and
// nothing written; bad arguments are usage errors.
func TestExportCommand(t *testing.T) {
	out := sealedEvidence(t)
	zip := filepath.Join(t.TempDir(), "case.zip")
	code, stdout, stderr := runCLI(t, "export", "--out", zip, filepath.Join(out, "evidence"))
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "exported 2 evidence folder(s) to "+zip)
	assert.Regexp(t, `sha256 [0-9a-f]{64}`, stdout)
	assert.FileExists(t, zip)
	code, stdout, stderr = runCLI(t, "verify", filepath.Join(out, "evidence"))
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "the last exported at")

	code, _, stderr = runCLI(t, "export", "--out", zip, filepath.Join(out, "evidence"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "exists")

	require.NoError(t, os.WriteFile(filepath.Join(out, "evidence", "yueying@desktop", "control.mhtml"), []byte("x"), 0o644))
	other := filepath.Join(t.TempDir(), "other.zip")
	code, _, stderr = runCLI(t, "export", "--out", other, filepath.Join(out, "evidence"))
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, stderr, "changed: "+filepath.Join(out, "evidence", "yueying@desktop", "control.mhtml"))
	assert.NoFileExists(t, other)

	code, _, stderr = runCLI(t, "export", filepath.Join(out, "evidence"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "--out")
}
