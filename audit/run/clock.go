package run

import (
	"context"
	"sync"
	"time"
)

// stepClock is a step's deadline counted in the site's time. While the engine does its own work (a look
// through the probe, a screenshot, a look at a popup) the step's deadline cannot pass, and what the work
// took beyond its cost on an idle machine (Timing.Look) is given back to the step: a busy machine that
// makes each look slow must not use up the time the step gives the site, nor cut a look short halfway (the
// renderer would go on running the abandoned look, and the next question to the page would wait behind
// it). Both are capped at a liveness span per piece of work, so a page that never answers gets no more
// time than the step's timeout plus one span. The run's own deadline (the scenario's timeout) still bounds
// everything.
type stepClock struct {
	context.Context // cancelled when the deadline passes, the parent ends, or the page's renderer is gone

	cancel   context.CancelFunc
	budget   time.Duration // the step's timeout
	maxPause time.Duration // the longest one piece of engine work holds the deadline
	look     time.Duration // what a piece of engine work costs on an idle machine: not given back

	mu        sync.Mutex
	deadline  time.Time
	timer     *time.Timer
	expired   bool
	busy      int       // pieces of engine work in flight (nested: a look within a look at popups)
	busySince time.Time // when the outermost one began
}

func newStepClock(parent context.Context, d, maxPause, look time.Duration) *stepClock {
	ctx, cancel := context.WithCancel(parent)
	c := &stepClock{Context: ctx, cancel: cancel, budget: d, maxPause: maxPause, look: look, deadline: time.Now().Add(d)}
	c.timer = time.AfterFunc(d, c.expire)
	return c
}

func (c *stepClock) expire() {
	c.mu.Lock()
	now := time.Now()
	switch {
	case c.expired:
		c.mu.Unlock()
		return
	case now.Before(c.deadline): // pushed back meanwhile
		c.timer.Reset(c.deadline.Sub(now))
		c.mu.Unlock()
		return
	case c.busy > 0 && now.Sub(c.busySince) < c.maxPause: // the engine is at work: the site's time stands still
		c.timer.Reset(c.busySince.Add(c.maxPause).Sub(now))
		c.mu.Unlock()
		return
	}
	c.expired = true
	c.mu.Unlock()
	c.cancel()
}

// Deadline is the current deadline, later than the first one by the engine's own time so far.
func (c *stepClock) Deadline() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if pd, ok := c.Context.Deadline(); ok && pd.Before(c.deadline) {
		return pd, true
	}
	return c.deadline, true
}

// Err says DeadlineExceeded when the step's own time ran out, as a context.WithTimeout would.
func (c *stepClock) Err() error {
	err := c.Context.Err()
	if err == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.expired {
		return context.DeadlineExceeded
	}
	return err
}

// work marks the start of a piece of engine work; the func it returns marks its end and gives what it took
// beyond an idle machine's cost (at most maxPause) back to the step.
func (c *stepClock) work() func() {
	c.mu.Lock()
	if c.busy == 0 {
		c.busySince = time.Now()
	}
	c.busy++
	c.mu.Unlock()
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.busy--
		if c.busy > 0 || c.expired {
			return
		}
		c.deadline = c.deadline.Add(min(max(time.Since(c.busySince)-c.look, 0), c.maxPause))
		c.timer.Reset(time.Until(c.deadline))
	}
}

func (c *stepClock) stop() {
	c.timer.Stop()
	c.cancel()
}

// heldOut tells whether engine work that took d ran past the longest hold of ctx's step clock: the step
// could end while it was still under way.
func heldOut(ctx context.Context, d time.Duration) bool {
	c, ok := ctx.(*stepClock)
	return ok && d >= c.maxPause
}

// engineTime runs f, the engine's own work within ctx's step: the site's time stands still meanwhile.
func engineTime(ctx context.Context, f func()) {
	defer engineWork(ctx)()
	f()
}

// engineWork marks engine work on ctx's step (when ctx is a step's); call the result when it is done.
func engineWork(ctx context.Context) func() {
	if c, ok := ctx.(*stepClock); ok {
		return c.work()
	}
	return func() {}
}
