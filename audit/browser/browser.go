package browser

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/launcher/flags"
	"github.com/go-rod/rod/lib/proto"
)

// Browser is one Chromium process (or remote endpoint) shared by many runs; each run gets its own Context.
// Safe for concurrent use.
type Browser struct {
	product string // e.g. "HeadlessChrome/156.0.8078.73"
	version string // e.g. "156.0.8078.73"
	pid     int    // of a launched browser; kept after Close, so tests can look for what is left
	profile string // user-data-dir of a launched browser
	locale  Locale // what its pages see of language and zone

	mu       sync.Mutex
	rod      *rod.Browser       // nil once closed
	launcher *launcher.Launcher // nil for a remote browser, and once closed
	open     int                // contexts opened and not yet closed
	retired  bool               // no new contexts; closed when open reaches 0

	closeOnce sync.Once
	closed    chan struct{} // closed when Close has finished
}

// Flags every launched Chromium gets, and why:
//   - no-sandbox as root only (Chromium refuses to start otherwise);
//   - the background-networking/component-update/sync/first-run switches, so the browser never reaches for
//     hosts that an offline or firewalled audit machine cannot reach (and so it sends nothing on its own);
//   - hide-scrollbars, so the desktop layout is as wide as the window (overlay scrollbars, as on a Mac or a
//     phone), and blink-settings declaring a mouse, because headless Chromium otherwise matches
//     (hover: none) and (pointer: none) and sites hide hover menus from it; mobile contexts switch to touch
//     emulation, which makes Blink report (hover: none) and (pointer: coarse) for them;
//   - no enable-automation, and the AutomationControlled Blink feature off, so that navigator.webdriver is
//     false (headless Chromium sets it even without enable-automation) and sites that serve automated
//     browsers another page serve the audit the page people get.
var launchFlags = map[string]string{
	"disable-blink-features":        "AutomationControlled",
	"disable-background-networking": "",
	"disable-component-update":      "",
	"disable-sync":                  "",
	"no-first-run":                  "",
	"hide-scrollbars":               "",
	"mute-audio":                    "",
	"blink-settings":                "primaryHoverType=2,availableHoverTypes=2,primaryPointerType=4,availablePointerTypes=4",
}

// Bounds of the calls that end a browser: a browser that does not answer Browser.close in time, or does
// not exit after it, is killed.
const (
	closeCallTimeout = 2 * time.Second
	exitTimeout      = 5 * time.Second
)

// Launch starts a local headless Chromium from bin (see Find). The process is killed by rod's leakless
// guard if this process dies; Close stops it in the normal case. Profile folders that earlier, killed runs
// left in the temporary folder are removed first (see CleanStaleProfiles).
func Launch(ctx context.Context, bin string) (*Browser, error) {
	_, _ = CleanStaleProfiles(launcher.DefaultUserDataDirPrefix) // best effort: a leftover never stops a launch
	l := launcher.New().Context(ctx).Bin(bin).Headless(true).NoSandbox(os.Geteuid() == 0).Delete("enable-automation")
	for k, v := range launchFlags {
		if v == "" {
			l = l.Set(flags.Flag(k))
		} else {
			l = l.Set(flags.Flag(k), v)
		}
	}
	u, err := l.Launch()
	if err != nil {
		l.Kill() // no Cleanup: it waits for a process that may never have started
		return nil, fmt.Errorf("launch %s: %w", bin, err)
	}
	b, err := connect(u)
	if err != nil {
		l.Kill()
		l.Cleanup()
		return nil, err
	}
	b.launcher, b.pid, b.profile = l, l.PID(), l.Get(flags.UserDataDir)
	return b, nil
}

// Connect attaches to a remote CDP browser (browserless, Selenium Grid, rod's manager, or a Chromium started
// with --remote-debugging-port). ws:// URLs are used as given; http:// URLs are resolved to the websocket.
func Connect(ctx context.Context, url string) (*Browser, error) {
	u := url
	if !strings.HasPrefix(u, "ws://") && !strings.HasPrefix(u, "wss://") {
		resolved, err := launcher.ResolveURL(u)
		if err != nil {
			return nil, fmt.Errorf("resolve remote browser %s: %w", url, err)
		}
		u = resolved
	}
	return connect(u)
}

func connect(u string) (*Browser, error) {
	// The browser's own context is Background: a cancelled run (Ctrl-C) must still be able to close it.
	rb := rod.New().ControlURL(u).NoDefaultDevice()
	if err := rb.Connect(); err != nil {
		return nil, fmt.Errorf("connect to browser at %s: %w", u, err)
	}
	v, err := rb.Version()
	if err != nil {
		_ = rb.Close()
		return nil, fmt.Errorf("browser version: %w", err)
	}
	b := &Browser{rod: rb, product: v.Product, locale: measureLocale(rb), closed: make(chan struct{})}
	if i := strings.IndexByte(v.Product, '/'); i >= 0 {
		b.version = v.Product[i+1:]
	}
	return b, nil
}

// Version is the browser's product string, recorded with every result ("Chrome/156.0.8078.73").
func (b *Browser) Version() string {
	return strings.Replace(b.product, "HeadlessChrome", "Chrome", 1)
}

// Remote tells whether the browser was connected to rather than launched.
func (b *Browser) Remote() bool { return b.pid == 0 }

// client is the rod connection for a new context, counted as open; nil when the browser is closed or
// retired.
func (b *Browser) client() (*rod.Browser, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.rod == nil:
		return nil, fmt.Errorf("browser is closed")
	case b.retired:
		return nil, fmt.Errorf("browser was retired after a crash")
	}
	b.open++
	return b.rod, nil
}

// release is called once for every context client handed out, when that context is closed.
func (b *Browser) release() {
	b.mu.Lock()
	b.open--
	last := b.retired && b.open == 0
	b.mu.Unlock()
	if last {
		go func() { _ = b.Close() }()
	}
}

// Retire stops the browser from opening new contexts and closes it once its last context is closed (at
// once when none is open). A pool retires a browser that crashed instead of closing it, so the runs still
// on it end on their own terms: their contexts keep their own connection and fail, never panic.
func (b *Browser) Retire() {
	if b == nil {
		return
	}
	b.mu.Lock()
	if b.retired {
		b.mu.Unlock()
		return
	}
	b.retired = true
	last := b.open == 0
	b.mu.Unlock()
	if last {
		go func() { _ = b.Close() }()
	}
}

// Closed is closed when Close has finished (after Retire: when the last context went, and the browser
// with it).
func (b *Browser) Closed() <-chan struct{} { return b.closed }

// Close stops a launched browser and removes its profile folder; a remote browser is left running (its
// incognito contexts are already disposed by each run). Contexts still open fail from then on. Safe to call
// twice, and from several goroutines: every call returns once the browser is gone.
func (b *Browser) Close() error {
	if b == nil || b.closed == nil {
		return nil
	}
	b.closeOnce.Do(b.shutdown)
	return nil
}

func (b *Browser) shutdown() {
	defer close(b.closed)
	b.mu.Lock()
	rb, l := b.rod, b.launcher
	b.rod, b.launcher = nil, nil
	b.mu.Unlock()
	if rb == nil || l == nil {
		return
	}
	// Browser.close usually ends with a closed-connection error once the process is gone, and at once when
	// it is gone already (a crash): not a failure. A browser that does not answer is killed below.
	ctx, cancel := context.WithTimeout(context.Background(), closeCallTimeout)
	_ = proto.BrowserClose{}.Call(rb.Context(ctx))
	cancel()
	done := make(chan struct{})
	go func() { l.Cleanup(); close(done) }()
	select {
	case <-done:
	case <-time.After(exitTimeout):
		l.Kill() // the browser did not exit on Browser.close: a hung renderer, say
		<-done
	}
	// The browser leads its own process group (leakless starts it so): whatever of the group outlived it
	// (a renderer or zygote of a browser killed from outside) goes too. The group is empty, or still the
	// browser's, because Linux does not reuse a process group's id while a member lives.
	if b.pid > 0 {
		_ = syscall.Kill(-b.pid, syscall.SIGKILL)
	}
}

// PID of a launched browser (0 for a remote one), also after Close: tests use it to prove no process is
// left.
func (b *Browser) PID() int {
	if b == nil {
		return 0
	}
	return b.pid
}

// ProfileDir is the user-data-dir of a launched browser ("" for a remote one); Close removes it.
func (b *Browser) ProfileDir() string {
	if b == nil {
		return ""
	}
	return b.profile
}

// Crashed tells whether the browser is gone: the connection is lost (process died, remote endpoint lost),
// the browser is closed, or it did not answer before ctx ended. The caller bounds ctx: a loaded machine
// may take a moment, a dead connection fails at once.
func (b *Browser) Crashed(ctx context.Context) bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	rb := b.rod
	b.mu.Unlock()
	if rb == nil {
		return true
	}
	_, err := proto.BrowserGetVersion{}.Call(rb.Context(ctx))
	return err != nil
}
