package browser

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// Dialog is a JS dialog (alert, confirm, prompt, beforeunload) that the context accepted.
type Dialog struct {
	Type    string
	Message string
}

// Context is one isolated browser context (incognito: its own cookies and storage) with the tab a run
// drives. Popups and new tabs the flow opens are adopted (see Popups and SwitchTo). Not safe for concurrent
// use except for the dialog callback.
type Context struct {
	browser *Browser
	incog   *rod.Browser
	device  Device
	pages   []*rod.Page // every adopted page, oldest first
	known   map[proto.TargetTargetID]bool

	cancel    context.CancelFunc // stops the event listeners
	listeners sync.WaitGroup     // the event listeners' goroutines: Close waits for them
	mu        sync.Mutex         // guards the fields below, which the event goroutines touch
	onDialog  func(Dialog)
	page      *rod.Page                     // the page the run drives
	crashed   map[proto.TargetTargetID]bool // pages whose renderer crashed or was killed
	lost      chan struct{}                 // closed when the driven page's renderer is gone
}

// NewContext opens an incognito context with one blank tab emulating the device. onDialog, if not nil, is
// called for every dialog, which is accepted (a prompt gets an empty answer).
func (b *Browser) NewContext(d Device, onDialog func(Dialog)) (*Context, error) {
	if b == nil || b.rod == nil {
		return nil, fmt.Errorf("browser is closed")
	}
	incog, err := b.rod.Incognito()
	if err != nil {
		return nil, fmt.Errorf("new incognito context: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &Context{browser: b, incog: incog, device: d, known: map[proto.TargetTargetID]bool{}, cancel: cancel,
		onDialog: onDialog, crashed: map[proto.TargetTargetID]bool{}, lost: make(chan struct{})}
	p, err := incog.Page(proto.TargetCreateTarget{URL: "about:blank"})
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("new page: %w", err)
	}
	if err := c.adopt(ctx, context.Background(), p); err != nil {
		c.Close()
		return nil, err
	}
	c.setPage(p)
	return c, nil
}

// setupTimeout bounds the set-up of one page (events, emulation); popupSetupTimeout that of a page the
// flow opened, looked at again on the next call when it did not answer.
const (
	setupTimeout      = 5 * time.Second
	popupSetupTimeout = time.Second
)

// adopt prepares p for driving: emulation, dialog handling, crash watch, bookkeeping. listen bounds the
// event listeners, setup the set-up calls (a page the flow opened may already be frozen by its own script:
// setting it up must not hang the run). It does not make p the driven page (see setPage).
func (c *Context) adopt(listen, setup context.Context, p *rod.Page) error {
	sctx, cancel := context.WithTimeout(setup, setupTimeout)
	defer cancel()
	if err := (proto.PageEnable{}).Call(p.Context(sctx)); err != nil {
		return fmt.Errorf("enable page events: %w", err)
	}
	if err := emulate(p.Context(sctx), c.device, c.browser.version); err != nil {
		return err
	}
	c.known[p.TargetID] = true
	// A dialog blocks the page's scripts (and every evaluation of ours) until it is answered, so it is
	// answered from the event loop, not from the run's goroutine. A crashed renderer answers nothing ever
	// again: the run hears of it at once instead of waiting out its step.
	lp := p.Context(listen)
	wait := lp.EachEvent(func(e *proto.PageJavascriptDialogOpening) {
		_ = proto.PageHandleJavaScriptDialog{Accept: true}.Call(lp)
		c.mu.Lock()
		f := c.onDialog
		c.mu.Unlock()
		if f != nil {
			f(Dialog{Type: string(e.Type), Message: e.Message})
		}
	}, func(*proto.InspectorTargetCrashed) {
		// Sent for a renderer that crashed and for one killed from outside alike.
		c.markCrashed(p.TargetID)
	})
	c.listeners.Add(1)
	go func() {
		defer c.listeners.Done()
		wait()
	}()
	c.pages = append(c.pages, p)
	return nil
}

func (c *Context) markCrashed(id proto.TargetTargetID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.crashed[id] {
		return
	}
	c.crashed[id] = true
	if c.page != nil && c.page.TargetID == id {
		close(c.lost)
	}
}

// setPage makes p the driven page.
func (c *Context) setPage(p *rod.Page) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.page = p
	if c.crashed[p.TargetID] {
		select {
		case <-c.lost:
		default:
			close(c.lost)
		}
	}
}

// Page is the tab the run drives now.
func (c *Context) Page() *rod.Page {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.page
}

// Lost is closed when the renderer of the driven page crashed or was killed: every call to the page fails
// or hangs from then on, so a run stops waiting and records the crash (see Crashed).
func (c *Context) Lost() <-chan struct{} { return c.lost }

// Crashed tells whether the driven page's renderer is gone.
func (c *Context) Crashed() bool {
	select {
	case <-c.lost:
		return true
	default:
		return false
	}
}

// Device is the emulation of this context.
func (c *Context) Device() Device { return c.device }

// Popups adopts the pages the context opened since the last call (window.open, target=_blank) and returns
// every live page other than the driven one, newest first. The caller decides which, if any, to follow.
// ctx bounds the set-up of new pages.
func (c *Context) Popups(ctx context.Context) ([]*rod.Page, error) {
	targets, err := proto.TargetGetTargets{}.Call(c.incog.Context(ctx))
	if err != nil {
		return nil, fmt.Errorf("list targets: %w", err)
	}
	live := map[proto.TargetTargetID]bool{}
	for _, t := range targets.TargetInfos {
		if t.Type != proto.TargetTargetInfoTypePage || t.BrowserContextID != c.incog.BrowserContextID {
			continue
		}
		live[t.TargetID] = true
		if c.known[t.TargetID] {
			continue
		}
		p, err := c.incog.PageFromTarget(t.TargetID)
		if err != nil {
			c.known[t.TargetID] = true // closed meanwhile, or not a page we can drive: never retried
			continue
		}
		// A page that does not answer its set-up in time (busy, or frozen) stays unknown: the next call
		// tries again, and the caller's own page is looked at in between.
		lctx, stop := context.WithCancel(context.Background())
		actx, done := context.WithTimeout(ctx, popupSetupTimeout)
		err = c.adopt(lctx, actx, p)
		done()
		if err != nil {
			stop()
			continue
		}
		prev := c.cancel
		c.cancel = func() { prev(); stop() }
	}
	cur := c.Page()
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*rod.Page
	for i := len(c.pages) - 1; i >= 0; i-- {
		p := c.pages[i]
		if c.crashed[p.TargetID] || p == cur || !live[p.TargetID] {
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

// SwitchTo makes p (one of Popups) the driven page. The page left stays open, as it would for a user.
func (c *Context) SwitchTo(p *rod.Page) { c.setPage(p) }

// Abort ends the renderer of the driven page at once (Page.crash is served off the page's main thread, so
// it works on a page frozen in an endless script, which Chrome would otherwise let spin, a CPU core busy,
// until some time after its context is gone). Close still has to be called.
func (c *Context) Abort() {
	if c.Crashed() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	// A renderer that is gone sends no answer: the crash event says it is done.
	go func() { _ = proto.PageCrash{}.Call(c.Page().Context(ctx)) }()
	select {
	case <-c.lost:
	case <-ctx.Done():
	}
}

// Close disposes of the incognito context and every page in it. It does not close the browser.
func (c *Context) Close() {
	if c == nil || c.incog == nil {
		return
	}
	c.cancel()
	// No dialog callback may run once Close returns: the caller reads what they recorded.
	c.listeners.Wait()
	// Disposing of a context whose renderer is frozen can block; bound it.
	done := make(chan struct{})
	go func() {
		_ = proto.TargetDisposeBrowserContext{BrowserContextID: c.incog.BrowserContextID}.Call(c.browser.rod)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	c.incog = nil
}
