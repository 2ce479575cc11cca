package audit

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cancelpath/cancelpath/audit/browser"
)

// Pool spreads contexts over K browsers and relaunches (or reconnects) one that crashed. It implements
// run.Browser, so the runner does not know there is more than one. Safe for concurrent use.
//
// A browser that crashed is retired, not closed: the runs still on it keep their contexts, which fail on
// their own connection, and the browser is closed (its process and profile folder gone) when the last of
// them is closed. The relaunch happens outside the pool's lock, once per crash however many runs saw it.
type Pool struct {
	open    func(ctx context.Context, slot int) (*browser.Browser, error)
	version string
	locale  browser.Locale

	mu     sync.Mutex
	slots  []*slot
	next   int
	closed bool
	// home holds every browser the pool opened, in service or retired after a crash (closed by its last
	// context, or by Shutdown), and its slot.
	home map[*browser.Browser]int
}

// slot is one place of the pool: a browser, launched or connected by open for that place.
type slot struct {
	b *browser.Browser
	// relaunch is non-nil while the slot's browser is being replaced, and closed when that is done; err is
	// how the last relaunch failed. stale: the slot's browser is retired and its relaunch failed, so the
	// next run to want it tries again.
	relaunch chan struct{}
	err      error
	stale    bool
}

// crashCheckTimeout bounds asking a browser whether it is still there: a dead connection answers at once,
// a live browser on a loaded machine within a few seconds.
const crashCheckTimeout = 10 * time.Second

// ErrPoolClosed is returned by a pool that was closed.
var ErrPoolClosed = errors.New("browser pool is closed")

// NewPool opens k browsers with open (a launch, or a connection to a remote endpoint); slot is the browser's
// place in the pool, 0 to k-1, so that several remote endpoints can each fill their own slots, and a
// relaunch after a crash goes to the same endpoint.
func NewPool(ctx context.Context, k int, open func(ctx context.Context, slot int) (*browser.Browser, error)) (*Pool, error) {
	if k < 1 {
		k = 1
	}
	p := &Pool{open: open, home: map[*browser.Browser]int{}}
	for i := 0; i < k; i++ {
		b, err := open(ctx, i)
		if err != nil {
			_ = p.Close()
			return nil, err
		}
		p.slots = append(p.slots, &slot{b: b})
		p.home[b] = i
	}
	p.version, p.locale = p.slots[0].b.Version(), p.slots[0].b.Locale()
	return p, nil
}

// NewContext is OpenContext without a deadline: run.Browser's method.
func (p *Pool) NewContext(d browser.Device, onDialog func(browser.Dialog)) (*browser.Context, error) {
	return p.OpenContext(context.Background(), d, onDialog)
}

// OpenContext opens a context on the next browser, round robin. A browser found dead on the way (it
// crashed since the last run) is replaced first, so the run starts on a live one.
func (p *Pool) OpenContext(ctx context.Context, d browser.Device, onDialog func(browser.Dialog)) (*browser.Context, error) {
	for attempt := 0; ; attempt++ {
		b, err := p.pick(ctx)
		if err != nil {
			return nil, err
		}
		c, err := b.OpenContext(ctx, d, onDialog)
		if err == nil || attempt > 0 || ctx.Err() != nil {
			return c, err
		}
		crashed, rerr := p.Crashed(ctx, b)
		if !crashed {
			return nil, err
		}
		if rerr != nil {
			return nil, fmt.Errorf("%w (the browser had crashed: %v)", err, rerr) //nolint:errorlint // only err in the chain: the relaunch's error is text
		}
	}
}

// pick is the next slot's browser, once any relaunch of it is over.
func (p *Pool) pick(ctx context.Context) (*browser.Browser, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, ErrPoolClosed
	}
	i := p.next % len(p.slots)
	p.next++
	p.mu.Unlock()
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, ErrPoolClosed
		}
		s := p.slots[i]
		wait, b, stale := s.relaunch, s.b, s.stale
		p.mu.Unlock()
		switch {
		case wait != nil:
			select {
			case <-wait:
			case <-ctx.Done():
				return nil, fmt.Errorf("wait for a browser relaunch: %w", ctx.Err())
			}
		case stale:
			if err := p.replace(ctx, i, b); err != nil {
				return nil, err
			}
		default:
			return b, nil
		}
	}
}

// Crashed tells whether b, a browser of this pool (see browser.Context.Browser), crashed or lost its
// connection. A crashed browser is replaced before Crashed returns: one relaunch however many runs report
// the same crash, the others wait for it. err is set when the relaunch failed (the next run tries again).
// A browser replaced already counts as crashed; one the pool does not know, or a closed pool, as not.
func (p *Pool) Crashed(ctx context.Context, b *browser.Browser) (bool, error) {
	p.mu.Lock()
	i, ok := p.home[b]
	if !ok || p.closed {
		p.mu.Unlock()
		return false, nil
	}
	current := p.slots[i].b == b
	p.mu.Unlock()
	if current {
		cctx, cancel := context.WithTimeout(ctx, crashCheckTimeout)
		dead := b.Crashed(cctx)
		cancel()
		if !dead {
			return false, nil
		}
		if ctx.Err() != nil {
			return false, fmt.Errorf("check the browser: %w", ctx.Err()) // no answer because the sweep ended
		}
	}
	return true, p.replace(ctx, i, b)
}

// replace puts a new browser in slot i in place of old, unless that happened already (then it waits for
// that relaunch and returns its outcome). The launch runs outside the lock: it takes 0.4 s and more, and
// other slots keep serving meanwhile.
func (p *Pool) replace(ctx context.Context, i int, old *browser.Browser) error {
	p.mu.Lock()
	for {
		if p.closed {
			p.mu.Unlock()
			return ErrPoolClosed
		}
		s := p.slots[i]
		if s.relaunch != nil {
			wait := s.relaunch
			p.mu.Unlock()
			select {
			case <-wait:
			case <-ctx.Done():
				return fmt.Errorf("wait for a browser relaunch: %w", ctx.Err())
			}
			p.mu.Lock()
			continue
		}
		if s.b != old {
			err := s.err // replaced already: that relaunch's outcome
			p.mu.Unlock()
			return err
		}
		old.Retire() // a second time (a stale slot) changes nothing
		done := make(chan struct{})
		s.relaunch = done
		p.mu.Unlock()

		nb, err := p.open(ctx, i)

		p.mu.Lock()
		closed := p.closed
		if err == nil && !closed {
			s.b, s.stale, s.err = nb, false, nil
			p.home[nb] = i
		} else {
			if err == nil {
				err = ErrPoolClosed
			} else {
				err = fmt.Errorf("relaunch browser after a crash: %w", err)
			}
			s.stale, s.err = true, err
		}
		s.relaunch = nil
		close(done)
		p.mu.Unlock()
		if err == nil {
			return nil
		}
		if nb != nil {
			_ = nb.Close() // launched while the pool was closing: Close did not see it
		}
		return err
	}
}

// Version is the first browser's version (all are launched from the same binary or endpoint).
func (p *Pool) Version() string { return p.version }

// Locale is what the pages of the pool's first browser see of language and zone (the pool's browsers
// are launched alike, or are endpoints the auditor set up alike).
func (p *Pool) Locale() browser.Locale { return p.locale }

// PIDs of the launched browsers in service (none for remote ones).
func (p *Pool) PIDs() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	var pids []int
	for _, s := range p.slots {
		if pid := s.b.PID(); pid != 0 && !s.stale {
			pids = append(pids, pid)
		}
	}
	return pids
}

// Close is Shutdown with no deadline of the caller's: every browser is closed all the same.
func (p *Pool) Close() error { return p.Shutdown(context.Background()) }

// Shutdown closes every browser of the pool, those in service and those retired after a crash, whether or
// not contexts are still open on them (those contexts fail from then on, and their Close returns at once).
// ctx bounds waiting for relaunches in flight; a browser they launch after that is closed by them. Every
// browser is closed before Shutdown returns, each within its own bounds (see browser.Close).
func (p *Pool) Shutdown(ctx context.Context) error {
	p.mu.Lock()
	p.closed = true
	var waits []chan struct{}
	for _, s := range p.slots {
		if s.relaunch != nil {
			waits = append(waits, s.relaunch)
		}
	}
	p.mu.Unlock()
	var err error
	for _, w := range waits {
		select {
		case <-w:
		case <-ctx.Done():
			err = fmt.Errorf("close browser pool: a relaunch did not finish: %w", ctx.Err())
		}
	}
	p.mu.Lock()
	var all []*browser.Browser
	for b := range p.home {
		all = append(all, b)
	}
	p.mu.Unlock()
	// In parallel: a browser that does not answer takes seconds to be killed, and K of them should not add up.
	var wg sync.WaitGroup
	for _, b := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = b.Close()
		}()
	}
	wg.Wait()
	return err
}
