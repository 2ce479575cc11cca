package webarchive_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/browser"
	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/run"
	"github.com/cancelpath/cancelpath/audit/scenario"
	"github.com/cancelpath/cancelpath/demo"
	"github.com/cancelpath/cancelpath/evidence"
	"github.com/cancelpath/cancelpath/evidence/webarchive"
	"github.com/cancelpath/cancelpath/scenarios"
)

// EnvReplayWeb names the folder that holds the npm package replaywebpage's ui.js and sw.js (Webrecorder's
// player); scripts/check-replay fetches the pinned version and sets it.
const EnvReplayWeb = "CANCELPATH_REPLAYWEB"

// replayWait bounds the wait for the replayed control page.
const replayWait = 60 * time.Second

// The WACZ a run writes replays its control page in ReplayWeb.page, Webrecorder's own player: the demo's
// compliant shop is audited on desktop with evidence, the demo sites are shut down, and the archive is
// opened with <replay-web-page> in headless Chromium, which must show the cancel control (the 自动续费
// switch) in the replayed page, served by the player's service worker from the WACZ alone.
// scripts/check-replay runs it; without CANCELPATH_REPLAYWEB it is skipped (and the script fails on that).
func TestReplayWebPage(t *testing.T) {
	dir := os.Getenv(EnvReplayWeb)
	if dir == "" {
		t.Skipf("%s is not set: run scripts/check-replay, which fetches ReplayWeb.page (npm replaywebpage) and sets it", EnvReplayWeb)
	}
	for _, f := range []string{"ui.js", "sw.js"} {
		_, err := os.Stat(filepath.Join(dir, f))
		require.NoError(t, err, "%s=%s must hold replaywebpage's %s", EnvReplayWeb, dir, f)
	}
	bin, err := browser.Find("")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	b, err := browser.Launch(ctx, bin)
	require.NoError(t, err)
	defer func() { _ = b.Close() }()

	// 1. A real run with evidence, on the demo's compliant shop.
	out := t.ArtifactDir() // kept with go test -artifacts (scripts/check-replay keeps it when the check fails)
	srv, err := demo.Start("127.0.0.1:0")
	require.NoError(t, err)
	defer func() { _ = srv.Close() }() // closed below, before the replay; this one for an early failure
	env := srv.Env()
	data, err := fs.ReadFile(scenarios.Demo, "demo/xingchen.yaml")
	require.NoError(t, err)
	sc, err := scenario.Parse(path.Join("scenarios", "demo/xingchen.yaml"), data,
		scenario.Options{Env: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
	require.NoError(t, err)
	res := run.Run(ctx, b, sc, "desktop", run.Options{OutDir: out, ToolVersion: "replay-check"})
	// The live site goes before the replay: what shows then comes from the archive alone.
	require.NoError(t, srv.Close())
	require.Equal(t, metrics.StatusOK, res.Status, res.Reason)
	require.NotNil(t, res.Control, "the run measured the control")
	label := res.Control.Label
	require.Equal(t, "自动续费", label)

	wacz := filepath.Join(out, evidence.Dir(sc.ID, "desktop"), run.ArchiveName)
	control := controlPage(t, wacz, res)
	t.Logf("control page in pages.jsonl: %s at %s (%s)", control.URL, control.TS, control.Title)

	// 2. The player, its service worker and the WACZ, on 127.0.0.1 only.
	player := newPlayerServer(t, dir, wacz, control)
	defer player.close()

	// 3. The player in headless Chromium, in the browser's default (not incognito) context: a service
	// worker needs a persistent one.
	rb := b.Rod()
	require.NotNil(t, rb)
	page, err := rb.Context(ctx).Page(proto.TargetCreateTarget{URL: "about:blank"})
	require.NoError(t, err)
	defer func() { _ = page.Close() }()
	require.NoError(t, proto.EmulationSetDeviceMetricsOverride{Width: 1280, Height: 900, DeviceScaleFactor: 1}.Call(page))
	start := time.Now()
	require.NoError(t, page.Navigate(player.url+"/"))

	var last replayProbe
	deadline := time.Now().Add(replayWait)
	for {
		last, err = probeReplay(page, label)
		if err == nil && last.Found != nil && last.Found.Visible {
			break
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			shot := filepath.Join(out, "replay-failure.png")
			if png, serr := page.Screenshot(true, nil); serr == nil {
				_ = os.WriteFile(shot, png, 0o644)
			}
			t.Fatalf("ReplayWeb.page did not show the control %q of %s within %s (last probe error: %v)\n"+
				"documents seen in the player: %s\ntext of the innermost: %q\nrequests served: %s\nscreenshot: %s\nWACZ: %s",
				label, control.URL, replayWait, err, strings.Join(last.Frames, " | "), last.Text,
				strings.Join(player.log(), ", "), shot, wacz)
		}
		time.Sleep(500 * time.Millisecond)
	}
	f := last.Found
	t.Logf("replayed in %s: the control %q (aria-checked=%s) in %s", time.Since(start).Round(100*time.Millisecond),
		f.Label, f.Checked, f.Href)
	t.Logf("requests served: %s", strings.Join(player.log(), ", "))
	if png, err := page.Screenshot(false, nil); err == nil {
		_ = os.WriteFile(filepath.Join(out, "replay.png"), png, 0o644)
	}
	// The replayed document is the archived page, served by the player's service worker from its replay
	// path, never the live site (which is shut down anyway).
	require.Contains(t, f.Href, player.url+"/replay/w/", "the control is in a page the player replays")
	require.True(t, strings.HasSuffix(f.Href, control.URL), "the replayed page is the control page: %s", f.Href)
	require.Equal(t, "true", f.Checked, "the replayed page is the control page as the run found it, auto-renewal on")
	require.Contains(t, f.Text, "星辰卡盟")
}

// controlPage is the pages.jsonl entry of the run's control step, read from the WACZ.
func controlPage(t *testing.T, wacz string, res *metrics.Result) (p pageEntry) {
	t.Helper()
	id := ""
	for _, st := range res.Steps {
		if st.Phase == metrics.PhaseCancel && st.Control {
			id = fmt.Sprintf("%s-%d", st.Phase, st.Index+1)
		}
	}
	require.NotEmpty(t, id, "the run has a control step")
	zr, err := zip.OpenReader(wacz)
	require.NoError(t, err, "the run wrote its WACZ")
	defer func() { _ = zr.Close() }()
	f, err := zr.Open(webarchive.PagesPath)
	require.NoError(t, err)
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e pageEntry
		require.NoError(t, json.Unmarshal(sc.Bytes(), &e))
		if e.ID == id {
			return e
		}
	}
	require.NoError(t, sc.Err())
	t.Fatalf("%s has no page %s (the control step)", webarchive.PagesPath, id)
	return p
}

type pageEntry struct {
	ID    string `json:"id"`
	URL   string `json:"url"`
	TS    string `json:"ts"`
	Title string `json:"title"`
}

// playerServer serves a page embedding <replay-web-page>, the player's ui.js, its service worker at
// replay/sw.js (its scope is the replay/ folder, the embed's default replayBase) and the WACZ, with range
// requests, as the player reads it in parts.
type playerServer struct {
	url  string
	srv  *http.Server
	done chan struct{}
	mu   sync.Mutex
	reqs []string
}

func newPlayerServer(t *testing.T, dir, wacz string, control pageEntry) *playerServer {
	t.Helper()
	ts, err := time.Parse(time.RFC3339, control.TS)
	require.NoError(t, err)
	embed := `<!doctype html><html><head><meta charset="utf-8"><title>cancelpath replay check</title>` +
		`<script src="/ui.js"></script></head><body style="margin:0">` +
		`<replay-web-page style="display:block;width:1280px;height:880px" embed="replayonly" source="/archive.wacz" ` +
		`url="` + html.EscapeString(control.URL) + `" ts="` + ts.UTC().Format("20060102150405") + `"></replay-web-page>` +
		`</body></html>`
	file := func(name, ctype string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			f, err := os.Open(name)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			defer func() { _ = f.Close() }()
			st, err := f.Stat()
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", ctype)
			w.Header().Set("Cache-Control", "no-store")
			http.ServeContent(w, r, "", st.ModTime(), f) // Range, If-Range, HEAD
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, embed)
	})
	// The player's frame (replay/?source=…) is the service worker's to answer. When the frame loads before
	// the worker controls the page (a race on a busy machine), the request reaches this server instead:
	// the page it gets waits for the worker and loads itself again, now through it (a few tries at most).
	mux.HandleFunc("GET /replay/{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = io.WriteString(w, `<!doctype html><meta charset="utf-8"><script>
const n = Number(sessionStorage.getItem("cp-reload") || 0);
if (n < 5) navigator.serviceWorker.ready.then(() => { sessionStorage.setItem("cp-reload", n + 1); location.reload(); });
</script>`)
	})
	mux.HandleFunc("GET /ui.js", file(filepath.Join(dir, "ui.js"), "application/javascript"))
	mux.HandleFunc("GET /replay/sw.js", file(filepath.Join(dir, "sw.js"), "application/javascript"))
	mux.HandleFunc("GET /archive.wacz", file(wacz, "application/wacz"))
	mux.HandleFunc("HEAD /archive.wacz", file(wacz, "application/wacz"))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &playerServer{url: "http://" + ln.Addr().String(), done: make(chan struct{})}
	p.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		mux.ServeHTTP(rec, r)
		p.mu.Lock()
		defer p.mu.Unlock()
		if len(p.reqs) < 200 {
			entry := fmt.Sprintf("%s %s %d", r.Method, r.URL.Path, rec.status)
			if rg := r.Header.Get("Range"); rg != "" {
				entry += " (" + rg + ")"
			}
			p.reqs = append(p.reqs, entry)
		}
	})}
	go func() {
		defer close(p.done)
		_ = p.srv.Serve(ln)
	}()
	return p
}

func (p *playerServer) close() {
	_ = p.srv.Close()
	<-p.done
}

func (p *playerServer) log() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.reqs...)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// replayProbe is what the probe saw in the player's documents.
type replayProbe struct {
	Frames []string `json:"frames"` // the documents reached, outermost first
	Text   string   `json:"text"`   // the innermost document's text, cut
	Found  *struct {
		Href    string `json:"href"`
		Label   string `json:"label"`
		Checked string `json:"checked"`
		Visible bool   `json:"visible"`
		Text    string `json:"text"`
	} `json:"found"`
}

// probeJS walks the page, every open shadow root and every same-origin frame (the player nests its UI in
// shadow roots and the replayed page in iframes of the same origin, served by its service worker) and
// looks for the switch named label.
const probeJS = `(label) => {
  const out = {frames: [], text: "", found: null};
  const seen = new Set();
  const visit = (doc, depth) => {
    if (!doc || seen.has(doc) || depth > 16) return;
    seen.add(doc);
    let href = "";
    try { href = doc.location.href; } catch (e) { return; }
    out.frames.push(href);
    if (doc.body) out.text = doc.body.innerText.slice(0, 600);
    walk(doc, doc, depth);
  };
  const walk = (root, doc, depth) => {
    for (const el of root.querySelectorAll('[role="switch"]')) {
      if (out.found || el.getAttribute("aria-label") !== label) continue;
      const r = el.getBoundingClientRect();
      out.found = {href: doc.location.href, label: el.getAttribute("aria-label"),
        checked: el.getAttribute("aria-checked") || "", visible: r.width > 0 && r.height > 0,
        text: doc.body ? doc.body.innerText.slice(0, 2000) : ""};
    }
    for (const el of root.querySelectorAll("*")) {
      if (el.shadowRoot) walk(el.shadowRoot, doc, depth);
      if (el.tagName === "IFRAME" || el.tagName === "FRAME") {
        let d = null;
        try { d = el.contentDocument; } catch (e) {}
        visit(d, depth + 1);
      }
    }
  };
  visit(document, 0);
  return out;
}`

func probeReplay(page *rod.Page, label string) (replayProbe, error) {
	var p replayProbe
	obj, err := page.Timeout(10*time.Second).Eval(probeJS, label)
	if err != nil {
		return p, err
	}
	raw, err := json.Marshal(obj.Value)
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal(bytes.TrimSpace(raw), &p); err != nil {
		return p, err
	}
	return p, nil
}
