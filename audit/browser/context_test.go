package browser

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/input"
	"github.com/go-rod/rod/lib/proto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Generous bounds: the tests share two cores with other Chromium tests. They bound waits for events, and
// say nothing about speed.
const (
	eventWait = 30 * time.Second
	poll      = 20 * time.Millisecond
)

// launchT launches a browser for one test and, when the test ends, closes it and checks that none of its
// processes is left and its profile folder is gone.
func launchT(t *testing.T) *Browser {
	t.Helper()
	bin, err := Find("")
	require.NoError(t, err)
	b, err := Launch(context.Background(), bin)
	require.NoError(t, err)
	t.Cleanup(func() {
		require.NoError(t, b.Close())
		assertGone(t, b)
	})
	return b
}

// assertGone checks that no process of b is left (the kernel may take a moment to reap) and that its
// profile folder is removed.
func assertGone(t *testing.T, b *Browser) {
	t.Helper()
	assert.Eventually(t, func() bool { return len(processesUsing(b.ProfileDir())) == 0 }, 15*time.Second, 100*time.Millisecond,
		"Chromium processes left: %v", processesUsing(b.ProfileDir()))
	assert.NoDirExists(t, b.ProfileDir())
}

// processesUsing lists the live processes (zombies are dead) whose command line names the profile folder:
// every process of a launched Chromium carries its --user-data-dir.
func processesUsing(profile string) []string {
	var out []string
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		cmd, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil || !strings.Contains(string(cmd), profile) {
			continue
		}
		stat, _ := os.ReadFile(filepath.Join(d, "stat"))
		if i := strings.LastIndexByte(string(stat), ')'); i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
			continue
		}
		out = append(out, filepath.Base(d))
	}
	return out
}

func killGroup(pid int) {
	_ = syscall.Kill(pid, syscall.SIGKILL)
	_ = syscall.Kill(-pid, syscall.SIGKILL)
}

// hostileSite serves the pages the signals are about.
func hostileSite(t *testing.T) string {
	t.Helper()
	reset := func(w http.ResponseWriter, prefix string) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		if prefix != "" {
			_, _ = buf.WriteString(prefix)
			_ = buf.Flush()
			time.Sleep(300 * time.Millisecond) // long enough for the browser to commit what arrived
		}
		// Linger 0: close sends RST, not FIN: the browser sees a reset connection.
		_ = conn.(*net.TCPConn).SetLinger(0)
		_ = conn.Close()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><title>page</title><p>a page</p>`)
	})
	mux.HandleFunc("/reset-before", func(w http.ResponseWriter, r *http.Request) { reset(w, "") })
	mux.HandleFunc("/reset-half", func(w http.ResponseWriter, r *http.Request) {
		reset(w, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 100000\r\n\r\n"+
			`<!doctype html><title>half</title><p id="first">the first half</p>`)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><script>location.replace(location.href)</script>`)
	})
	mux.HandleFunc("/attachment", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		w.Header().Set("Content-Disposition", `attachment; filename="invoice.csv"`)
		fmt.Fprint(w, "id,amount\n1,30\n")
	})
	mux.HandleFunc("/notes.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "notes")
	})
	mux.HandleFunc("/opener", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><button id="open" style="width:200px;height:60px" onclick="window.open('/form')">open</button>`)
	})
	mux.HandleFunc("/form", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><title>form</title><input id="q">`)
	})
	mux.HandleFunc("/links", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><style>a{display:block;padding:20px}</style>
			<a id="attachment" href="/attachment">invoice</a>
			<a id="download" href="/notes.txt" download="kept-notes.txt">notes</a>
			<a id="reset" href="/reset-before">reset</a>`)
	})
	srv := httptest.NewServer(mux) // 127.0.0.1
	t.Cleanup(srv.Close)
	return srv.URL
}

func openT(t *testing.T, b *Browser) *Context {
	t.Helper()
	c, err := b.OpenContext(context.Background(), testDevice("desktop"), nil)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

// goto navigates; a navigation that fails (a reset, a download) is part of the test, not an error.
func gotoURL(p *rod.Page, u string) {
	_ = p.Timeout(eventWait).Navigate(u)
}

func click(t *testing.T, p *rod.Page, css string) {
	t.Helper()
	el, err := p.Timeout(eventWait).Element(css)
	require.NoError(t, err)
	require.NoError(t, el.Timeout(eventWait).Click(proto.InputMouseButtonLeft, 1))
}

func TestDocumentFailure(t *testing.T) {
	site := hostileSite(t)
	b := launchT(t)
	for _, tc := range []struct {
		name      string
		open      func(t *testing.T, p *rod.Page)
		url       string
		committed bool
	}{
		{"goto: reset before any byte", func(t *testing.T, p *rod.Page) { gotoURL(p, site+"/reset-before") }, site + "/reset-before", false},
		{"goto: reset after half the page", func(t *testing.T, p *rod.Page) { gotoURL(p, site+"/reset-half") }, site + "/reset-half", true},
		{"click: a link to a reset", func(t *testing.T, p *rod.Page) {
			gotoURL(p, site+"/links")
			click(t, p, "#reset")
		}, site + "/reset-before", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := openT(t, b)
			p := c.Page()
			gotoURL(p, site+"/page")
			assert.Nil(t, c.DocumentFailure(), "a page that loaded is no failure")
			tc.open(t, p)
			require.Eventually(t, func() bool { return c.DocumentFailure() != nil }, eventWait, poll, "the failure is recorded")
			f := c.DocumentFailure()
			assert.Equal(t, tc.url, f.URL)
			assert.Equal(t, "net::ERR_CONNECTION_RESET", f.Error)
			assert.Equal(t, tc.committed, f.Committed)
			if tc.committed {
				assert.Eventually(t, func() bool {
					res, err := p.Timeout(eventWait).Eval(`() => document.querySelector("#first")?.textContent ?? ""`)
					return err == nil && res.Value.Str() == "the first half"
				}, eventWait, poll, "the half that arrived shows")
			} else {
				assert.Eventually(t, func() bool {
					res, err := p.Timeout(eventWait).Eval(`() => location.href`)
					return err == nil && strings.HasPrefix(res.Value.Str(), "chrome-error://")
				}, eventWait, poll, "Chromium shows its error page")
			}
			gotoURL(p, site+"/page")
			assert.Eventually(t, func() bool { return c.DocumentFailure() == nil }, eventWait, poll,
				"a document that commits clears the failure")
		})
	}
}

func TestNavigations(t *testing.T) {
	site := hostileSite(t)
	b := launchT(t)
	c := openT(t, b)
	p := c.Page()
	start := c.Navigations()
	gotoURL(p, site+"/page")
	require.Eventually(t, func() bool { return c.Navigations() == start+1 }, eventWait, poll, "one document, one navigation")
	require.NoError(t, p.Timeout(eventWait).WaitLoad())
	assert.Equal(t, start+1, c.Navigations(), "a page that stays put adds nothing")

	// A script that replaces its page with itself on every load keeps the counter going.
	gotoURL(p, site+"/loop")
	before := c.Navigations()
	require.Eventually(t, func() bool { return c.Navigations() >= before+20 }, eventWait, poll,
		"a page that redirects to itself forever: %d navigations", c.Navigations()-before)

	// Only the driven page counts, and the counter never goes back.
	other := openT(t, b)
	assert.Zero(t, other.Navigations()-0, "another context counts its own pages only")
	gotoURL(p, site+"/page")
	n := c.Navigations()
	time.Sleep(200 * time.Millisecond)
	assert.GreaterOrEqual(t, c.Navigations(), n)
}

// Downloads are recorded for their context and denied: nothing lands in the Downloads folder.
func TestDownloads(t *testing.T) {
	site := hostileSite(t)
	// Chromium's default download folder is $HOME/Downloads: a home of the test's own shows whatever
	// would land there; the real one is checked too.
	realDownloads := filepath.Join(os.Getenv("HOME"), "Downloads")
	realBefore := listDir(realDownloads)
	home := t.TempDir()
	t.Setenv("HOME", home)
	b := launchT(t)
	bystander := openT(t, b)
	for _, tc := range []struct {
		name string
		open func(t *testing.T, p *rod.Page)
		want Download
	}{
		{"goto a URL that answers with an attachment", func(t *testing.T, p *rod.Page) { gotoURL(p, site+"/attachment") },
			Download{URL: site + "/attachment", SuggestedFilename: "invoice.csv"}},
		{"click a link that answers with an attachment", func(t *testing.T, p *rod.Page) {
			gotoURL(p, site+"/links")
			click(t, p, "#attachment")
		}, Download{URL: site + "/attachment", SuggestedFilename: "invoice.csv"}},
		{"click a download link", func(t *testing.T, p *rod.Page) {
			gotoURL(p, site+"/links")
			click(t, p, "#download")
		}, Download{URL: site + "/notes.txt", SuggestedFilename: "kept-notes.txt"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := openT(t, b)
			tc.open(t, c.Page())
			require.Eventually(t, func() bool { return len(c.Downloads()) > 0 }, eventWait, poll, "the download is recorded")
			assert.Equal(t, []Download{tc.want}, c.Downloads())
			assert.Nil(t, c.DocumentFailure(), "a download is no failure of the page")
		})
	}
	assert.Empty(t, bystander.Downloads(), "a context records its own downloads only")
	time.Sleep(500 * time.Millisecond) // a download that was not denied would be written by now
	assert.Empty(t, filesUnder(filepath.Join(home, "Downloads")), "nothing lands in $HOME/Downloads")
	assert.Empty(t, downloaded(home), "nor anywhere else in the home folder")
	assert.Empty(t, downloaded(b.ProfileDir()), "nor in the profile")
	assert.Equal(t, realBefore, listDir(realDownloads), "nothing lands in the real Downloads folder")
}

// downloaded lists the files below dir that are the test's downloads, whole or partial (Chromium itself
// writes a few files into any home folder).
func downloaded(dir string) []string {
	var out []string
	for _, f := range filesUnder(dir) {
		base := filepath.Base(f)
		if strings.Contains(base, "invoice") || strings.Contains(base, "notes") || strings.HasSuffix(base, ".crdownload") {
			out = append(out, f)
		}
	}
	return out
}

func listDir(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// filesUnder lists the regular files below dir (Chromium may create empty folders).
func filesUnder(dir string) []string {
	var files []string
	_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, path)
		}
		return nil
	})
	return files
}

// The bug a sweep died of: a context closed after its browser crashed, or after the browser was closed,
// must neither panic nor hang.
func TestContextCloseAfterTheBrowserIsGone(t *testing.T) {
	for _, tc := range []struct {
		name string
		end  func(b *Browser)
	}{
		{"browser killed", func(b *Browser) { killGroup(b.PID()) }},
		{"browser closed", func(b *Browser) { _ = b.Close() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := launchT(t)
			c, err := b.OpenContext(context.Background(), testDevice("mobile"), nil)
			require.NoError(t, err)
			tc.end(b)
			select {
			case <-c.Lost():
			case <-time.After(eventWait):
				t.Fatal("the context did not notice that its browser is gone")
			}
			assert.True(t, c.Disconnected())
			assert.True(t, c.Crashed())
			assert.True(t, b.Crashed(context.Background()))
			done := make(chan struct{})
			go func() {
				c.Close()
				c.Close() // twice: no harm
				close(done)
			}()
			select {
			case <-done:
			case <-time.After(eventWait):
				t.Fatal("Close hangs on a browser that is gone")
			}
			_, err = b.OpenContext(context.Background(), testDevice("desktop"), nil)
			assert.Error(t, err)
		})
	}
}

// A retired browser closes with its last context, and a context opened before keeps working until then.
func TestRetire(t *testing.T) {
	site := hostileSite(t)
	b := launchT(t)
	c := openT(t, b)
	b.Retire()
	_, err := b.OpenContext(context.Background(), testDevice("desktop"), nil)
	assert.ErrorContains(t, err, "retired")
	gotoURL(c.Page(), site+"/page")
	res, err := c.Page().Timeout(eventWait).Eval(`() => document.title`)
	require.NoError(t, err, "a retired browser still serves its open contexts")
	assert.Equal(t, "page", res.Value.Str())
	select {
	case <-b.Closed():
		t.Fatal("closed while a context is open")
	default:
	}
	c.Close()
	select {
	case <-b.Closed():
	case <-time.After(eventWait):
		t.Fatal("the retired browser was not closed with its last context")
	}
	assertGone(t, b)
}

// OpenContext gives up when its ctx ends, and the context it was making is closed, not leaked.
func TestOpenContextHonoursCtx(t *testing.T) {
	b := launchT(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := b.OpenContext(ctx, testDevice("desktop"), nil)
	require.ErrorIs(t, err, context.Canceled)
	assert.Eventually(t, func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.open == 0
	}, eventWait, poll, "the context made meanwhile is closed")
}

// The driven page and a popup the context adopted keep working once set up: rod's Keyboard, Mouse and
// Touch keep the context the page was attached with, which must not end with the attach.
func TestPagesOutliveTheirSetUp(t *testing.T) {
	site := hostileSite(t)
	b := launchT(t)
	c := openT(t, b)
	p := c.Page()
	gotoURL(p, site+"/opener")
	click(t, p, "#open")
	var popups []*rod.Page
	require.Eventually(t, func() bool {
		var err error
		popups, err = c.Popups(context.Background())
		return err == nil && len(popups) == 1
	}, eventWait, 100*time.Millisecond, "the popup is adopted")
	popup := popups[0]
	c.SwitchTo(popup)
	require.Eventually(t, func() bool {
		res, err := popup.Timeout(eventWait).Eval(`() => document.title`)
		return err == nil && res.Value.Str() == "form"
	}, eventWait, poll)
	for _, pg := range []*rod.Page{popup, p} {
		_, err := pg.Timeout(eventWait).Eval(`() => { let q = document.querySelector("#q") || document.body.appendChild(document.createElement("input")); q.id = "q"; q.focus() }`)
		require.NoError(t, err)
		require.NoError(t, pg.Keyboard.Type(input.KeyA), "typing works after the set-up")
		res, err := pg.Timeout(eventWait).Eval(`() => document.querySelector("#q").value`)
		require.NoError(t, err)
		assert.Equal(t, "a", res.Value.Str())
		require.NoError(t, pg.Mouse.MoveTo(proto.Point{X: 10, Y: 10}), "the mouse works after the set-up")
	}
}

// testDevice is a registry device by name; the names used here are the registry's own.
func testDevice(name string) Device {
	d, err := LookupDevice(name)
	if err != nil {
		panic(err)
	}
	return d
}
