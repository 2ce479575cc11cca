package run

import (
	"context"
	"fmt"
	"time"

	"github.com/go-rod/rod/lib/proto"
)

// What a hostile or broken site can do to a run beyond failing a step: crash its renderer or freeze it in an
// endless script. Each ends the run with status site_error and a reason that says so, instead of a
// misleading "not visible" after every later call has waited out its own timeout. A definite signal (the
// renderer's crash event, a navigation's net error) always decides; "stopped responding" is said only when
// the page answered nothing over a whole liveness span, never from one slow answer on a loaded machine.

// health tells whether the page can still be driven after a step with timeout step failed: nil, errCrashed,
// or a "stopped responding" siteError. Once the page is found gone the verdict sticks, and the calls that
// would only wait out their own timeouts (screenshots, the page's text for a reason) are skipped.
func (s *session) health(ctx context.Context, step time.Duration) error {
	if s.gone != nil {
		return s.gone
	}
	if s.bc.Crashed() {
		s.gone = errCrashed
		return s.gone
	}
	span := s.r.opt.Timing.livenessSpan(step)
	answered, crashed := s.alive(ctx, span)
	switch {
	case crashed:
		s.gone = errCrashed
	case !answered:
		s.gone = &siteError{msg: fmt.Sprintf("the page stopped responding: it answered nothing for %s "+
			"(a script or the page's own work kept it busy)", span)}
	}
	return s.gone
}

// alive asks the page a trivial question until it answers or span is over; crashed reports the renderer's
// crash event if that came first. Errors that come back at once (a document between two lives) are asked
// again; only an unbroken silence over the whole span counts as no answer.
func (s *session) alive(ctx context.Context, span time.Duration) (answered, crashed bool) {
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), span)
	defer cancel()
	for {
		res := make(chan error, 1)
		go func() {
			_, err := proto.RuntimeEvaluate{Expression: "0", ReturnByValue: true}.Call(s.page(lctx))
			res <- err
		}()
		select {
		case <-s.bc.Lost():
			return false, true
		case err := <-res:
			if err == nil {
				s.answered = time.Now()
				return true, false
			}
		case <-lctx.Done():
			return false, s.bc.Crashed()
		}
		select {
		case <-s.bc.Lost():
			return false, true
		case <-lctx.Done():
			return false, s.bc.Crashed()
		case <-time.After(s.r.opt.Timing.Poll):
		}
	}
}

// settle waits, at a phase's start, until the page answers a trivial evaluation. A dialog the previous
// phase made the page show holds the page until it has been recorded and answered, so it cannot be counted
// in the new phase. A page that does not answer within Info is left to the phase's first step to judge.
func (s *session) settle(ctx context.Context) {
	if s.gone != nil || s.bc.Crashed() {
		return
	}
	s.alive(ctx, s.r.opt.Timing.Info)
}

// stepContext bounds one step by its timeout in the site's time (see stepClock) and ends it at once when
// the page's renderer goes away.
func (s *session) stepContext(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	c := newStepClock(ctx, d, s.r.opt.Timing.livenessSpan(d), s.r.opt.Timing.Look)
	go func() {
		select {
		case <-s.bc.Lost():
			c.cancel()
		case <-c.Done():
		}
	}()
	return c, c.stop
}
