package explore

import (
	"context"
	"sync"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"github.com/cancelpath/cancelpath/audit/run"
)

// A screen is read once the page has stopped doing things: no document loading, no navigation requested
// and not yet begun, no request of its own in flight, and then neither its DOM nor its controls changed for
// quietPeriod (nor any of those events happened). A request counts as in flight for at most requestCap (a
// long poll, a stream), a requested navigation for at most navigationCap; the whole wait is bounded by the
// step timeout, and a page that never stops animating is read once its controls stood still for stillPeriod.
const (
	quietPeriod   = 100 * time.Millisecond
	stillPeriod   = 600 * time.Millisecond
	pollInterval  = 50 * time.Millisecond
	requestCap    = 2 * time.Second
	navigationCap = 1500 * time.Millisecond
	// stopWait bounds the wait for an activity watcher's event loop to end.
	stopWait = time.Second
)

// counted are the requests a screen may wait for: its documents, scripts, styles and API calls. Images,
// fonts and media do not change which controls there are; web sockets and event streams never end.
var counted = map[proto.NetworkResourceType]bool{
	proto.NetworkResourceTypeDocument: true, proto.NetworkResourceTypeScript: true,
	proto.NetworkResourceTypeStylesheet: true, proto.NetworkResourceTypeXHR: true, proto.NetworkResourceTypeFetch: true,
}

// activity follows, from the browser's events, what a page is doing after an action: frames loading,
// navigations requested but not begun, requests in flight, and when any of that last changed. A navigation
// that has started but not yet committed still shows the old document, which must not be mistaken for the
// result; a screen rendered from an API call is not there until the call has answered.
type activity struct {
	mu       sync.Mutex
	loading  map[proto.PageFrameID]bool
	navs     map[proto.PageFrameID]time.Time
	requests map[proto.NetworkRequestID]time.Time
	last     time.Time

	cancel context.CancelFunc
	done   chan struct{}
}

// watchActivity starts following p; stop it with stop. The Page and Network domains are enabled by the
// browser context for every page it drives, so listening changes nothing for the engine.
func watchActivity(ctx context.Context, p *rod.Page) *activity {
	wctx, cancel := context.WithCancel(ctx)
	a := &activity{loading: map[proto.PageFrameID]bool{}, navs: map[proto.PageFrameID]time.Time{},
		requests: map[proto.NetworkRequestID]time.Time{}, last: time.Now(), cancel: cancel, done: make(chan struct{})}
	wait := p.Context(wctx).EachEvent(
		func(e *proto.PageFrameStartedLoading) {
			a.update(func(now time.Time) { a.loading[e.FrameID] = true; delete(a.navs, e.FrameID) })
		},
		func(e *proto.PageFrameStoppedLoading) {
			a.update(func(time.Time) { delete(a.loading, e.FrameID); delete(a.navs, e.FrameID) })
		},
		func(e *proto.PageFrameDetached) {
			a.update(func(time.Time) { delete(a.loading, e.FrameID); delete(a.navs, e.FrameID) })
		},
		func(e *proto.PageFrameRequestedNavigation) {
			a.update(func(now time.Time) { a.navs[e.FrameID] = now })
		},
		func(e *proto.PageNavigatedWithinDocument) {
			a.update(func(time.Time) { delete(a.navs, e.FrameID) }) // a route change: the app renders next
		},
		func(e *proto.NetworkRequestWillBeSent) {
			if counted[e.Type] {
				a.update(func(now time.Time) { a.requests[e.RequestID] = now })
			}
		},
		func(e *proto.NetworkLoadingFinished) {
			a.update(func(time.Time) { delete(a.requests, e.RequestID) })
		},
		func(e *proto.NetworkLoadingFailed) {
			a.update(func(time.Time) { delete(a.requests, e.RequestID) })
		},
	)
	go func() {
		defer close(a.done)
		wait()
	}()
	return a
}

func (a *activity) update(f func(now time.Time)) {
	now := time.Now()
	a.mu.Lock()
	f(now)
	a.last = now
	a.mu.Unlock()
}

// busy tells whether the page is still at work at now, and since when it has been calm otherwise.
func (a *activity) busy(now time.Time) (busy bool, last time.Time) {
	if a == nil {
		return false, time.Time{}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.loading) > 0 {
		return true, a.last
	}
	for _, t := range a.navs {
		if now.Sub(t) < navigationCap {
			return true, a.last
		}
	}
	for _, t := range a.requests {
		if now.Sub(t) < requestCap {
			return true, a.last
		}
	}
	return false, a.last
}

// stop ends the watch and waits (briefly) for its event loop to end.
func (a *activity) stop() {
	if a == nil {
		return
	}
	a.cancel()
	select {
	case <-a.done:
	case <-time.After(stopWait):
	}
}

// settle waits until the screen shows what the last action led to (see quietPeriod): a is what the page has
// been doing since just before that action (nil when unknown), follow is asked each round whether the action
// opened another page (it then switches to that page and returns the new page's activity watch). It gives up
// silently at timeout: a page still busy then is read as it is. It returns the screen's last fingerprint.
func settle(ctx context.Context, h *run.Script, page func() *rod.Page, a **activity, follow func() bool,
	timeout time.Duration) snapshot {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var prev snapshot
	var since, busySince time.Time
	for {
		if follow != nil && follow() {
			(*a).stop()
			*a = watchActivity(ctx, page())
			since = time.Time{}
		}
		var s snapshot
		err := h.Call(ctx, page().Context(ctx), &s, "snapshot")
		now := time.Now()
		working, last := (*a).busy(now)
		if !s.Busy && !s.Leaving {
			busySince = time.Time{}
		} else if busySince.IsZero() {
			busySince = now
		}
		switch {
		case err != nil || working || s.Ready != "complete" || ((s.Busy || s.Leaving) && now.Sub(busySince) < requestCap):
			// navigating, loading, waiting for an answer; the page says it is busy, or a script of its own
			// has begun to leave it (for so long at most)
			since = time.Time{}
		case since.IsZero() || !s.same(prev):
			prev, since = s, now
		case now.Sub(since) >= stillPeriod:
			return s // the controls stand still though something keeps moving (an animation, a ticker)
		case now.Sub(since) >= quietPeriod && !s.Moving && time.Duration(s.Mutated)*time.Millisecond >= quietPeriod &&
			now.Sub(last) >= quietPeriod:
			return s
		}
		if err == nil {
			prev = s
		}
		select {
		case <-ctx.Done():
			return prev
		case <-time.After(pollInterval):
		}
	}
}
