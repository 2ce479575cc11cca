package run

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/nlnwa/gowarc/v3"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/browser"
)

// archiveSite is a small shop with a session cookie, a login form post, a landing page with a stylesheet
// and an image (that holds the username), a redirect, a body over the recording's limit, a JSON API with an
// Authorization header, and pages that echo the username (text, URL, JSON): everything the web archive of
// a run must record, cut or mask.
type archiveSite struct {
	*httptest.Server
	user, pass string
	mu         sync.Mutex
	sessions   map[string]bool
}

const archivePage = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>%s</title>` +
	`<link rel="stylesheet" href="/style.css"><style>.btn{display:inline-block;box-sizing:border-box;width:120px;height:44px}</style>` +
	`</head><body>%s</body></html>`

// tinyPNG is a 1×1 PNG; the site appends the username to it, after its end (a viewer ignores it).
var tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")

func newArchiveSite(t testing.TB, user, pass string) *archiveSite {
	t.Helper()
	a := &archiveSite{user: user, pass: pass, sessions: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/login.html", func(w http.ResponseWriter, _ *http.Request) {
		a.page(w, "登录", `<form method="post" action="/login"><input id="username" name="u"> `+
			`<input id="password" name="p" type="password"> <button class="btn">登录</button></form>`)
	})
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		if r.ParseForm() != nil || r.PostForm.Get("u") != a.user || r.PostForm.Get("p") != a.pass {
			http.Error(w, "wrong", http.StatusForbidden)
			return
		}
		sid := "sid-" + a.pass // a session token made of the password: masking it must not be left to luck
		a.mu.Lock()
		a.sessions[sid] = true
		a.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: sid, Path: "/", HttpOnly: true})
		http.Redirect(w, r, "/home.html?u="+url.QueryEscape(a.user), http.StatusSeeOther)
	})
	mux.HandleFunc("/home.html", a.member(func(w http.ResponseWriter, _ *http.Request) {
		a.page(w, "首页", `<p>欢迎，`+html.EscapeString(a.user)+`</p><img src="/logo.png" alt="logo">`+
			`<a href="/member.html">我的</a>`)
	}))
	mux.HandleFunc("/member.html", a.member(func(w http.ResponseWriter, _ *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "seen", Value: "member", Path: "/"})
		// The way on shows once the big download is in: the run cannot leave before it is recorded.
		a.page(w, "会员中心", `<h1>会员中心</h1><script>fetch('/big.bin').then(r => r.arrayBuffer()).then(() => `+
			`document.body.insertAdjacentHTML('beforeend', '<a href="/go?to=cancel">管理订阅</a>'))</script>`)
	}))
	mux.HandleFunc("/go", a.member(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/cancel.html?from=member&u="+url.QueryEscape(a.user), http.StatusFound)
	}))
	mux.HandleFunc("/cancel.html", a.member(func(w http.ResponseWriter, _ *http.Request) {
		a.page(w, "退订", `<h1>自动续费</h1><p>账户：`+html.EscapeString(a.user)+`</p>`+
			`<button class="btn" id="cancel">退订</button><script>
document.getElementById('cancel').onclick = () => fetch('/api/cancel', {method: 'POST',
  headers: {'Content-Type': 'application/json', 'Authorization': 'Bearer tok-`+a.pass+`'},
  body: JSON.stringify({user: '`+a.user+`'})}).then(r => r.json()).then(j => {
  document.body.insertAdjacentHTML('beforeend', '<p>' + j.state + '</p>'); });
</script>`)
	}))
	mux.HandleFunc("/api/cancel", a.member(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"state":"已退订","user":%q}`, a.user)
	}))
	mux.HandleFunc("/style.css", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		fmt.Fprint(w, "body{font:16px sans-serif;margin:0;padding:16px}")
	})
	mux.HandleFunc("/logo.png", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(append(append([]byte{}, tinyPNG...), a.user...))
	})
	mux.HandleFunc("/big.bin", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(bytes.Repeat([]byte{7}, maxBodyBytes+1<<20))
	})
	a.Server = httptest.NewServer(mux)
	t.Cleanup(a.Close)
	return a
}

func (a *archiveSite) page(w http.ResponseWriter, title, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, archivePage, title, body)
}

// member serves h to a logged-in session only, as a member area does.
func (a *archiveSite) member(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("sid")
		a.mu.Lock()
		ok := err == nil && a.sessions[c.Value]
		a.mu.Unlock()
		if !ok {
			http.Error(w, "login first", http.StatusUnauthorized)
			return
		}
		h(w, r)
	}
}

// archiveScenario is the YAML of the shop's cancel path, with the credentials from the environment.
func archiveScenario(siteURL string) string {
	return `site: 存档
id: archive
url: ` + siteURL + `/
jurisdictions: [cn]
timeouts: {step: 5s, scenario: 60s}
login:
  - goto: login.html
  - fill: {css: "#username"}
    value: ${CP_ARCH_USER}
  - fill: {css: "#password"}
    value: ${CP_ARCH_PASS}
  - click: 登录
  - wait_for: 我的
cancel:
  - click: 我的
  - click: 管理订阅
  - click: 退订
    control: true
done: 已退订
`
}

// warcRecord is one record of a WARC as a test looks at it.
type warcRecord struct {
	Type       string
	ID         string
	URI        string
	Concurrent []string
	Truncated  string
	Offset     int64
	Status     int
	Header     http.Header // the HTTP header of a request or response
	Block      []byte      // the whole block as stored
	Payload    []byte      // the HTTP payload, or a resource's content
}

// readWARC parses a gzipped WARC with gowarc, strictly (digests, lengths, syntax), and fails the test on
// any record that does not parse.
func readWARC(t testing.TB, data []byte) []warcRecord {
	t.Helper()
	rd, err := gowarc.NewWarcFileReaderFromStream(bytes.NewReader(data), 0, gowarc.WithStrictValidation())
	require.NoError(t, err)
	defer func() { _ = rd.Close() }()
	var out []warcRecord
	for rec, err := range rd.Records() {
		require.NoError(t, err, "record %d parses", len(out))
		require.Empty(t, rec.Validation, "record %d is valid", len(out))
		wr := rec.WarcRecord
		h := wr.WarcHeader()
		r := warcRecord{Type: wr.Type().String(), ID: h.GetId(gowarc.WarcRecordID), URI: h.Get(gowarc.WarcTargetURI),
			Truncated: h.Get(gowarc.WarcTruncated), Offset: rec.Offset}
		for _, c := range h.GetAll(gowarc.WarcConcurrentTo) {
			r.Concurrent = append(r.Concurrent, strings.Trim(c, "<>"))
		}
		raw, err := wr.Block().RawBytes()
		require.NoError(t, err)
		r.Block, err = io.ReadAll(raw)
		require.NoError(t, err)
		switch b := wr.Block().(type) {
		case gowarc.HttpResponseBlock:
			r.Status, r.Header = b.HttpStatusCode(), *b.HttpHeader()
			r.Payload = r.Block[len(b.ProtocolHeaderBytes()):]
		case gowarc.HttpRequestBlock:
			r.Header = *b.HttpHeader()
			r.Payload = r.Block[len(b.ProtocolHeaderBytes()):]
		default:
			r.Payload = r.Block
		}
		out = append(out, r)
		require.NoError(t, rec.Close())
	}
	return out
}

// gunzipAll decompresses a file of concatenated gzip members.
func gunzipAll(t testing.TB, data []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	require.NoError(t, err)
	out, err := io.ReadAll(zr) // multistream by default: every member
	require.NoError(t, err)
	return out
}

func mustDevice(t testing.TB, name string) browser.Device {
	t.Helper()
	d, err := browser.LookupDevice(name)
	require.NoError(t, err)
	return d
}
