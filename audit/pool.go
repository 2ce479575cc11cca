package audit

import (
	"context"
	"fmt"
	"sync"

	"github.com/cancelpath/cancelpath/audit/browser"
)

// Pool spreads contexts over K browsers and relaunches (or reconnects) one that crashed. It implements
// run.Browser, so the runner does not know there is more than one.
type Pool struct {
	open func(ctx context.Context, slot int) (*browser.Browser, error)

	mu       sync.Mutex
	browsers []*browser.Browser
	next     int
	gen      int // bumped by every relaunch: a run that saw it change may have lost its browser
}

// NewPool opens k browsers with open (a launch, or a connection to a remote endpoint); slot is the browser's
// place in the pool, 0 to k-1, so that several remote endpoints can each fill their own slots, and a
// relaunch after a crash goes to the same endpoint.
func NewPool(ctx context.Context, k int, open func(ctx context.Context, slot int) (*browser.Browser, error)) (*Pool, error) {
	if k < 1 {
		k = 1
	}
	p := &Pool{open: open}
	for i := 0; i < k; i++ {
		b, err := open(ctx, i)
		if err != nil {
			p.Close()
			return nil, err
		}
		p.browsers = append(p.browsers, b)
	}
	return p, nil
}

// NewContext opens a context on the next browser, round robin.
func (p *Pool) NewContext(d browser.Device, onDialog func(browser.Dialog)) (*browser.Context, error) {
	p.mu.Lock()
	if len(p.browsers) == 0 {
		p.mu.Unlock()
		return nil, fmt.Errorf("browser pool is closed")
	}
	b := p.browsers[p.next%len(p.browsers)]
	p.next++
	p.mu.Unlock()
	return b.NewContext(d, onDialog)
}

// Version is the first browser's version (all are launched from the same binary or endpoint).
func (p *Pool) Version() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.browsers) == 0 {
		return ""
	}
	return p.browsers[0].Version()
}

// Generation changes whenever a browser is replaced.
func (p *Pool) Generation() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.gen
}

// Recover replaces every browser that no longer answers and reports whether it replaced any.
func (p *Pool) Recover(ctx context.Context) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	replaced := false
	for i, b := range p.browsers {
		if !b.Crashed() {
			continue
		}
		_ = b.Close()
		nb, err := p.open(ctx, i)
		if err != nil {
			return replaced, fmt.Errorf("relaunch browser after a crash: %w", err)
		}
		p.browsers[i] = nb
		p.gen++
		replaced = true
	}
	return replaced, nil
}

// PIDs of the launched browsers (none for remote ones).
func (p *Pool) PIDs() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	var pids []int
	for _, b := range p.browsers {
		if pid := b.PID(); pid != 0 {
			pids = append(pids, pid)
		}
	}
	return pids
}

// Close closes every browser.
func (p *Pool) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, b := range p.browsers {
		_ = b.Close()
	}
	p.browsers = nil
	return nil
}
