package run

import (
	"context"
	"fmt"
	"time"

	"github.com/go-rod/rod/lib/proto"
)

// What a hostile or broken site can do to a run beyond failing a step: crash its renderer, freeze it in an
// endless script, or never be reachable at all. Each ends the run with status error and a reason that says
// so, instead of a misleading "not visible" after every later call has waited out its own timeout.

// respondTimeout is how long a page may take to answer a trivial evaluation before it counts as frozen. A
// page busy for a second between two of our calls is no page a person could use either.
const respondTimeout = time.Second

// health tells whether the page can still be driven: nil, errCrashed, or a "stopped responding" error.
// Once the page is found gone the verdict sticks, and the calls that would only wait out their own
// timeouts (screenshots, the page's text for a reason) are skipped.
func (s *session) health(ctx context.Context) error {
	if s.gone != nil {
		return s.gone
	}
	if s.bc.Crashed() {
		s.gone = errCrashed
		return s.gone
	}
	start := time.Now()
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), respondTimeout)
	defer cancel()
	_, err := proto.RuntimeEvaluate{Expression: "0", ReturnByValue: true}.Call(s.page(hctx))
	switch {
	case s.bc.Crashed():
		s.gone = errCrashed
	case err != nil && hctx.Err() != nil:
		since := start
		if !s.answered.IsZero() && s.answered.Before(start) {
			since = s.answered
		}
		s.gone = fmt.Errorf("the page stopped responding: a script kept it busy, no answer for %s",
			time.Since(since).Round(100*time.Millisecond))
	}
	return s.gone
}

// stepContext bounds one step by its timeout and ends it at once when the page's renderer goes away.
func (s *session) stepContext(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	sctx, cancel := context.WithTimeout(ctx, d)
	go func() {
		select {
		case <-s.bc.Lost():
			cancel()
		case <-sctx.Done():
		}
	}()
	return sctx, cancel
}
