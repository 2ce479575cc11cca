package run

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-rod/rod/lib/proto"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

// retryEvery is how often a target that cannot be used yet (covered, disabled, moving) is looked at again.
const retryEvery = 100 * time.Millisecond

// pointerStep locates the target under the pointer and acts on it like a person: a real mouse click (a tap
// on touch devices) at the centre of its visible part, after checking that nothing else would get it.
func (x *stepRun) pointerStep(ctx context.Context) error {
	s, st, r := x.s, x.st, x.s.r
	opts := prepareOpts{Scroll: true, Measure: st.Control || x.confirm}
	if x.confirm {
		opts.Offers = r.opt.OfferPattern
	}
	s.front(ctx)
	var p prepared
	if err := x.prepare(ctx, opts, &p); err != nil {
		return err
	}
	if p.AriaHidden {
		// A person can still click it, so the step goes on; a screen-reader user cannot reach it at all.
		r.res.Notes = append(r.res.Notes, r.sc.Mask(fmt.Sprintf("%s step %d (line %d): %s is aria-hidden: assistive "+
			"technology cannot reach it (clicked all the same)", x.phase, x.index+1, st.Line, st.Target)))
	}
	x.record(ctx, &p)
	s.beginAction(ctx, x)
	if st.Action == scenario.Select {
		x.rec.Clicks = 1
		var msg string
		if err := s.call(ctx, &msg, "selectOption", st.Value); err != nil {
			return err
		}
		if msg != "" {
			return fmt.Errorf("select %s: %s", st.Target, msg)
		}
		return nil
	}
	if (st.Action == scenario.Check || st.Action == scenario.Uncheck) && p.Checked == (st.Action == scenario.Check) {
		return nil // already as wanted: no click
	}
	moved, err := x.aim(ctx, opts, &p)
	if err != nil {
		return err
	}
	if moved {
		x.record(ctx, &p) // measured again where it went: that is where it is clicked
	}
	switch st.Action {
	case scenario.Hover:
		return nil // the pointer is on it
	case scenario.Fill:
		if err := s.pointer(ctx, p.X, p.Y, true); err != nil {
			return err
		}
		var focused bool
		if err := s.call(ctx, &focused, "focusForInput"); err != nil {
			return err
		}
		if !focused {
			return fmt.Errorf("fill %s: the field did not take the focus", st.Target)
		}
		// insertText is what an input method does: it types Chinese as well as ASCII.
		return proto.InputInsertText{Text: st.Value}.Call(s.page(ctx))
	default:
		x.rec.Clicks = 1
		return s.pointer(ctx, p.X, p.Y, true)
	}
}

// prepare locates the target, scrolls it into view and checks that a click at its centre would reach it.
// A target that cannot be used yet is looked at again until the step's time is up, as a person would wait:
// loading overlays fade, countdown buttons enable themselves, late content shifts the layout. When time
// runs out, the last reason stands.
func (x *stepRun) prepare(ctx context.Context, opts prepareOpts, p *prepared) error {
	start := time.Now()
	var reason error
	stillSo := func() error {
		return fmt.Errorf("%w (still so after %s)", reason, time.Since(start).Round(100*time.Millisecond))
	}
	for {
		*p = prepared{}
		if err := x.s.call(ctx, p, "prepare", toJS(x.st.Target), opts); err != nil {
			if reason != nil && ctx.Err() != nil {
				return stillSo()
			}
			return err
		}
		if reason = x.unusable(p); reason == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return stillSo()
		case <-time.After(retryEvery):
		}
	}
}

// unusable says why the prepared target cannot be clicked now, or nil.
func (x *stepRun) unusable(p *prepared) error {
	t := x.st.Target
	switch {
	case !p.Found:
		return fmt.Errorf("%s disappeared before it could be used", t)
	case p.Disabled:
		return fmt.Errorf("%s is disabled: it cannot be used", t)
	case p.PointerEventsNone:
		return fmt.Errorf("%s has pointer-events: none: a click cannot reach it", t)
	case !p.Receives:
		return fmt.Errorf("%s is covered by %s: a click at its centre would hit that instead", t,
			x.s.r.sc.Mask(truncate(p.CoveredBy, 120)))
	}
	return nil
}

// aim brings the pointer onto the target (touch screens have none: there it only checks) and makes sure the
// target is still under it. A control that jumps when the pointer comes near, or that a late layout shift
// moved, is prepared again where it went, once; moved says so. One that moves again is a finding.
func (x *stepRun) aim(ctx context.Context, opts prepareOpts, p *prepared) (moved bool, err error) {
	s := x.s
	for attempt := 0; ; attempt++ {
		if !s.bc.Device().Touch {
			if err := s.pointer(ctx, p.X, p.Y, false); err != nil {
				return moved, err
			}
		}
		var h hitResult
		if err := s.call(ctx, &h, "hits", p.X, p.Y); err != nil {
			return moved, err
		}
		if h.Receives {
			return moved, nil
		}
		if attempt == 1 {
			return moved, fmt.Errorf("%s moved away from the pointer twice: a click at (%.0f, %.0f) would hit %s",
				x.st.Target, p.X, p.Y, s.r.sc.Mask(truncate(h.Hit, 120)))
		}
		moved = true
		if err := x.prepare(ctx, opts, p); err != nil {
			return moved, err
		}
	}
}

// record takes the step's screenshot and, for the control and the final confirm button, their measurements.
func (x *stepRun) record(ctx context.Context, p *prepared) {
	s, st, r := x.s, x.st, x.s.r
	shot := s.shot(ctx, fmt.Sprintf("%s-%d", x.phase, x.index), &p.Box)
	x.rec.Screenshot = shot
	if st.Control && x.track {
		x.recordControl(ctx, p, shot)
	}
	if x.confirm && p.Measure != nil {
		r.res.Confirm = &metrics.Confirm{Label: r.sc.Mask(p.Measure.Label), InViewportOnArrival: p.InViewportOnArrival,
			Offers: p.OfferText != "", OfferText: r.sc.Mask(p.OfferText), URL: maskVariants(r.sc, p.URL)}
	}
}

func (x *stepRun) recordControl(ctx context.Context, p *prepared, shot string) {
	r := x.s.r
	c := &metrics.Control{Box: p.Box, InViewportOnArrival: p.InViewportOnArrival, URL: maskVariants(r.sc, p.URL), Screenshot: shot, Tag: p.Tag}
	if m := p.Measure; m != nil {
		c.Label, c.Role, c.Tag = r.sc.Mask(m.Label), m.Role, m.Tag
		c.ContrastRatio, c.FontSizePX, c.TargetSize, c.SizeRatio = m.Contrast, m.FontSize, m.TargetSize, m.SizeRatio
		c.InFrame, c.InShadow = m.InFrame, m.InShadow
		if m.LargestOther != nil {
			c.LargestOtherButton = &metrics.OtherButton{Label: r.sc.Mask(m.LargestOther.Label), Box: m.LargestOther.Box}
		}
	}
	r.res.Control = c
	x.s.snapshot(ctx)
}

// pointer moves the mouse to (x, y) and, if click, presses and releases it; on touch devices a click is a tap.
func (s *session) pointer(ctx context.Context, x, y float64, click bool) error {
	if click && s.bc.Device().Touch {
		return s.press(ctx, "tap",
			proto.InputDispatchTouchEvent{Type: proto.InputDispatchTouchEventTypeTouchStart,
				TouchPoints: []*proto.InputTouchPoint{{X: x, Y: y}}},
			proto.InputDispatchTouchEvent{Type: proto.InputDispatchTouchEventTypeTouchEnd, TouchPoints: []*proto.InputTouchPoint{}})
	}
	move := proto.InputDispatchMouseEvent{Type: proto.InputDispatchMouseEventTypeMouseMoved, X: x, Y: y}
	if err := move.Call(s.page(ctx)); err != nil {
		return fmt.Errorf("mouse move: %w", err)
	}
	if !click {
		return nil
	}
	return s.press(ctx, "click",
		proto.InputDispatchMouseEvent{Type: proto.InputDispatchMouseEventTypeMousePressed, X: x, Y: y,
			Button: proto.InputMouseButtonLeft, Buttons: &leftPressed, ClickCount: 1},
		proto.InputDispatchMouseEvent{Type: proto.InputDispatchMouseEventTypeMouseReleased, X: x, Y: y,
			Button: proto.InputMouseButtonLeft, ClickCount: 1})
}

// inputEvent is a CDP input event: a mouse or a touch event.
type inputEvent interface{ Call(c proto.Client) error }

// press sends the events of one click or tap. A page that navigates away on mousedown or touchstart may
// leave the browser waiting for an acknowledgement that never comes, or refusing the rest of the click,
// because the document that received the press is gone. So each event gets a short wait, and an event that
// was not acknowledged (or, after the first, refused) counts as delivered when the page still answers
// afterwards; when it does not, the page is frozen and the step fails for that reason.
func (s *session) press(ctx context.Context, what string, events ...inputEvent) error {
	for i, e := range events {
		ectx, cancel := context.WithTimeout(ctx, s.r.opt.Timing.Input)
		err := e.Call(s.page(ectx))
		unacknowledged := errors.Is(ectx.Err(), context.DeadlineExceeded)
		cancel()
		switch {
		case err == nil:
		case ctx.Err() != nil:
			return fmt.Errorf("%s: %w", what, err)
		case (unacknowledged || i > 0) && s.health(ctx, 0) == nil:
			// delivered, as far as the page can tell
		default:
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	return nil
}

// front brings the driven tab to the front. A popup the page opened on its own (an ad) takes the front, and
// a tab behind it gets no frames: input events and screenshots would wait for one in vain.
func (s *session) front(ctx context.Context) {
	_ = proto.PageBringToFront{}.Call(s.page(ctx))
}

// leftPressed is the Buttons bit mask of a pressed left button.
var leftPressed = 1
