package run

import (
	"context"
	"fmt"
	"time"

	"github.com/go-rod/rod"

	"github.com/cancelpath/cancelpath/audit/browser"
	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
	"github.com/cancelpath/cancelpath/evidence"
)

// Driver is a fresh, logged-in browser context that a caller drives one step at a time with the runner's
// own semantics (waiting, real pointer input, level detection). explore replays its branches with it.
type Driver struct {
	s   *session
	res *metrics.Result
}

// Open starts a context for sc on the device, logs in (login steps, or the saved session; with login false
// it only opens the start page) and stops on the landing page.
func Open(ctx context.Context, b Browser, sc *scenario.Scenario, device string, login bool, opt Options) (*Driver, error) {
	if opt.Clock == nil {
		opt.Clock = systemClock{}
	}
	if opt.OfferPattern == "" {
		opt.OfferPattern = DefaultOfferPattern
	}
	opt.Timing = opt.Timing.withDefaults()
	dev, err := browser.LookupDevice(device)
	if err != nil {
		return nil, err
	}
	res := &metrics.Result{ScenarioID: sc.ID, Site: sc.Site, Steps: []metrics.Step{}}
	r := &runner{sc: sc, dev: dev, opt: opt, b: b, res: res}
	if opt.OutDir != "" {
		r.evRel = evidence.Dir(sc.ID, dev.Name)
	}
	s, err := r.open(ctx, opening{login: login})
	if err != nil {
		return nil, fmt.Errorf("open %s on %s: %w", sc.ID, device, err)
	}
	return &Driver{s: s, res: res}, nil
}

// Do runs one step as a step of the cancel path: waits for its target, acts, and records it. The step's
// level is settled when the next step's target (or the condition given to Settle) appears.
func (d *Driver) Do(ctx context.Context, st scenario.Step, next *scenario.Condition) error {
	steps := []scenario.Step{st}
	index := 0
	for _, s := range d.res.Steps {
		if s.Phase == phaseCancel {
			index++
		}
	}
	err := d.s.steps(ctx, phaseCancel, steps, next)
	// steps numbers from 0 each call: renumber the recorded step to its place in the whole path.
	if n := len(d.res.Steps); n > 0 {
		d.res.Steps[n-1].Index = index
	}
	return err
}

// Settle waits (up to the scenario's step timeout) for c after the last step, crediting that step with a
// level when c was not visible before it. It reports whether c appeared.
func (d *Driver) Settle(ctx context.Context, c *scenario.Condition) (bool, error) {
	sctx, cancel := context.WithTimeout(ctx, d.s.r.sc.Timeouts.Step)
	defer cancel()
	ok, err := d.s.waitFor(sctx, c)
	if ok {
		d.s.creditLevel(ctx)
	}
	return ok, err
}

// Steps are the steps done so far, with their clicks and levels.
func (d *Driver) Steps() []metrics.Step { return d.res.Steps }

// Page is the tab being driven (it changes when the flow opens a popup).
func (d *Driver) Page() *rod.Page { return d.s.bc.Page() }

// Dialogs are the JS dialogs accepted so far.
func (d *Driver) Dialogs() []metrics.Dialog {
	d.s.r.mu.Lock()
	defer d.s.r.mu.Unlock()
	return append([]metrics.Dialog(nil), d.res.Dialogs...)
}

// Close disposes of the context.
func (d *Driver) Close() { d.s.close() }

// FollowNewPage switches to a page the last action opened (window.open from a button, say), when one
// appears within the given time, and reports whether it did. Do follows a popup by itself when the next
// step's target shows up in it; explore, which has no next target to wait for, asks after its last action.
func (d *Driver) FollowNewPage(ctx context.Context, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for {
		pages, err := d.s.bc.Popups(ctx)
		if err == nil && len(pages) > 0 {
			d.s.bc.SwitchTo(pages[0]) // newest first
			d.s.popupSwitched = true
			return true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}
