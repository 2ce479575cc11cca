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
// drives. Popups and new tabs the flow opens are followed (see FollowPopup). Not safe for concurrent use
// except for the dialog callback.
type Context struct {
	browser *Browser
	incog   *rod.Browser
	device  Device
	page    *rod.Page
	known   map[proto.TargetTargetID]bool

	cancel   context.CancelFunc // stops the event listeners
	mu       sync.Mutex
	onDialog func(Dialog)
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
	c := &Context{browser: b, incog: incog, device: d, known: map[proto.TargetTargetID]bool{}, cancel: cancel, onDialog: onDialog}
	p, err := incog.Page(proto.TargetCreateTarget{URL: "about:blank"})
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("new page: %w", err)
	}
	if err := c.adopt(ctx, p); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// adopt makes p the driven page: emulation, dialog handling, bookkeeping.
func (c *Context) adopt(ctx context.Context, p *rod.Page) error {
	c.known[p.TargetID] = true
	if err := (proto.PageEnable{}).Call(p); err != nil {
		return fmt.Errorf("enable page events: %w", err)
	}
	if err := emulate(p, c.device, c.browser.version); err != nil {
		return err
	}
	// A dialog blocks the page's scripts (and every evaluation of ours) until it is answered, so it is
	// answered from the event loop, not from the run's goroutine.
	lp := p.Context(ctx)
	go lp.EachEvent(func(e *proto.PageJavascriptDialogOpening) {
		_ = proto.PageHandleJavaScriptDialog{Accept: true}.Call(lp)
		c.mu.Lock()
		f := c.onDialog
		c.mu.Unlock()
		if f != nil {
			f(Dialog{Type: string(e.Type), Message: e.Message})
		}
	})()
	c.page = p
	return nil
}

// Page is the tab the run drives now.
func (c *Context) Page() *rod.Page { return c.page }

// Device is the emulation of this context.
func (c *Context) Device() Device { return c.device }

// FollowPopup switches to the newest page the context opened since the last call (window.open,
// target=_blank), and reports whether it did. The opener tab stays open, as it would for a user.
func (c *Context) FollowPopup() (bool, error) {
	targets, err := proto.TargetGetTargets{}.Call(c.incog)
	if err != nil {
		return false, fmt.Errorf("list targets: %w", err)
	}
	var newest *proto.TargetTargetInfo
	for _, t := range targets.TargetInfos {
		if t.Type != proto.TargetTargetInfoTypePage || t.BrowserContextID != c.incog.BrowserContextID || c.known[t.TargetID] {
			continue
		}
		newest = t
	}
	if newest == nil {
		return false, nil
	}
	p, err := c.incog.PageFromTarget(newest.TargetID)
	if err != nil {
		return false, fmt.Errorf("attach to popup: %w", err)
	}
	lctx, cancel := context.WithCancel(context.Background())
	prev := c.cancel
	c.cancel = func() { prev(); cancel() }
	if err := c.adopt(lctx, p); err != nil {
		return false, err
	}
	return true, nil
}

// Close disposes of the incognito context and every page in it. It does not close the browser.
func (c *Context) Close() {
	if c == nil || c.incog == nil {
		return
	}
	c.cancel()
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
