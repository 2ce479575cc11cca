package run

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-rod/rod/lib/proto"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

// pointerStep locates the target under the pointer and acts on it like a person: a real mouse click (a tap
// on touch devices) on the part of it a click reaches (its centre when that is free), after checking that
// nothing else would get it, and counts the click only when it reached the target.
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
	if p.Chosen {
		// The locator means several elements, but only one of them can be used: that one is measured.
		var others []string
		var taken string
		for _, c := range p.Candidates {
			if c.Actionable {
				taken = c.String()
			} else {
				others = append(others, fmt.Sprintf("[%d] %s", c.Index, c))
			}
		}
		x.note(fmt.Sprintf("%s matches %d visible elements; the only one a person can activate was taken: %s "+
			"(also matched: %s)", st.Target, p.Count, truncate(taken, 120), truncate(strings.Join(others, "; "), 300)))
	}
	if p.AriaHidden {
		// A person can still click it, so the step goes on; a screen-reader user cannot reach it at all.
		x.note(fmt.Sprintf("%s is aria-hidden: assistive technology cannot reach it (clicked all the same)", st.Target))
	}
	x.record(ctx, &p)
	s.beginAction(ctx, x)
	if st.Action == scenario.Select {
		return x.selectStep(ctx, opts, &p)
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
	if st.Action == scenario.Hover {
		return nil // the pointer is on it
	}
	if err := x.click(ctx, opts, &p); err != nil {
		return err
	}
	if st.Action != scenario.Fill {
		x.rec.Clicks = 1 // a click that reached the target (focusing a field to type is no click)
	}
	if st.Control && x.track && p.Receives && p.CoveredBy != "" && p.VisibleFraction != nil {
		x.note(fmt.Sprintf("%s is partly covered by %s: a click reaches %.0f%% of it (clicked there)", st.Target,
			truncate(p.CoveredBy, 120), 100**p.VisibleFraction))
	}
	if st.Action != scenario.Fill {
		return nil
	}
	var focused bool
	if err := s.call(ctx, &focused, "focusForInput", toJS(st.Target)); err != nil {
		return err
	}
	if !focused {
		return fmt.Errorf("fill %s: the field did not take the focus", st.Target)
	}
	// insertText is what an input method does: it types Chinese as well as ASCII.
	return proto.InputInsertText{Text: st.Value}.Call(s.page(ctx))
}

// selectStep chooses an option of a <select> as a person does. On a touch device a person taps the select,
// the system's picker takes over the screen (a level of its own: Step.Picker) and the option is tapped in
// it: two taps. With a mouse the list opens in place over the page, and choosing counts as one click. The
// option itself is set from script, as the native picker is outside the page and no input event reaches it.
func (x *stepRun) selectStep(ctx context.Context, opts prepareOpts, p *prepared) error {
	s, st := x.s, x.st
	x.rec.Clicks = 1
	if s.r.dev.Touch {
		moved, err := x.aim(ctx, opts, p)
		if err != nil {
			return err
		}
		if moved {
			x.record(ctx, p)
		}
		if err := x.click(ctx, opts, p); err != nil {
			return err
		}
		x.rec.Clicks, x.rec.Picker = 2, true
	}
	var msg string
	if err := s.call(ctx, &msg, "selectOption", st.Value, toJS(st.Target)); err != nil {
		return err
	}
	if msg != "" {
		return fmt.Errorf("select %s: %s", st.Target, msg)
	}
	return nil
}

// note adds a remark about this step to the result, masked, once.
func (x *stepRun) note(msg string) {
	r := x.s.r
	n := r.sc.Mask(fmt.Sprintf("%s step %d (line %d): %s", x.phase, x.index+1, x.st.Line, msg))
	if !slices.Contains(r.res.Notes, n) {
		r.res.Notes = append(r.res.Notes, n)
	}
}

// prepare locates the target, scrolls it into view and finds where a click would reach it. A target that
// cannot be used yet is looked at again until the step's time is up, as a person would wait: loading
// overlays fade, countdown buttons enable themselves, late content shifts the layout. When time runs out,
// the last reason stands.
func (x *stepRun) prepare(ctx context.Context, opts prepareOpts, p *prepared) error {
	start := time.Now()
	var reason error
	stillSo := func() error {
		return fmt.Errorf("%w (still so after %s)", reason, stepBudget(ctx, start))
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
		case <-time.After(x.s.r.opt.Timing.RetryEvery):
		}
	}
}

// unusable says why the prepared target cannot be clicked now, or nil. A target that is there but cannot be
// used is blocked (a *blockedError), never missing; a locator that means several elements is ambiguous.
func (x *stepRun) unusable(p *prepared) error {
	t := x.st.Target
	switch {
	case p.Ambiguous:
		list := make([]string, len(p.Candidates))
		for i, c := range p.Candidates {
			list[i] = fmt.Sprintf("[%d] %s", c.Index, c)
		}
		more := ""
		if p.Count > len(p.Candidates) {
			more = fmt.Sprintf("; and %d more", p.Count-len(p.Candidates))
		}
		return &ambiguousError{msg: fmt.Sprintf("%s matches %d visible elements and none is the only one a person "+
			"can activate: %s%s; say which with nth: (from 0, in this order), within: or a narrower locator", t, p.Count,
			x.s.r.sc.Mask(truncate(strings.Join(list, "; "), 800)), more)}
	case !p.Found:
		return fmt.Errorf("%s disappeared before it could be used", t)
	case p.Disabled:
		return &blockedError{msg: fmt.Sprintf("%s is disabled: it cannot be used", t)}
	case p.Inert != "":
		return &blockedError{msg: fmt.Sprintf("%s is inert: %s, so a click cannot reach it", t, x.s.r.sc.Mask(truncate(p.Inert, 160)))}
	case p.PointerEventsNone:
		return &blockedError{msg: fmt.Sprintf("%s has pointer-events: none: a click cannot reach it", t)}
	case !p.Receives:
		return &blockedError{msg: fmt.Sprintf("%s is covered by %s: a click on any part of it would hit that instead", t,
			x.s.r.sc.Mask(truncate(p.CoveredBy, 120)))}
	}
	return nil
}

// aim brings the pointer onto the click point (touch screens have none: there it only checks) and makes sure
// the target is still under it; the probe then watches the press that follows (see click). A control that
// jumps when the pointer comes near, or that a late layout shift moved, is prepared again where it went,
// once; moved says so. One that moves again is blocked.
func (x *stepRun) aim(ctx context.Context, opts prepareOpts, p *prepared) (moved bool, err error) {
	s := x.s
	for attempt := 0; ; attempt++ {
		if !s.bc.Device().Touch {
			if err := s.move(ctx, p.X, p.Y); err != nil {
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
			return moved, &blockedError{msg: fmt.Sprintf("%s moved away from the pointer twice: a click at (%.0f, %.0f) would hit %s",
				x.st.Target, p.X, p.Y, s.r.sc.Mask(truncate(h.Hit, 120)))}
		}
		moved = true
		if err := x.prepare(ctx, opts, p); err != nil {
			return moved, err
		}
	}
}

// testBeforePress, when set (by tests only), runs between the hit test that clears a click and the press.
var testBeforePress func(ctx context.Context, s *session)

// click presses at the click point that aim cleared and counts the click only when it was delivered: the
// probe's listeners say where the press and the click landed. A control that moved between the hit test and
// the press, or ran from the press, took no click: it is measured again and clicked where it went, once;
// a second miss is blocked. A press whose events never reached the document (the page navigated away on
// it, or stopped the events first) counts as delivered, as far as the page can tell.
func (x *stepRun) click(ctx context.Context, opts prepareOpts, p *prepared) error {
	s := x.s
	for attempt := 0; ; attempt++ {
		if testBeforePress != nil {
			testBeforePress(ctx, s)
		}
		if err := s.pressAt(ctx, p.X, p.Y); err != nil {
			return err
		}
		d := s.delivery(ctx, x.st.Target, p.X, p.Y)
		if !d.Seen || d.Delivered {
			return nil
		}
		hit := s.r.sc.Mask(truncate(d.Hit, 120))
		if attempt == 1 {
			return &blockedError{msg: fmt.Sprintf("%s moved away from the click twice: the click at (%.0f, %.0f) reached %s",
				x.st.Target, p.X, p.Y, hit)}
		}
		x.note(fmt.Sprintf("%s moved away from the click at (%.0f, %.0f), which reached %s: measured again and "+
			"clicked where it went", x.st.Target, p.X, p.Y, hit))
		if err := x.prepare(ctx, opts, p); err != nil {
			return err
		}
		x.record(ctx, p)
		moved, err := x.aim(ctx, opts, p)
		if err != nil {
			return err
		}
		if moved {
			x.record(ctx, p)
		}
	}
}

// delivery asks the probe where the last press landed. A tap's click follows its touch events on its own
// (the browser makes it from the gesture), so on touch screens it is waited for a little; a page that
// cancels it is judged by the press alone. A probe that does not answer says nothing (seen false).
func (s *session) delivery(ctx context.Context, t *scenario.Target, x, y float64) delivered {
	dctx, cancel := context.WithTimeout(ctx, s.r.opt.Timing.Input)
	defer cancel()
	for {
		var d delivered
		if err := s.call(dctx, &d, "pressed", toJS(t), x, y); err != nil {
			return delivered{}
		}
		if !d.Seen || !d.Delivered || d.Click || !s.bc.Device().Touch {
			return d
		}
		select {
		case <-dctx.Done():
			return d
		case <-time.After(s.r.opt.Timing.Poll):
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
	c.CoveredBy, c.VisibleFraction = r.sc.Mask(truncate(p.CoveredBy, 120)), p.VisibleFraction
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

// move moves the mouse to (x, y) (Input coordinates).
func (s *session) move(ctx context.Context, x, y float64) error {
	move := proto.InputDispatchMouseEvent{Type: proto.InputDispatchMouseEventTypeMouseMoved, X: x, Y: y}
	if err := move.Call(s.page(ctx)); err != nil {
		return fmt.Errorf("mouse move: %w", err)
	}
	return nil
}

// pressAt clicks at (x, y), where aim has brought the mouse (no move in between that could make the page
// shift the target); on touch devices a click is a tap.
func (s *session) pressAt(ctx context.Context, x, y float64) error {
	if s.bc.Device().Touch {
		return s.press(ctx, "tap",
			proto.InputDispatchTouchEvent{Type: proto.InputDispatchTouchEventTypeTouchStart,
				TouchPoints: []*proto.InputTouchPoint{{X: x, Y: y}}},
			proto.InputDispatchTouchEvent{Type: proto.InputDispatchTouchEventTypeTouchEnd, TouchPoints: []*proto.InputTouchPoint{}})
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
