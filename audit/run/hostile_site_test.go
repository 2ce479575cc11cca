package run

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/browser"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

// hostileSite serves testdata/hostile plus the cases a static file cannot play: a reset connection, a
// load that never ends, a redirect loop, a response that never starts, a headless detector and a renderer
// killer. stop ends the handlers that hold their connection open, so the server can close.
type hostileSite struct {
	*httptest.Server
	stop    chan struct{}
	browser *browser.Browser // whose renderers /kill-renderer kills
}

func newHostileSite(t testing.TB) *hostileSite {
	t.Helper()
	h := &hostileSite{stop: make(chan struct{}), browser: testBrowser}
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServer(http.Dir("testdata/hostile")))
	mux.HandleFunc("/reset.html", h.reset)
	mux.HandleFunc("/endless.html", h.endless)
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/silent.html", h.silent)
	mux.HandleFunc("/blocked.js", h.silent)
	mux.HandleFunc("/blocked-script.html", h.blockedScript)
	mux.HandleFunc("/headless.html", headlessDetector)
	mux.HandleFunc("/kill-renderer", h.killRenderer)
	mux.HandleFunc("/isolated.html", isolated)
	h.Server = httptest.NewServer(mux)
	t.Cleanup(func() {
		close(h.stop)
		h.Close()
	})
	return h
}

const hostileHead = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>body{font:16px sans-serif;margin:0;padding:16px}` +
	` .btn{box-sizing:border-box;border:1px solid #333;background:#eee;width:120px;height:44px}</style>`

const doneButton = `<button class="btn" onclick="document.body.insertAdjacentHTML('beforeend','<p>已退订</p>')">退订</button>`

// reset sends half a page, then resets the connection (RST, not FIN): the control is in the half that
// never arrives.
func (h *hostileSite) reset(w http.ResponseWriter, _ *http.Request) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "no hijacking", http.StatusInternalServerError)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	body := hostileHead + `<title>重置</title></head><body><p>个人中心</p>` + strings.Repeat("<p>加载中</p>", 200)
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n%s",
		len(body)+len(doneButton)+100, body)
	_ = buf.Flush()
	time.Sleep(100 * time.Millisecond)
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // close with RST
	}
	_ = conn.Close()
}

// endless sends a page with the control and then never finishes the body.
func (h *hostileSite) endless(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, hostileHead+`<title>无尽</title></head><body>`+doneButton+strings.Repeat(" ", 2048))
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		select {
		case <-r.Context().Done():
			return
		case <-h.stop:
			return
		case <-tick.C:
			if _, err := fmt.Fprint(w, "<!-- . -->"); err != nil {
				return
			}
		}
	}
}

// silent accepts the request and never answers.
func (h *hostileSite) silent(_ http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-h.stop:
	}
}

// blockedScript is a page whose synchronous script never loads: the parser stops there for good.
func (h *hostileSite) blockedScript(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, hostileHead+`<title>阻塞</title></head><body>`+doneButton+`<script src="blocked.js"></script><p>页脚</p></body></html>`)
}

// isolated is a page that asks for its own browsing context group (COOP): navigating to it swaps the
// renderer process, so the document that received a click is gone before the click's events are acknowledged.
func isolated(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cross-Origin-Opener-Policy", "same-origin")
	fmt.Fprint(w, hostileHead+`<title>已退订</title></head><body><p>已退订</p></body></html>`)
}

// headlessDetector serves a decoy to a browser that calls itself HeadlessChrome or admits to automation.
func headlessDetector(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if strings.Contains(r.UserAgent(), "HeadlessChrome") {
		fmt.Fprint(w, hostileHead+`<title>机器人</title></head><body><p>检测到机器人</p></body></html>`)
		return
	}
	fmt.Fprint(w, hostileHead+`<title>个人中心</title></head><body><div id="app">`+doneButton+`</div>
<script>if (navigator.webdriver) document.getElementById('app').innerHTML = '<p>检测到自动化</p>';</script></body></html>`)
}

// killRenderer kills every renderer process of the browser: the page that asked is among them. The tests
// of this package run one at a time, so no other test's page is.
func (h *hostileSite) killRenderer(w http.ResponseWriter, _ *http.Request) {
	for _, pid := range rendererPIDs(h.browser.PID()) {
		killPID(pid)
	}
	fmt.Fprint(w, "killed")
}

// unreachableURL is a loopback address where nothing listens.
func unreachableURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr + "/"
}

// hostileScenarioFor opens page on base (login: one goto) and walks cancel to done, with short deadlines.
func hostileScenarioFor(base, page string, cancel []scenario.Step, done *scenario.Target) *scenario.Scenario {
	return &scenario.Scenario{
		ID: "hostile", Site: "hostile", URL: base, Jurisdictions: []string{"cn"}, Devices: []string{"desktop"},
		Timeouts: scenario.Timeouts{Step: hostileStep, Scenario: hostileScenario},
		Login:    []scenario.Step{{Action: scenario.Goto, URL: page}},
		Cancel:   cancel, Done: scenario.Condition{Target: done},
	}
}

func css(sel string) *scenario.Target { return &scenario.Target{CSS: sel} }
