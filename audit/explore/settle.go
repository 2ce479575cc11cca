package explore

import (
	"context"
	"sync"
	"time"

	"github.com/go-rod/rod"

	"github.com/cancelpath/cancelpath/audit/run"
	"github.com/go-rod/rod/lib/proto"
)

// How long a screen must stay the same before it is read: long enough for a menu's transition or a
// script's first render, short enough to keep hundreds of replays cheap.
const (
	quietPeriod  = 200 * time.Millisecond
	pollInterval = 50 * time.Millisecond
)

// loadWatch follows the frames of a page that are loading, from before an action until the screen is read:
// a navigation that has started but not yet committed still shows the old document, which must not be
// mistaken for the result.
type loadWatch struct {
	mu      sync.Mutex
	loading map[proto.PageFrameID]bool
	cancel  context.CancelFunc
}

// watchLoads starts following p's frames; stop it with stop.
func watchLoads(ctx context.Context, p *rod.Page) *loadWatch {
	wctx, cancel := context.WithCancel(ctx)
	w := &loadWatch{loading: map[proto.PageFrameID]bool{}, cancel: cancel}
	wait := p.Context(wctx).EachEvent(
		func(e *proto.PageFrameStartedLoading) {
			w.mu.Lock()
			w.loading[e.FrameID] = true
			w.mu.Unlock()
		},
		func(e *proto.PageFrameStoppedLoading) {
			w.mu.Lock()
			delete(w.loading, e.FrameID)
			w.mu.Unlock()
		},
		func(e *proto.PageFrameDetached) {
			w.mu.Lock()
			delete(w.loading, e.FrameID)
			w.mu.Unlock()
		},
	)
	go wait()
	return w
}

func (w *loadWatch) busy() bool {
	if w == nil {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.loading) > 0
}

func (w *loadWatch) stop() {
	if w != nil {
		w.cancel()
	}
}

// settle waits until the screen has stopped changing: no frame loading, the document complete, and the
// same URL and controls for quietPeriod. It gives up silently at the timeout: a page that never stops
// animating is read as it is then.
func settle(ctx context.Context, h *run.Script, p *rod.Page, w *loadWatch, timeout time.Duration) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	bound := p.Context(ctx)
	var prev snapshot
	var since time.Time
	for {
		var s snapshot
		err := h.Call(ctx, bound, &s, "snapshot")
		now := time.Now()
		switch {
		case err != nil || w.busy() || s.Ready != "complete":
			since = time.Time{} // navigating: the old document is gone or going
		case since.IsZero() || s != prev:
			prev, since = s, now
		case now.Sub(since) >= quietPeriod:
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(pollInterval):
		}
	}
}
