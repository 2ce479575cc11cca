package browser

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/launcher/flags"
	"github.com/go-rod/rod/lib/proto"
)

// Browser is one Chromium process (or remote endpoint) shared by many runs; each run gets its own Context.
type Browser struct {
	rod      *rod.Browser
	launcher *launcher.Launcher // nil for a remote browser
	product  string             // e.g. "HeadlessChrome/156.0.8078.73"
	version  string             // e.g. "156.0.8078.73"
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

// Launch starts a local headless Chromium from bin (see Find). The process is killed by rod's leakless
// guard if this process dies; Close stops it in the normal case.
func Launch(ctx context.Context, bin string) (*Browser, error) {
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
		l.Kill()
		return nil, fmt.Errorf("launch %s: %w", bin, err)
	}
	b, err := connect(u)
	if err != nil {
		l.Kill()
		l.Cleanup()
		return nil, err
	}
	b.launcher = l
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
	b := &Browser{rod: rb, product: v.Product}
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
func (b *Browser) Remote() bool { return b.launcher == nil }

// Close stops a launched browser and removes its profile folder; a remote browser is left running (its
// incognito contexts are already disposed by each run). Safe to call twice.
func (b *Browser) Close() error {
	if b == nil || b.rod == nil {
		return nil
	}
	rb, l := b.rod, b.launcher
	b.rod, b.launcher = nil, nil
	if l == nil {
		return nil
	}
	// Browser.close usually ends with a closed-connection error once the process is gone: not a failure.
	_ = rb.Close()
	done := make(chan struct{})
	go func() { l.Cleanup(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		l.Kill() // the browser did not exit on Browser.close: a hung renderer, say
		<-done
	}
	return nil
}

// PID of a launched browser (0 for a remote one): tests use it to prove no process is left.
func (b *Browser) PID() int {
	if b == nil || b.launcher == nil {
		return 0
	}
	return b.launcher.PID()
}

// Crashed tells whether the browser connection is gone (process died, remote endpoint lost).
func (b *Browser) Crashed() bool {
	if b == nil || b.rod == nil {
		return true
	}
	_, err := proto.BrowserGetVersion{}.Call(b.rod)
	return err != nil
}
