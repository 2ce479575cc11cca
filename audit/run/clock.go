package run

import (
	"context"
	"sync"
	"time"
)

// stepClock is a step's deadline counted in the site's time: the time the engine spends on its own work
// (looking at the page through the probe, screenshots, input events) is added back, so a busy machine that
// makes each look slow does not use up the time the step gives the site. A page that never answers gets
// no more time than the step's timeout: a call that hangs is not added back until it returns. The run's
// own deadline (the scenario's timeout) still bounds everything.
type stepClock struct {
	context.Context // cancelled when the deadline passes, the parent ends, or the page's renderer is gone

	cancel   context.CancelFunc
	budget   time.Duration // the step's timeout
	mu       sync.Mutex
	deadline time.Time
	timer    *time.Timer
	expired  bool
}

func newStepClock(parent context.Context, d time.Duration) *stepClock {
	ctx, cancel := context.WithCancel(parent)
	c := &stepClock{Context: ctx, cancel: cancel, budget: d, deadline: time.Now().Add(d)}
	c.timer = time.AfterFunc(d, c.expire)
	return c
}

func (c *stepClock) expire() {
	c.mu.Lock()
	late := time.Now().Before(c.deadline) // pushed back meanwhile
	if late {
		c.timer.Reset(time.Until(c.deadline))
	} else {
		c.expired = true
	}
	c.mu.Unlock()
	if !late {
		c.cancel()
	}
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

// charge gives the site back d of the engine's own time.
func (c *stepClock) charge(d time.Duration) {
	if d <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.expired {
		c.deadline = c.deadline.Add(d)
	}
}

func (c *stepClock) stop() {
	c.timer.Stop()
	c.cancel()
}

// engineTime runs f, the engine's own work within ctx's step, and gives its time back to the step.
func engineTime(ctx context.Context, f func()) {
	defer chargeSince(ctx, time.Now())
	f()
}

// chargeSince gives ctx's step back the time since start (when ctx is a step's).
func chargeSince(ctx context.Context, start time.Time) {
	if c, ok := ctx.(*stepClock); ok {
		c.charge(time.Since(start))
	}
}
