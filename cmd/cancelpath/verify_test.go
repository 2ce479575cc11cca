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

// keygen makes a pair that signs and checks evidence; verify --key fails a folder that is not signed or is
// signed by another key; keygen never overwrites.
func TestKeygenSignVerify(t *testing.T) {
	dir := t.TempDir()
	prefix := filepath.Join(dir, "auditor")
	var out, errOut strings.Builder
	require.Equal(t, exitOK, run(t.Context(), []string{"keygen", "--out", prefix}, &out, &errOut), errOut.String())
	fi, err := os.Stat(prefix + ".key")
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the private key is its owner's only")
	assert.Equal(t, exitUsage, run(t.Context(), []string{"keygen", "--out", prefix}, &out, &errOut), "never overwrites")

	keyPEM, err := os.ReadFile(prefix + ".key")
	require.NoError(t, err)
	key, err := evidence.ParsePrivateKey(keyPEM)
	require.NoError(t, err)
	ev := sealedEvidence(t)
	signed := filepath.Join(ev, "evidence", "xingchen@mobile")
	require.NoError(t, evidence.Sign(signed, key))

	out.Reset()
	assert.Equal(t, exitOK, run(t.Context(), []string{"verify", "--key", prefix + ".pub", signed}, &out, &errOut), out.String())
	out.Reset()
	assert.Equal(t, exitFindings, run(t.Context(), []string{"verify", "--key", prefix + ".pub", filepath.Join(ev, "evidence")}, &out, &errOut))
	assert.Contains(t, out.String(), "unsigned: "+filepath.Join(ev, "evidence", "yueying@desktop", evidence.SignatureName))

	require.Equal(t, exitOK, run(t.Context(), []string{"keygen", "--out", filepath.Join(dir, "other")}, &out, &errOut))
	out.Reset()
	assert.Equal(t, exitFindings, run(t.Context(), []string{"verify", "--key", filepath.Join(dir, "other.pub"), signed}, &out, &errOut))
	assert.Contains(t, out.String(), "signature: ")
	assert.Equal(t, exitUsage, run(t.Context(), []string{"verify", "--key", prefix + ".key", signed}, &out, &errOut),
		"a private key is not a public key")
	assert.Equal(t, exitUsage, run(t.Context(), []string{"audit", "--sign-key", prefix + ".key", "-o", "", "x.yaml"}, &out, &errOut),
		"signing needs an output folder")
}
