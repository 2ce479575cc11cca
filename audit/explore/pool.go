package explore

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/cancelpath/cancelpath/audit/run"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

// pool keeps the contexts whose replay did nothing but load pages of the site (links, options that load a
// page): such a replay leaves nothing behind that a click could have changed, so its context takes the next
// replay, which opens its entry page there (see leave). A replay that clicked a button, hovered,
// opened a tab or a dialog, or failed, closes its context: the next starts afresh from the saved session.
// At most Parallel contexts wait in it; replays in flight are bounded by Parallel anyway.
type pool struct {
	mu   sync.Mutex
	idle []pooled
}

// pooled is a context waiting for a replay, and the page it shows.
type pooled struct {
	d   *run.Driver
	url string
}

// leave makes d, showing from, ready to open u: a URL that differs from the page's own only in its fragment
// would not load afresh (a change of route of the same app, with the app's state), so such a page is left
// through a blank one first.
func leave(ctx context.Context, d *run.Driver, from, u string, timeout time.Duration) error {
	if from != "" && strings.SplitN(from, "#", 2)[0] != strings.SplitN(u, "#", 2)[0] {
		return nil
	}
	if err := d.Do(ctx, scenario.Step{Action: scenario.Goto, URL: "about:blank", Timeout: timeout}, nil); err != nil {
		return fmt.Errorf("leave %s: %w", from, err)
	}
	return nil
}

func (x *explorer) take() (pooled, bool) {
	x.pool.mu.Lock()
	defer x.pool.mu.Unlock()
	n := len(x.pool.idle)
	if n == 0 {
		return pooled{}, false
	}
	p := x.pool.idle[n-1]
	x.pool.idle = x.pool.idle[:n-1]
	return p, true
}

// release returns d, showing url, to the pool when keep, else closes it.
func (x *explorer) release(d *run.Driver, url string, keep bool) {
	if keep {
		x.pool.mu.Lock()
		if len(x.pool.idle) < x.opt.Parallel {
			x.pool.idle = append(x.pool.idle, pooled{d: d, url: url})
			x.pool.mu.Unlock()
			return
		}
		x.pool.mu.Unlock()
	}
	d.Close()
}

// drain closes the contexts left in the pool.
func (x *explorer) drain() {
	x.pool.mu.Lock()
	idle := x.pool.idle
	x.pool.idle = nil
	x.pool.mu.Unlock()
	for _, p := range idle {
		p.d.Close()
	}
}
