package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/evidence"
)

// sealedEvidence builds out/evidence/<key>/ for two runs and seals both.
func sealedEvidence(t *testing.T) string {
	t.Helper()
	out := t.TempDir()
	for _, key := range []string{"xingchen@mobile", "yueying@desktop"} {
		dir := filepath.Join(out, "evidence", key)
		require.NoError(t, os.MkdirAll(dir, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "06-cancel-0.png"), []byte("\x89PNG fake "+key), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "control.mhtml"), []byte("MIME-Version: 1.0\r\n"), 0o644))
		id, device, _ := strings.Cut(key, "@")
		require.NoError(t, evidence.Seal(dir, evidence.Meta{ScenarioID: id, Device: device,
			ToolVersion: "test", StartedAt: time.Now(), FinishedAt: time.Now()}))
	}
	return out
}

func TestVerify(t *testing.T) {
	tests := []struct {
		name     string
		tamper   func(t *testing.T, out string)
		code     int
		contains []string // with OUT standing for the output folder
	}{
		{name: "intact", tamper: func(*testing.T, string) {}, contains: []string{"intact", "xingchen@mobile", "(3 files; manifest sha256 "}},
		{
			name: "a changed byte",
			tamper: func(t *testing.T, out string) {
				p := filepath.Join(out, "evidence", "yueying@desktop", "06-cancel-0.png")
				data, err := os.ReadFile(p)
				require.NoError(t, err)
				data[0] ^= 1
				require.NoError(t, os.WriteFile(p, data, 0o644))
			},
			code:     exitFindings,
			contains: []string{"FAILED", "changed: " + filepath.Join("OUT", "evidence", "yueying@desktop", "06-cancel-0.png") + " (sha256 "},
		},
		{
			name: "a missing and an added file",
			tamper: func(t *testing.T, out string) {
				dir := filepath.Join(out, "evidence", "xingchen@mobile")
				require.NoError(t, os.Remove(filepath.Join(dir, "control.mhtml")))
				require.NoError(t, os.WriteFile(filepath.Join(dir, "extra.png"), nil, 0o644))
			},
			code:     exitFindings,
			contains: []string{"missing: ", "control.mhtml", "unlisted: ", "extra.png"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := sealedEvidence(t)
			tt.tamper(t, out)
			code, stdout, stderr := runCLI(t, "verify", filepath.Join(out, "evidence"))
			require.Equal(t, tt.code, code, "stdout: %s\nstderr: %s", stdout, stderr)
			for _, c := range tt.contains {
				assert.Contains(t, stdout, strings.ReplaceAll(c, "OUT", out))
			}
			assert.Equal(t, 2, strings.Count(stdout, "manifest sha256"), "both folders are checked")
		})
	}
}

func TestVerifyBadInput(t *testing.T) {
	code, _, stderr := runCLI(t, "verify", t.TempDir())
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "no MANIFEST.sha256 found")
	code, _, stderr = runCLI(t, "verify", "/nonexistent/evidence")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "does not exist")
}
