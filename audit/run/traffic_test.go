package run

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-rod/rod/lib/proto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/ysmood/gson"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
	"github.com/cancelpath/cancelpath/evidence"
	"github.com/cancelpath/cancelpath/evidence/webarchive"
)

// TestCountSecrets: the count follows maskVariants replacement for replacement, so the text it ends with is
// maskVariants' own.
func TestCountSecrets(t *testing.T) {
	sc := &scenario.Scenario{Secrets: []string{"a b&c", "pw", "a b"}}
	tests := []struct {
		text string
		n    int
	}{
		{"nothing here", 0},
		{"pw and pw", 2},
		{"raw a b&c, query a+b%26c, path a%20b&c, html a b&amp;c", 4},
		{"a b alone, then a+b", 2},
	}
	for _, tc := range tests {
		got, n := maskCounted(sc, tc.text)
		assert.Equal(t, maskVariants(sc, tc.text), got, tc.text)
		assert.Equal(t, tc.n, n, tc.text)
		tr := &traffic{sc: sc}
		masked, m := tr.scrub(tc.text)
		assert.Equal(t, got, masked)
		assert.Equal(t, tc.n, m)
	}
}

func TestHeaderLists(t *testing.T) {
	hs := headerList(proto.NetworkHeaders{"Set-Cookie": gsonStr("a=1\nb=2"), "Accept": gsonStr("*/*")})
	assert.Equal(t, []webarchive.Header{{Name: "Accept", Value: "*/*"}, {Name: "Set-Cookie", Value: "a=1"},
		{Name: "Set-Cookie", Value: "b=2"}}, hs, "sorted, one header per line")
	raw := rawHeaders("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n")
	assert.Equal(t, []webarchive.Header{{Name: "Content-Type", Value: "text/html"}, {Name: "Set-Cookie", Value: "a=1"},
		{Name: "Set-Cookie", Value: "b=2"}}, raw, "the wire's order")
}

func TestArchivePages(t *testing.T) {
	steps := []metrics.Step{
		{Phase: phaseLogin, Action: "goto", URL: "https://a.example/login"},
		{Phase: phaseCancel, Index: 0, Action: "click", Target: `text="我的"`, URL: "https://a.example/me"},
		{Phase: phaseCancel, Index: 2, Action: "click", Target: `text="退订"`, URL: "https://a.example/c"},
		{Phase: phaseDone, Action: "done", Target: `text="已退订"`, URL: "https://a.example/c"},
		{Phase: phaseSubscribe, Action: "click", URL: "https://a.example/buy"},
	}
	var titles []string
	for _, p := range archivePages(steps) {
		titles = append(titles, p.ID+": "+p.Title)
	}
	assert.Equal(t, []string{`cancel-1: cancel step 1: click text="我的"`, `cancel-3: cancel step 3: click text="退订"`,
		`done: done state: text="已退订"`}, titles, "the steps after the login, in the recorded session")
}

// TestWebArchiveOriginTLS runs a path over https and finds its origin's TLS facts and certificate chain on
// the result. The test server's certificate is its own, so the shared browser ignores certificate errors
// for the length of the test.
func TestWebArchiveOriginTLS(t *testing.T) {
	rb := testBrowser.Rod()
	require.NoError(t, proto.SecuritySetIgnoreCertificateErrors{Ignore: true}.Call(rb))
	defer func() { _ = proto.SecuritySetIgnoreCertificateErrors{Ignore: false}.Call(rb) }()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><meta charset="utf-8"><title>首页</title><a href="/cancel">我的</a>`)
	})
	mux.HandleFunc("/cancel", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><meta charset="utf-8"><title>退订</title>`+doneButton)
	})
	site := httptest.NewTLSServer(mux)
	defer site.Close()
	sc := &scenario.Scenario{ID: "tls", Site: "tls", URL: site.URL + "/", Jurisdictions: []string{"cn"},
		Devices: []string{"desktop"}, Timeouts: scenario.Timeouts{Step: 5 * time.Second, Scenario: 30 * time.Second},
		Login:  []scenario.Step{{Action: scenario.Goto, URL: "/"}},
		Cancel: []scenario.Step{click(txt("我的")), control(txt("退订"))}, Done: scenario.Condition{Target: txt("已退订")}}
	res := Run(context.Background(), testBrowser, sc, "desktop", Options{OutDir: t.TempDir()})
	require.Equal(t, metrics.StatusOK, res.Status, res.Reason)
	require.Len(t, res.Origins, 1)
	o := res.Origins[0]
	assert.Equal(t, "https://"+site.Listener.Addr().String(), o.Origin)
	assert.Equal(t, []string{"127.0.0.1"}, o.IPs)
	require.NotNil(t, o.TLS, "an https origin has its TLS facts")
	assert.NotEmpty(t, o.TLS.Protocol)
	assert.NotEmpty(t, o.TLS.Cipher)
	assert.Contains(t, o.TLS.SANs, "127.0.0.1")
	cert := site.Certificate()
	assert.WithinDuration(t, cert.NotAfter, o.TLS.ValidTo, time.Second)
	require.NotEmpty(t, o.TLS.Chain, o.TLS.Note)
	sum := sha256.Sum256(cert.Raw)
	assert.Equal(t, hex.EncodeToString(sum[:]), o.TLS.Chain[0].SHA256, "the leaf's fingerprint")
	block, _ := pem.Decode([]byte(o.TLS.Chain[0].PEM))
	require.NotNil(t, block)
	assert.Equal(t, cert.Raw, block.Bytes)
}

func gsonStr(s string) gson.JSON { return gson.New(s) }

// TestWebArchivePopup: a popup the run follows is recorded: what it had loaded before it was followed (read
// from its memory), and its requests after.
func TestWebArchivePopup(t *testing.T) {
	out := t.TempDir()
	sc := newScenario("archive-popup.html", []scenario.Step{click(txt("管理订阅")), control(txt("退订"))}, txt("已退订"))
	res := Run(context.Background(), testBrowser, sc, "desktop", Options{OutDir: out})
	require.Equal(t, metrics.StatusOK, res.Status, res.Reason)
	wacz, err := os.ReadFile(filepath.Join(out, evidence.Dir("t", "desktop"), ArchiveName))
	require.NoError(t, err)
	zr, err := zip.NewReader(bytes.NewReader(wacz), int64(len(wacz)))
	require.NoError(t, err)
	f, err := zr.Open(webarchive.WARCPath)
	require.NoError(t, err)
	warc, err := io.ReadAll(f)
	require.NoError(t, err)
	seen := map[string]string{}
	for _, r := range readWARC(t, warc) {
		if r.Type == "response" || r.Type == "resource" {
			seen[r.URI] = r.Type
		}
	}
	assert.Contains(t, seen, siteURL+"archive-popup.html", "the landing page, from memory")
	assert.Contains(t, seen, siteURL+"archive-tab.html", "the popup's page")
	assert.Equal(t, "response", seen[siteURL+"faq.html?from=tab"], "the popup's request after it was followed")
}
