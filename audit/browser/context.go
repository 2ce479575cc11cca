package browser

import (
	"context"
	"fmt"
	"strings"
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

// DocFailure is a main-frame document load that failed on the network: the site reset or refused the
// connection, redirected in a loop, or sent something Chromium cannot read.
type DocFailure struct {
	URL   string // the document's URL, after redirects
	Error string // Chromium's net error, e.g. "net::ERR_CONNECTION_RESET"
	// Committed: the document had committed when its load failed, so the part that arrived shows (and its
	// scripts run) and the rest is lost. Not committed: nothing of it shows; Chromium shows its own error
	// page (chrome-error://chromewebdata/) instead.
	Committed bool
}

// Download is a download a page of the context started: a response with Content-Disposition: attachment,
// a download link, a file type the browser does not display. Downloads are denied, so nothing is written
// anywhere (see NewContext); this only records that the site answered with one.
type Download struct {
	URL               string
	SuggestedFilename string
}

// Context is one isolated browser context (incognito: its own cookies and storage) with the tab a run
// drives. Popups and new tabs the flow opens are adopted (see Popups and SwitchTo). Not safe for concurrent
// use, except for the dialog callback and the signals the event listeners record (Crashed, Lost,
// DocumentFailure, Navigations, Downloads), which any goroutine may read.
type Context struct {
	browser *Browser
	// incog is the context's own client: it stays usable (and fails cleanly) whatever the pool does with
	// browser, which may be replaced, retired or closed while this context is still open.
	incog  *rod.Browser
	device Device
	known  map[proto.TargetTargetID]bool // targets looked at by Popups; only the run's goroutine uses it
	tries  map[proto.TargetTargetID]int  // failed set-ups of a target, by Popups (the run's goroutine)

	listeners sync.WaitGroup // the event listeners' goroutines: Close waits for them
	closeOnce sync.Once

	mu           sync.Mutex // guards the fields below, which the event goroutines touch
	stops        []context.CancelFunc
	pages        []*rod.Page // every adopted page, oldest first
	onDialog     func(Dialog)
	page         *rod.Page                     // the page the run drives
	crashed      map[proto.TargetTargetID]bool // pages whose renderer crashed or was killed
	lost         chan struct{}                 // closed when the driven page's renderer is gone
	disconnected bool                          // the connection to the browser is lost
	docs         map[proto.TargetTargetID]*docState
	frames       map[proto.PageFrameID]bool // frames of adopted pages: a browser-wide download event names one
	navigations  int
	downloads    []Download
	seen         map[string]bool // download GUIDs: the page and the browser both announce a download
}

// docState follows the main-frame document loads of one page.
type docState struct {
	mainFrame proto.PageFrameID
	request   proto.NetworkRequestID // the latest main-frame document request
	url       string
	loader    proto.NetworkLoaderID
	committed proto.NetworkLoaderID // loader of the latest document that committed (not an error page)
	failure   *DocFailure
}

// createTimeout bounds making a context and its tab: only a browser that stops answering takes that long
// (a busy one on a loaded machine takes seconds). setupTimeout bounds the set-up of one page (events,
// emulation); popupSetupTimeout that of a page the flow opened, looked at again on the next call when it
// did not answer. disposeTimeout bounds disposing of a context whose renderer is frozen.
const (
	createTimeout     = 30 * time.Second
	setupTimeout      = 5 * time.Second
	popupSetupTimeout = time.Second
	disposeTimeout    = 5 * time.Second
)

// NewContext is OpenContext without a deadline of the caller's.
func (b *Browser) NewContext(d Device, onDialog func(Dialog)) (*Context, error) {
	return b.OpenContext(context.Background(), d, onDialog)
}

// OpenContext opens an incognito context with one blank tab emulating the device. onDialog, if not nil, is
// called for every dialog, which is accepted (a prompt gets an empty answer). Downloads are denied. When
// ctx ends first, it returns ctx's error at once, and a context still being made is closed when it is done.
func (b *Browser) OpenContext(ctx context.Context, d Device, onDialog func(Dialog)) (*Context, error) {
	if b == nil {
		return nil, fmt.Errorf("browser is closed")
	}
	rb, err := b.client()
	if err != nil {
		return nil, err
	}
	type made struct {
		c   *Context
		err error
	}
	ch := make(chan made, 1)
	go func() {
		c, err := b.newContext(rb, d, onDialog)
		ch <- made{c, err}
	}()
	select {
	case m := <-ch:
		return m.c, m.err
	case <-ctx.Done():
		go func() {
			if m := <-ch; m.c != nil {
				m.c.Close()
			}
		}()
		return nil, fmt.Errorf("new browser context: %w", ctx.Err())
	}
}

// newContext makes the context on rb, a client counted as open by b.client: Close releases it, and so
// does a failure here.
func (b *Browser) newContext(rb *rod.Browser, d Device, onDialog func(Dialog)) (*Context, error) {
	sctx, cancel := context.WithTimeout(context.Background(), createTimeout)
	defer cancel()
	res, err := proto.TargetCreateBrowserContext{}.Call(rb.Context(sctx))
	if err != nil {
		b.release()
		return nil, fmt.Errorf("new incognito context: %w", err)
	}
	incog := rb.Context(context.Background()) // a copy, so the context id is this context's alone
	incog.BrowserContextID = res.BrowserContextID
	c := &Context{browser: b, incog: incog, device: d, known: map[proto.TargetTargetID]bool{}, onDialog: onDialog,
		crashed: map[proto.TargetTargetID]bool{}, lost: make(chan struct{}), docs: map[proto.TargetTargetID]*docState{},
		frames: map[proto.PageFrameID]bool{}, seen: map[string]bool{}}
	listen := c.listenContext()
	// Nothing a site sends may land on disk (the default would be the user's Downloads folder): deny every
	// download, and have the browser say so, so the run can tell a page that answered with a file.
	if err := (proto.BrowserSetDownloadBehavior{Behavior: proto.BrowserSetDownloadBehaviorBehaviorDeny,
		BrowserContextID: incog.BrowserContextID, EventsEnabled: true}).Call(incog.Context(sctx)); err != nil {
		c.Close()
		return nil, fmt.Errorf("deny downloads: %w", err)
	}
	c.listen(listen, incog.Context(listen).EachEvent(func(e *proto.BrowserDownloadWillBegin) {
		// Browser-wide: every context of the browser hears of every download. The page-level event (below)
		// is attributed by its session, but deprecated; this one is attributed by its frame.
		if c.ownsFrame(e.FrameID) {
			c.download(e.GUID, e.URL, e.SuggestedFilename)
		}
	}))
	// Every call bounded: a browser that stops answering (not gone, just silent) must not hold the run.
	target, err := proto.TargetCreateTarget{URL: "about:blank", BrowserContextID: incog.BrowserContextID}.Call(incog.Context(sctx))
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("new page: %w", err)
	}
	p, _, err := c.attach(context.Background(), target.TargetID, createTimeout)
	if err != nil {
		c.Close() // disposing of the context closes its page
		return nil, fmt.Errorf("attach to the new page: %w", err)
	}
	if err := c.adopt(listen, context.Background(), p); err != nil {
		c.Close()
		return nil, err
	}
	c.setPage(p)
	return c, nil
}

// attach makes a rod page of target id, within d and while ctx lasts. rod gives the page (and its
// Keyboard, Mouse and Touch, which keep the context they were made with) the context of the attach, so
// that context is cancelled only when the attach does not finish in time; a page attached too late is
// dropped from rod's cache, so the next try attaches afresh. timedOut: d or ctx ran out.
func (c *Context) attach(ctx context.Context, id proto.TargetTargetID, d time.Duration) (p *rod.Page, timedOut bool, err error) {
	actx, cancel := context.WithCancel(context.Background())
	timer := time.AfterFunc(d, cancel)
	stop := context.AfterFunc(ctx, cancel)
	p, err = c.incog.Context(actx).PageFromTarget(id)
	inTime := timer.Stop()
	inTime = stop() && inTime
	if inTime && err == nil {
		return p, false, nil
	}
	cancel()
	if err == nil {
		c.incog.RemoveState(id)
		err = fmt.Errorf("attach to page: %w", context.DeadlineExceeded)
	}
	return nil, !inTime, err
}

// listenContext is a context for event listeners that Close cancels.
func (c *Context) listenContext() context.Context {
	ctx, stop := context.WithCancel(context.Background())
	c.mu.Lock()
	c.stops = append(c.stops, stop)
	c.mu.Unlock()
	return ctx
}

// listen runs an event loop (the wait of EachEvent on a client with context ctx) until ctx is cancelled;
// Close waits for it. A loop that ends while ctx is live ends because rod's event stream did: the
// connection to the browser is lost.
func (c *Context) listen(ctx context.Context, wait func()) {
	c.listeners.Add(1)
	go func() {
		defer c.listeners.Done()
		wait()
		if ctx.Err() == nil {
			c.markDisconnected()
		}
	}()
}

// adopt prepares p for driving: emulation, dialog handling, crash watch, the signals of its main frame,
// bookkeeping. listen bounds the event listeners, setup the set-up calls (a page the flow opened may
// already be frozen by its own script: setting it up must not hang the run). It does not make p the
// driven page (see setPage).
func (c *Context) adopt(listen, setup context.Context, p *rod.Page) error {
	sctx, cancel := context.WithTimeout(setup, setupTimeout)
	defer cancel()
	if err := (proto.PageEnable{}).Call(p.Context(sctx)); err != nil {
		return fmt.Errorf("enable page events: %w", err)
	}
	// The Network domain is the one place that names a main-frame document's net error, including one that
	// arrives after part of the page has committed (Page events show that page as loaded).
	if err := (proto.NetworkEnable{}).Call(p.Context(sctx)); err != nil {
		return fmt.Errorf("enable network events: %w", err)
	}
	if err := emulate(p.Context(sctx), c.device, c.browser.version); err != nil {
		return err
	}
	c.known[p.TargetID] = true
	id := p.TargetID
	c.mu.Lock()
	c.docs[id] = &docState{mainFrame: proto.PageFrameID(id)} // a page's main frame has its target's id
	c.frames[proto.PageFrameID(id)] = true
	c.mu.Unlock()
	// A dialog blocks the page's scripts (and every evaluation of ours) until it is answered, so it is
	// answered from the event loop, not from the run's goroutine. A crashed renderer answers nothing ever
	// again: the run hears of it at once instead of waiting out its step. One loop for all of the page's
	// events, so that they are seen in the order the browser sent them (a commit, then its failure).
	lp := p.Context(listen)
	c.listen(listen, lp.EachEvent(func(e *proto.PageJavascriptDialogOpening) {
		// Recorded before it is answered: the page is held until then, so whatever the run does next on
		// this page (a load finishing, an evaluation answering) comes after the record, and the dialog is
		// counted in the phase that made the page show it, however late this goroutine is scheduled.
		c.mu.Lock()
		f := c.onDialog
		c.mu.Unlock()
		if f != nil {
			f(Dialog{Type: string(e.Type), Message: e.Message})
		}
		_ = proto.PageHandleJavaScriptDialog{Accept: true}.Call(lp)
	}, func(*proto.InspectorTargetCrashed) {
		// Sent for a renderer that crashed and for one killed from outside alike.
		c.markCrashed(id)
	}, func(e *proto.NetworkRequestWillBeSent) {
		c.docRequest(id, e)
	}, func(e *proto.NetworkLoadingFailed) {
		c.docFailed(id, e)
	}, func(e *proto.PageFrameNavigated) {
		c.frameNavigated(id, e)
	}, func(e *proto.PageFrameAttached) {
		c.mu.Lock()
		c.frames[e.FrameID] = true
		c.mu.Unlock()
	}, func(e *proto.PageDownloadWillBegin) {
		c.download(e.GUID, e.URL, e.SuggestedFilename)
	}))
	c.mu.Lock()
	c.pages = append(c.pages, p)
	c.mu.Unlock()
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
		c.closeLost()
	}
}

// markDisconnected: the browser is gone (its process died, or the remote endpoint), and every page with it.
func (c *Context) markDisconnected() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.disconnected = true
	c.closeLost()
}

// closeLost closes lost once; c.mu is held.
func (c *Context) closeLost() {
	select {
	case <-c.lost:
	default:
		close(c.lost)
	}
}

// Disconnected tells whether the connection to the browser is lost: the browser process died or was
// killed, or the remote endpoint went away. Crashed is true then too; a pool replaces such a browser.
func (c *Context) Disconnected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.disconnected
}

// docRequest notes a main-frame document request of page id (sent again, same id, for each redirect).
func (c *Context) docRequest(id proto.TargetTargetID, e *proto.NetworkRequestWillBeSent) {
	if e.Type != proto.NetworkResourceTypeDocument || e.Request == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.docs[id]
	if st == nil || e.FrameID != st.mainFrame {
		return
	}
	st.request, st.url, st.loader = e.RequestID, e.Request.URL, e.LoaderID
}

// docFailed records the failure of page id's latest main-frame document request. A load that was
// cancelled or aborted (a newer navigation, a download, a 204, window.stop) is no failure of the site.
func (c *Context) docFailed(id proto.TargetTargetID, e *proto.NetworkLoadingFailed) {
	if e.Canceled || e.ErrorText == "net::ERR_ABORTED" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.docs[id]
	if st == nil || st.request == "" || e.RequestID != st.request {
		return
	}
	st.failure = &DocFailure{URL: st.url, Error: e.ErrorText, Committed: st.loader != "" && st.committed == st.loader}
}

// frameNavigated counts the driven page's main-frame commits and clears a failure once a document commits
// (Chromium's own error page is no such document).
func (c *Context) frameNavigated(id proto.TargetTargetID, e *proto.PageFrameNavigated) {
	if e.Frame == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frames[e.Frame.ID] = true
	st := c.docs[id]
	if e.Frame.ParentID != "" || st == nil {
		return
	}
	st.mainFrame = e.Frame.ID
	if c.page != nil && c.page.TargetID == id {
		c.navigations++
	}
	if e.Frame.UnreachableURL != "" || strings.HasPrefix(e.Frame.URL, "chrome-error:") {
		return
	}
	st.committed, st.failure = e.Frame.LoaderID, nil
}

// ownsFrame tells whether a frame belongs to this context: a frame of an adopted page, or the main frame
// of a page the context opened and Popups has not looked at yet (a main frame has its target's id).
func (c *Context) ownsFrame(f proto.PageFrameID) bool {
	c.mu.Lock()
	known := c.frames[f]
	c.mu.Unlock()
	if known {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), popupSetupTimeout)
	defer cancel()
	info, err := proto.TargetGetTargetInfo{TargetID: proto.TargetTargetID(f)}.Call(c.incog.Context(ctx))
	return err == nil && info.TargetInfo != nil && info.TargetInfo.BrowserContextID == c.incog.BrowserContextID
}

func (c *Context) download(guid, url, name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen[guid] {
		return
	}
	c.seen[guid] = true
	c.downloads = append(c.downloads, Download{URL: url, SuggestedFilename: name})
}

// DocumentFailure is the driven page's latest main-frame document load failure, nil when there is none:
// none happened, or a document committed since. A partial page (Committed) stays a failure until the next
// document commits.
func (c *Context) DocumentFailure() *DocFailure {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.page == nil || c.docs[c.page.TargetID] == nil || c.docs[c.page.TargetID].failure == nil {
		return nil
	}
	f := *c.docs[c.page.TargetID].failure
	return &f
}

// Navigations counts the main-frame documents committed in the page being driven at the time (error pages
// included, same-document navigations not). It only grows, also across SwitchTo: compare two readings to
// see a page that keeps navigating (a script that reloads or redirects itself on every load).
func (c *Context) Navigations() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.navigations
}

// Downloads are the downloads the context's pages started, oldest first.
func (c *Context) Downloads() []Download {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Download(nil), c.downloads...)
}

// setPage makes p the driven page.
func (c *Context) setPage(p *rod.Page) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.page = p
	if c.crashed[p.TargetID] {
		c.closeLost()
	}
}

// Page is the tab the run drives now.
func (c *Context) Page() *rod.Page {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.page
}

// Browser is the browser the context was opened on (a pool asks it whether it crashed).
func (c *Context) Browser() *Browser { return c.browser }

// Lost is closed when the renderer of the driven page crashed or was killed, or the browser itself is gone
// (see Disconnected): every call to the page fails or hangs from then on, so a run stops waiting and
// records the crash (see Crashed).
func (c *Context) Lost() <-chan struct{} { return c.lost }

// Crashed tells whether the driven page's renderer is gone, or the whole browser.
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

// popupTries is how often Popups tries to set up a page the flow opened before it leaves it alone for good:
// a popup frozen in an endless script would otherwise cost every later look at the flow's own page a
// set-up timeout.
const popupTries = 3

// gaveUp counts a failed set-up of page id and tells whether it was the last one tried.
func (c *Context) gaveUp(id proto.TargetTargetID) bool {
	if c.tries == nil {
		c.tries = map[proto.TargetTargetID]int{}
	}
	c.tries[id]++
	return c.tries[id] >= popupTries
}

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
		// Attaching enables the Page domain, which a popup frozen in an endless script never answers: bound
		// it like the rest of the set-up, and try again on the next call.
		p, timedOut, err := c.attach(ctx, t.TargetID, popupSetupTimeout)
		if err != nil {
			if !timedOut || c.gaveUp(t.TargetID) {
				c.known[t.TargetID] = true // closed meanwhile, or not a page we can drive: never retried
			}
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
			if c.gaveUp(t.TargetID) {
				c.known[t.TargetID] = true
			}
			continue
		}
		c.mu.Lock()
		c.stops = append(c.stops, stop)
		c.mu.Unlock()
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

// Close disposes of the incognito context and every page in it. It does not close the browser, unless the
// browser was retired and this was its last context. On a browser that is gone it returns at once; on one
// that does not answer, within disposeTimeout. Safe to call twice.
func (c *Context) Close() {
	if c == nil {
		return
	}
	c.closeOnce.Do(func() {
		c.mu.Lock()
		stops := c.stops
		c.stops = nil
		c.mu.Unlock()
		for _, stop := range stops {
			stop()
		}
		// No dialog callback may run once Close returns: the caller reads what they recorded.
		c.listeners.Wait()
		ctx, cancel := context.WithTimeout(context.Background(), disposeTimeout)
		_ = proto.TargetDisposeBrowserContext{BrowserContextID: c.incog.BrowserContextID}.Call(c.incog.Context(ctx))
		cancel()
		c.browser.release()
	})
}
