package evidence

import (
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/timestamp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/evidence/tsa"
)

// startTSA serves a fresh untrusted authority on 127.0.0.1 for the test.
func startTSA(t *testing.T) *tsa.Server {
	t.Helper()
	s, err := tsa.Start()
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, s.Close()) })
	return s
}

func rootsOf(t *testing.T, a *tsa.Authority) *x509.CertPool {
	t.Helper()
	pool, err := ParseTSARoots(a.CertificatePEM())
	require.NoError(t, err)
	return pool
}

// stampWith writes a token of a straight from the authority, bypassing the client's checks: how a token
// the client would refuse gets into a folder anyway.
func stampWith(t *testing.T, a *tsa.Authority, dir string) {
	t.Helper()
	manifest, err := os.ReadFile(filepath.Join(dir, ManifestName))
	require.NoError(t, err)
	sum := sha256.Sum256(manifest)
	query, err := (&timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: sum[:], Certificates: true,
		Nonce: big.NewInt(7)}).Marshal()
	require.NoError(t, err)
	resp, err := a.Respond(query)
	require.NoError(t, err)
	ts, err := timestamp.ParseResponse(resp)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, TimestampName), ts.RawToken, 0o644))
}

// certWithout makes a self-signed certificate for a fresh key that is not for time-stamping.
func certWithout(t *testing.T) *tsa.Authority {
	t.Helper()
	a, err := tsa.NewCodeSigner()
	require.NoError(t, err)
	return a
}

func kindsOf(f Folder) []ProblemKind {
	var kinds []ProblemKind
	for _, p := range f.Problems {
		kinds = append(kinds, p.Kind)
	}
	return kinds
}

// A token from the local TSA is written beside the manifest, not listed in it, and verifies offline: by
// itself, against the TSA's certificate as the trusted root, and with openssl.
func TestTimestampRoundTrip(t *testing.T) {
	srv := startTSA(t)
	_, dir := sealedFolder(t)
	before := time.Now().Add(-time.Second)
	info, err := (&TSA{URL: srv.URL}).Timestamp(t.Context(), dir)
	require.NoError(t, err)
	assert.Contains(t, info.TSA, tsa.Name)
	assert.WithinRange(t, info.Time, before.Truncate(time.Second), time.Now())
	assert.Equal(t, time.UTC, info.Time.Location())
	assert.NotEmpty(t, info.Serial)
	assert.Equal(t, "2.999.3161.1", info.Policy)
	require.FileExists(t, filepath.Join(dir, TimestampName))

	for _, opts := range []VerifyOptions{{}, {RequireTimestamp: true}, {TSARoots: rootsOf(t, srv.Authority)}} {
		folders, err := VerifyWith(dir, opts)
		require.NoError(t, err)
		require.Len(t, folders, 1)
		assert.Empty(t, folders[0].Problems, "the token is neither a problem nor an unlisted file")
		require.NotNil(t, folders[0].Timestamp)
		assert.Equal(t, info, *folders[0].Timestamp)
	}

	if _, err := exec.LookPath("openssl"); err == nil {
		ca := filepath.Join(t.TempDir(), "tsa.pem")
		require.NoError(t, os.WriteFile(ca, srv.CertificatePEM(), 0o644))
		cmd := exec.Command("openssl", "ts", "-verify", "-data", ManifestName, "-in", TimestampName, "-token_in", "-CAfile", ca)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
		assert.Contains(t, string(out), "Verification: OK")
	}
}

func TestTimestampTampering(t *testing.T) {
	srv := startTSA(t)
	other, err := tsa.New()
	require.NoError(t, err)
	stamp := func(t *testing.T, dir string) {
		_, err := (&TSA{URL: srv.URL}).Timestamp(t.Context(), dir)
		require.NoError(t, err)
	}
	trusted := rootsOf(t, srv.Authority)
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir string)
		opts   VerifyOptions
		want   []ProblemKind
		detail string // in the timestamp problem's detail
	}{
		{name: "intact, trusted root", change: stamp, opts: VerifyOptions{TSARoots: trusted}},
		{name: "not timestamped, not required", change: func(*testing.T, string) {}},
		{name: "not timestamped, required", change: func(*testing.T, string) {}, opts: VerifyOptions{RequireTimestamp: true},
			want: []ProblemKind{ProblemUntimestamped}, detail: "the folder was never timestamped"},
		{name: "not timestamped, a trusted root given", change: func(*testing.T, string) {}, opts: VerifyOptions{TSARoots: trusted},
			want: []ProblemKind{ProblemUntimestamped}},
		{name: "a changed manifest byte", change: func(t *testing.T, dir string) {
			stamp(t, dir)
			p := filepath.Join(dir, ManifestName)
			data, err := os.ReadFile(p)
			require.NoError(t, err)
			if data[0] == '0' { // a hex digit of the first file's hash, still a hex digit
				data[0] = '1'
			} else {
				data[0] = '0'
			}
			require.NoError(t, os.WriteFile(p, data, 0o644))
		}, want: []ProblemKind{ProblemChanged, ProblemTimestampMismatch}, detail: "a token of another manifest, or the manifest changed"},
		{name: "a token of another manifest", change: func(t *testing.T, dir string) {
			_, otherDir := sealedFolder(t)
			require.NoError(t, os.WriteFile(filepath.Join(otherDir, "extra.png"), []byte("x"), 0o644))
			require.NoError(t, Seal(otherDir, Meta{ScenarioID: "other"}))
			stamp(t, otherDir)
			token, err := os.ReadFile(filepath.Join(otherDir, TimestampName))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, TimestampName), token, 0o644))
		}, want: []ProblemKind{ProblemTimestampMismatch}, detail: "the manifest's is"},
		{name: "a corrupted token", change: func(t *testing.T, dir string) {
			stamp(t, dir)
			p := filepath.Join(dir, TimestampName)
			data, err := os.ReadFile(p)
			require.NoError(t, err)
			data[len(data)-5] ^= 0xff // inside the signature value
			require.NoError(t, os.WriteFile(p, data, 0o644))
		}, want: []ProblemKind{ProblemTimestamp}, detail: "signature does not hold"},
		{name: "a truncated token", change: func(t *testing.T, dir string) {
			stamp(t, dir)
			p := filepath.Join(dir, TimestampName)
			data, err := os.ReadFile(p)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(p, data[:len(data)/2], 0o644))
		}, want: []ProblemKind{ProblemTimestamp}, detail: "not an RFC 3161 time-stamp token"},
		{name: "a token whose certificate lacks timeStamping", change: func(t *testing.T, dir string) {
			stampWith(t, certWithout(t), dir)
		}, want: []ProblemKind{ProblemTimestamp}, detail: "lacks the timeStamping extended key usage"},
		{name: "a token of an untrusted TSA", change: func(t *testing.T, dir string) {
			stampWith(t, other, dir)
		}, opts: VerifyOptions{TSARoots: trusted}, want: []ProblemKind{ProblemTimestamp}, detail: "does not chain to a trusted TSA certificate"},
		{name: "an untrusted TSA's token, no roots asked: consistent in itself", change: func(t *testing.T, dir string) {
			stampWith(t, other, dir)
		}},
		{name: "sealed again after timestamping", change: func(t *testing.T, dir string) {
			stamp(t, dir)
			require.NoError(t, Seal(dir, Meta{ScenarioID: "xingchen"}))
			assert.NoFileExists(t, filepath.Join(dir, TimestampName), "a token of the old manifest is dropped")
		}, opts: VerifyOptions{TSARoots: trusted}, want: []ProblemKind{ProblemUntimestamped}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, dir := sealedFolder(t)
			tc.change(t, dir)
			folders, err := VerifyWith(dir, tc.opts)
			require.NoError(t, err)
			require.Len(t, folders, 1)
			assert.Equal(t, tc.want, kindsOf(folders[0]), "%v", folders[0].Problems)
			if tc.detail != "" {
				last := folders[0].Problems[len(folders[0].Problems)-1]
				assert.Equal(t, TimestampName, last.File)
				assert.Contains(t, last.Detail, tc.detail)
			}
		})
	}
}

// A TSA that fails in any way leaves the folder sealed, without a token, and says why.
func TestTimestampRequestFails(t *testing.T) {
	auth, err := tsa.New()
	require.NoError(t, err)
	// closed is a loopback port nothing listens on any more.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := "http://" + ln.Addr().String() + "/"
	require.NoError(t, ln.Close())
	for _, tc := range []struct {
		name    string
		url     string
		handler http.HandlerFunc
		timeout time.Duration
		want    string
	}{
		{name: "unreachable", url: closed, want: "connection refused"},
		{name: "HTTP error", handler: func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "down", http.StatusServiceUnavailable)
		}, want: "answered HTTP 503"},
		{name: "rejected", handler: func(w http.ResponseWriter, _ *http.Request) {
			resp, _ := timestamp.CreateErrorResponse(timestamp.Rejection, timestamp.BadAlgorithm)
			_, _ = w.Write(resp)
		}, want: "not granted"},
		{name: "not a time-stamp reply", handler: func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte("<html>login</html>"))
		}, want: "not granted"},
		{name: "too slow", handler: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body) // read whole, the server notices the client leave
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, timeout: 200 * time.Millisecond, want: "deadline exceeded"},
		{name: "an answer to another query (another nonce)", handler: answerAltered(auth, func(req *timestamp.Request) {
			req.Nonce = new(big.Int).Add(req.Nonce, big.NewInt(1))
		}), want: "nonce is not the query's"},
		{name: "a token over another hash", handler: answerAltered(auth, func(req *timestamp.Request) {
			req.HashedMessage[0] ^= 1
		}), want: "a token of another manifest"},
		{name: "a token under a certificate not for time-stamping", handler: certWithout(t).ServeHTTP,
			want: "lacks the timeStamping extended key usage"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := tc.url
			if tc.handler != nil {
				s := httptest.NewServer(tc.handler)
				t.Cleanup(s.Close)
				url = s.URL
			}
			_, dir := sealedFolder(t)
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			_, err := (&TSA{URL: url, Timeout: tc.timeout}).Timestamp(ctx, dir)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NoFileExists(t, filepath.Join(dir, TimestampName))
			folders, err := Verify(dir)
			require.NoError(t, err)
			assert.Empty(t, folders[0].Problems, "still sealed and intact")
		})
	}
}

// answerAltered is a TSA that answers a query changed by alter: a misdirected or replayed answer.
func answerAltered(a *tsa.Authority, alter func(*timestamp.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		req, err := timestamp.ParseRequest(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		alter(req)
		q, err := req.Marshal()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		resp, err := a.Respond(q)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_, _ = w.Write(resp)
	}
}

func TestTSAHandlerRefusesOtherRequests(t *testing.T) {
	srv := startTSA(t)
	resp, err := http.Get(srv.URL)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	resp, err = http.Post(srv.URL, "text/plain", strings.NewReader("x"))
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusUnsupportedMediaType, resp.StatusCode)
	assert.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"), "loopback only")
	cert := srv.Certificate()
	assert.Equal(t, []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}, cert.ExtKeyUsage)
	for _, ext := range cert.Extensions {
		if ext.Id.String() == "2.5.29.37" {
			assert.True(t, ext.Critical, "RFC 3161: the timeStamping usage is critical")
		}
	}
	assert.Contains(t, cert.Subject.CommonName, "UNTRUSTED")
}

func TestParseTSARootsRejects(t *testing.T) {
	_, err := ParseTSARoots([]byte("junk"))
	assert.ErrorContains(t, err, "no PEM certificate found")
}
