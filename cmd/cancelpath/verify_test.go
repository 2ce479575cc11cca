package main

import (
	"crypto"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/timestamp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/evidence"
	"github.com/cancelpath/cancelpath/evidence/tsa"
)

// sealedEvidence builds out/evidence/<key>/ for two runs and seals both, recording it in their custody
// logs as the engine does.
func sealedEvidence(t *testing.T) string {
	t.Helper()
	out := t.TempDir()
	for _, key := range []string{"xingchen@mobile", "yueying@desktop"} {
		dir := filepath.Join(out, "evidence", key)
		require.NoError(t, os.MkdirAll(dir, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "06-cancel-0.png"), []byte("\x89PNG fake "+key), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "control.mhtml"), []byte("MIME-Version: 1.0\r\n"), 0o644))
		require.NoError(t, evidence.AppendCustody(dir, evidence.Event{Event: evidence.CustodyCreated, ToolVersion: "test"}))
		id, device, _ := strings.Cut(key, "@")
		require.NoError(t, evidence.Seal(dir, evidence.Meta{ScenarioID: id, Device: device,
			ToolVersion: "test", StartedAt: time.Now(), FinishedAt: time.Now()}))
		require.NoError(t, evidence.AppendCustody(dir, evidence.Event{Event: evidence.CustodySealed, ToolVersion: "test"}))
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

// timestampAll has every folder under out timestamped by srv, recorded in its custody log.
func timestampAll(t *testing.T, out string, srv *tsa.Server) {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(out, "evidence", "*@*"))
	require.NoError(t, err)
	for _, dir := range dirs {
		_, err := (&evidence.TSA{URL: srv.URL}).Timestamp(t.Context(), dir)
		require.NoError(t, err)
		require.NoError(t, evidence.AppendCustody(dir, evidence.Event{Event: evidence.CustodyTimestamped, ToolVersion: "test"}))
	}
}

// writeToken puts a token of a over dir's manifest into dir, as a TSA client that checks nothing would.
func writeToken(t *testing.T, a *tsa.Authority, dir string) {
	t.Helper()
	manifest, err := os.ReadFile(filepath.Join(dir, evidence.ManifestName))
	require.NoError(t, err)
	sum := sha256.Sum256(manifest)
	query, err := (&timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: sum[:], Certificates: true}).Marshal()
	require.NoError(t, err)
	resp, err := a.Respond(query)
	require.NoError(t, err)
	ts, err := timestamp.ParseResponse(resp)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, evidence.TimestampName), ts.RawToken, 0o644))
}

// notForTimestamping is an authority whose certificate is for code signing only.
func notForTimestamping(t *testing.T) *tsa.Authority {
	t.Helper()
	a, err := tsa.NewCodeSigner()
	require.NoError(t, err)
	return a
}

// Time-stamps and custody logs: each way of tampering fails verify with exit 1 and says what and where.
func TestVerifyTimestampAndCustody(t *testing.T) {
	srv, err := tsa.Start()
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, srv.Close()) })
	other, err := tsa.New()
	require.NoError(t, err)
	certFile := filepath.Join(t.TempDir(), "tsa.pem")
	require.NoError(t, os.WriteFile(certFile, srv.CertificatePEM(), 0o644))
	yueying := func(out string, name string) string { return filepath.Join(out, "evidence", "yueying@desktop", name) }
	flip := func(t *testing.T, p string, at func(n int) int) {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		data[at(len(data))] ^= 0x01
		require.NoError(t, os.WriteFile(p, data, 0o644))
	}
	tests := []struct {
		name     string
		tamper   func(t *testing.T, out string)
		args     []string
		code     int
		contains []string // with OUT standing for the output folder
	}{
		{name: "timestamped and recorded, trusted", args: []string{"--tsa-cert", certFile},
			contains: []string{"intact", "timestamped 20", "by CN=" + tsa.Name, "custody log: 3 entries, the last timestamped at 20"}},
		{name: "a manifest changed after timestamping", tamper: func(t *testing.T, out string) {
			p := yueying(out, evidence.ManifestName)
			data, err := os.ReadFile(p)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(p, append(data, '\n'), 0o644)) // a blank line: sha256sum still reads it
		}, code: exitFindings, contains: []string{
			"timestamp-mismatch: " + yueying("OUT", evidence.TimestampName) + " (the token (20",
			"a token of another manifest, or the manifest changed after timestamping)",
			"custody: " + yueying("OUT", evidence.CustodyName) + " (line 3: the timestamped entry names manifest sha256 ",
		}},
		{name: "a token of the other folder", tamper: func(t *testing.T, out string) {
			token, err := os.ReadFile(filepath.Join(out, "evidence", "xingchen@mobile", evidence.TimestampName))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(yueying(out, evidence.TimestampName), token, 0o644))
		}, code: exitFindings, contains: []string{"timestamp-mismatch: " + yueying("OUT", evidence.TimestampName)}},
		{name: "a corrupted token", tamper: func(t *testing.T, out string) {
			flip(t, yueying(out, evidence.TimestampName), func(n int) int { return n - 5 })
		}, code: exitFindings, contains: []string{"timestamp: " + yueying("OUT", evidence.TimestampName) +
			" (the token's signature does not hold under the certificate it carries"}},
		{name: "a token under a certificate not for time-stamping", tamper: func(t *testing.T, out string) {
			writeToken(t, notForTimestamping(t), filepath.Join(out, "evidence", "yueying@desktop"))
		}, code: exitFindings, contains: []string{"timestamp: " + yueying("OUT", evidence.TimestampName) +
			" (the token's certificate (CN=code signer (not a TSA),O=cancelpath) is not for time-stamping: it lacks the timeStamping extended key usage)"}},
		{name: "a token of an untrusted TSA", tamper: func(t *testing.T, out string) {
			writeToken(t, other, filepath.Join(out, "evidence", "yueying@desktop"))
		}, args: []string{"--tsa-cert", certFile}, code: exitFindings, contains: []string{"timestamp: " + yueying("OUT", evidence.TimestampName) +
			" (the TSA's certificate (CN=" + tsa.Name + ",O=cancelpath) does not chain to a trusted TSA certificate (--tsa-cert) at 20"}},
		{name: "a token removed, the log records it", tamper: func(t *testing.T, out string) {
			require.NoError(t, os.Remove(yueying(out, evidence.TimestampName)))
		}, code: exitFindings, contains: []string{"untimestamped: " + yueying("OUT", evidence.TimestampName) +
			" (the custody log records a time-stamp (seq 3), the file is gone)"}},
		{name: "a token removed, --tsa-cert", tamper: func(t *testing.T, out string) {
			require.NoError(t, os.Remove(yueying(out, evidence.TimestampName)))
		}, args: []string{"--tsa-cert", certFile}, code: exitFindings, contains: []string{"untimestamped: " +
			yueying("OUT", evidence.TimestampName) + " (no MANIFEST.sha256.tsr: the folder was never timestamped (audit --tsa URL))"}},
		{name: "an edited custody line", tamper: func(t *testing.T, out string) {
			flip(t, yueying(out, evidence.CustodyName), func(int) int { return 2 }) // "seq" → "req"… in line 1
		}, code: exitFindings, contains: []string{"custody: " + yueying("OUT", evidence.CustodyName) +
			" (line 2: prev does not match the SHA-256 of line 1"}},
		{name: "sealed again without an entry", tamper: func(t *testing.T, out string) {
			require.NoError(t, evidence.Seal(filepath.Join(out, "evidence", "yueying@desktop"), evidence.Meta{ScenarioID: "yueying", Device: "desktop"}))
		}, code: exitFindings, contains: []string{"custody: " + yueying("OUT", evidence.CustodyName) +
			" (line 3: the timestamped entry names manifest sha256 ", "sealed again or replaced without an entry)"}},
		{name: "no custody log", tamper: func(t *testing.T, out string) {
			require.NoError(t, os.Remove(yueying(out, evidence.CustodyName)))
		}, code: exitFindings, contains: []string{"no-custody: " + yueying("OUT", evidence.CustodyName) +
			" (no CUSTODY.jsonl: the folder's history is not recorded (sealed by an older cancelpath, or outside it))"}},
		{name: "no custody log, --allow-no-custody", tamper: func(t *testing.T, out string) {
			require.NoError(t, os.Remove(yueying(out, evidence.CustodyName)))
		}, args: []string{"--allow-no-custody"}, contains: []string{"intact"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := sealedEvidence(t)
			timestampAll(t, out, srv)
			if tt.tamper != nil {
				tt.tamper(t, out)
			}
			code, stdout, stderr := runCLI(t, append(append([]string{"verify"}, tt.args...), filepath.Join(out, "evidence"))...)
			require.Equal(t, tt.code, code, "stdout: %s\nstderr: %s", stdout, stderr)
			for _, c := range tt.contains {
				assert.Contains(t, stdout, strings.ReplaceAll(c, "OUT", out))
			}
			if tt.code == exitFindings {
				assert.Contains(t, stdout, "FAILED")
				assert.Contains(t, stderr, "verify: ")
				assert.Contains(t, stdout, "intact  "+filepath.Join(out, "evidence", "xingchen@mobile"), "the other folder is still intact")
			}
		})
	}
}

// --record appends the outcome to each folder's custody log, whatever it is; a folder without a log gets
// none.
func TestVerifyRecord(t *testing.T) {
	out := sealedEvidence(t)
	ev := filepath.Join(out, "evidence")
	xingchen, yueying := filepath.Join(ev, "xingchen@mobile"), filepath.Join(ev, "yueying@desktop")

	code, _, stderr := runCLI(t, "verify", "--record", ev)
	require.Equal(t, exitOK, code, stderr)
	entries, breaks, err := evidence.ReadCustody(xingchen)
	require.NoError(t, err)
	assert.Empty(t, breaks, "appending keeps the chain")
	require.Len(t, entries, 3)
	last := entries[2]
	assert.Equal(t, evidence.CustodyVerified, last.Event)
	assert.Equal(t, "intact (checked: manifest, time-stamp (if any) against its own certificate, custody log)", last.Detail)
	assert.Equal(t, version, last.ToolVersion)
	assert.NotEmpty(t, last.ManifestSHA256)

	require.NoError(t, os.WriteFile(filepath.Join(yueying, "extra.png"), nil, 0o644))
	code, _, _ = runCLI(t, "verify", "--record", ev)
	require.Equal(t, exitFindings, code)
	entries, breaks, err = evidence.ReadCustody(yueying)
	require.NoError(t, err)
	assert.Empty(t, breaks)
	assert.Equal(t, "FAILED: 1 problem(s): unlisted extra.png (checked: manifest, time-stamp (if any) against its own certificate, custody log)",
		entries[len(entries)-1].Detail)

	require.NoError(t, os.Remove(filepath.Join(yueying, "extra.png")))
	require.NoError(t, os.Remove(filepath.Join(yueying, evidence.CustodyName)))
	code, stdout, stderr := runCLI(t, "verify", "--record", "--allow-no-custody", ev)
	require.Equal(t, exitOK, code, stdout+stderr)
	assert.Contains(t, stderr, "--record: "+yueying+" has no CUSTODY.jsonl: nothing recorded")
	assert.NoFileExists(t, filepath.Join(yueying, evidence.CustodyName), "a log is not begun by a verification")
	code, _, _ = runCLI(t, "verify", "--allow-no-custody", ev)
	assert.Equal(t, exitOK, code, "the verified entries do not break the logs")
}

func TestVerifyTimestampFlagsBadInput(t *testing.T) {
	out := sealedEvidence(t)
	junk := filepath.Join(t.TempDir(), "junk.pem")
	require.NoError(t, os.WriteFile(junk, []byte("not a certificate"), 0o644))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"verify", "--tsa-cert", "/nonexistent.pem", out}, "--tsa-cert: "},
		{[]string{"verify", "--tsa-cert", junk, out}, "no PEM certificate found"},
		{[]string{"audit", "--tsa", "http://127.0.0.1:1/", "-o", "", "x.yaml"}, "--tsa needs --out"},
		{[]string{"audit", "--tsa", "ftp://tsa.example/", "-o", out, "x.yaml"}, "not an http or https URL"},
		{[]string{"demo", "--tsa", "tsa.example", "-o", out}, "not an http or https URL"},
	} {
		code, _, stderr := runCLI(t, tc.args...)
		assert.Equal(t, exitUsage, code, "%v: %s", tc.args, stderr)
		assert.Contains(t, stderr, tc.want, tc.args)
	}
}
