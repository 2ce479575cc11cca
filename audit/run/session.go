package run

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"github.com/cancelpath/cancelpath/audit/browser"
	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
	"github.com/cancelpath/cancelpath/audit/terms"
)

// stepError ends a run at a step; status is what the failure says about the site (see judge).
type stepError struct {
	phase       string
	index, line int
	msg         string
	status      metrics.Status
}

func (e *stepError) Error() string {
	switch e.phase {
	case phaseDone:
		return "done state: " + e.msg
	case phaseDeadEnd:
		return "dead end: " + e.msg
	}
	return fmt.Sprintf("%s step %d (line %d): %s", e.phase, e.index+1, e.line, e.msg)
}

// levelWatch remembers, for the action(s) since the last target appeared, what the screen showed before
// them: the document, its URL, and (in the page) where the next target's look-alikes stood and the lines of
// text on the screen. When the next target appears, the comparison says whether the action opened a level.
type levelWatch struct {
	before pageState
	next   *scenario.Target // what should appear next; nil for a URL condition or the end
	action int              // index in Result.Steps of the latest action: it gets the credit
	// repeat: the next target is worded as the one just acted on ("继续取消" on two screens in a row): the
	// one still in view is the old screen's until the page shows something new.
	repeat bool
}

// session is one browser context driven through steps.
type session struct {
	r  *runner
	bc *browser.Context

	pending       *levelWatch
	popupSwitched bool

	watchSubscribe *metrics.Subscribe
	disclosureSeen bool
	autorenewRead  bool

	scrolled   int  // screens scrolled down in the current wait (see waitFor)
	scrollGrew bool // the page grew while scrolled

	stepNavs      int // the context's document commits when the current step began
	downloadsSeen int // downloads already accounted for: a later one is the site answering with a file

	stopAtControl bool
	controlSeen   bool

	// optionsFrom is the first record in Result.Steps that no read of a screen's options covers yet; a
	// level credited there or later shows a screen to read (see readOptions). optionsMissed: a read failed.
	optionsFrom   int
	optionsMissed bool

	pr          *Script
	urlPatterns map[string]*regexp.Regexp        // compiled url conditions
	popupPr     map[proto.TargetTargetID]*Script // probes of the pages the flow opened, until one is followed

	// gone is set once the page is found crashed or frozen (see health): later calls are not attempted.
	gone     error
	answered time.Time // when the page last answered a probe call
}

// close disposes of the context; a page found frozen is stopped first, so that its renderer does not go on
// spinning while the next run starts.
func (s *session) close() {
	if t := s.r.traffic; t != nil && t.s == s {
		t.stop() // its bodies can be read only while the pages live
	}
	if s.gone != nil {
		s.bc.Abort()
	}
	s.bc.Close()
}

// call runs an operation of the in-page probe on the current tab.
func (s *session) call(ctx context.Context, out any, op string, args ...any) error {
	var err error
	engineTime(ctx, func() { err = s.pr.Call(ctx, s.page(ctx), out, op, args...) })
	if err == nil {
		s.answered = time.Now()
	}
	return err
}

// page is the current tab bound to ctx: every CDP call made through it ends when ctx does.
func (s *session) page(ctx context.Context) *rod.Page { return s.bc.Page().Context(ctx) }

func (s *session) stepTimeout(st *scenario.Step) time.Duration {
	if st != nil && st.Timeout > 0 {
		return st.Timeout
	}
	return s.r.sc.Timeouts.Step
}

// steps runs one phase. end is the condition that follows the last step (the done state of the cancel
// phase), used to tell whether the last action opened a level.
func (s *session) steps(ctx context.Context, phase string, all []scenario.Step, end *scenario.Condition) error {
	res := s.r.res
	track := phase == phaseCancel
	// Steps for other devices are not run and take no part in counting: neither in levels (what comes
	// next) nor in finding the control or the final confirm button. Records keep the scenario's numbering.
	var steps []scenario.Step
	var number []int
	for i := range all {
		if all[i].AppliesTo(s.r.dev.Name) {
			steps, number = append(steps, all[i]), append(number, i)
		}
	}
	confirm := -1 // the last click after the control: the final confirm button
	if track {
		seenControl := false
		for i, st := range steps {
			seenControl = seenControl || st.Control
			if seenControl && !st.Control && st.Action.IsClick() {
				confirm = i
			}
		}
	}
	if len(steps) > 0 {
		s.settle(ctx)
	}
	for i := range steps {
		st := &steps[i]
		s.r.setPhase(phase, number[i])
		rec := metrics.Step{Phase: phase, Index: number[i], Line: st.Line, Action: string(st.Action), Control: st.Control,
			StartedAt: s.r.opt.Clock.Now()}
		if st.Target != nil {
			rec.Target = s.r.sc.Mask(st.Target.String())
		}
		s.beginStep()
		sctx, cancel := s.stepContext(ctx, s.stepTimeout(st))
		x := &stepRun{s: s, st: st, rec: &rec, phase: phase, index: number[i], track: track, confirm: i == confirm,
			next: nextCondition(steps, i, end)}
		err := x.do(sctx)
		cancel()
		rec.DurationMS = s.r.opt.Clock.Now().Sub(rec.StartedAt).Milliseconds()
		if err != nil {
			status, msg := s.judge(ctx, err, s.stepTimeout(st), phase, track && isControlAhead(steps, i))
			se := &stepError{phase: phase, index: number[i], line: st.Line, msg: msg, status: status}
			rec.Error = s.r.sc.Mask(se.msg)
			rec.Screenshot = s.shot(ctx, fmt.Sprintf("%s-%d-failed", phase, number[i]), nil)
			rec.URL = s.url(ctx)
			res.Steps = append(res.Steps, rec)
			se.msg = rec.Error
			if status != metrics.StatusSiteError {
				se.msg += s.pageShows(ctx)
			}
			return se
		}
		rec.URL = s.url(ctx)
		res.Steps = append(res.Steps, rec)
		if s.stopAtControl && st.Control {
			return nil
		}
	}
	return nil
}

// isControlAhead: the step at i is the control itself, or nothing but waits stand between it and the control.
func isControlAhead(steps []scenario.Step, i int) bool {
	for j := i; j < len(steps); j++ {
		if steps[j].Control {
			return true
		}
		if steps[j].Action.IsUserAction() {
			return false
		}
	}
	return false
}

// judge says what a failed step means for the run: its status and its reason. A definite signal decides
// first (the error's own type: a net error, a crash, a blocked or out-of-reach target); then whether the
// page still answers at all (health) and what the browser knows of its document; then the scenario's
// deadline; then what the page showed. Only a wait
// for the control's screen that ran out on a live, whole page of the site itself, with nothing left out of
// reach, is no_control. controlAhead: the step is the control, or only waits stand before it.
func (s *session) judge(ctx context.Context, err error, step time.Duration, phase string, controlAhead bool) (metrics.Status, string) {
	msg := err.Error()
	if s.bc.Disconnected() {
		// The whole browser went away (killed, or a remote endpoint lost): no finding about the site.
		s.gone = errBrowserLost
		return metrics.StatusError, errBrowserLost.Error()
	}
	if st := classify(err); st != "" {
		if st == metrics.StatusSiteError && s.gone == nil && errors.Is(err, errCrashed) {
			s.gone = errCrashed
		}
		return s.inPhase(phase, st, msg)
	}
	// What the browser knows of the page (crashed, frozen, an error page, a download, a loop) is the reason
	// even when the scenario's deadline passed meanwhile.
	if gone := s.health(ctx, step); gone != nil {
		return s.inPhase(phase, metrics.StatusSiteError, gone.Error())
	}
	if trouble := s.pageTrouble(ctx); trouble != nil {
		return s.inPhase(phase, classify(trouble), trouble.Error())
	}
	if ctx.Err() != nil {
		return metrics.StatusError, fmt.Sprintf("scenario deadline of %s exceeded (%s)", s.r.sc.Timeouts.Scenario, msg)
	}
	if errors.Is(err, errLookCut) {
		return metrics.StatusError, msg // the tool could not finish looking: no finding either way
	}
	if !errors.Is(err, errNotVisible) {
		return s.inPhase(phase, metrics.StatusFailed, msg)
	}
	if s.scrolled > 0 {
		msg += s.scrollNote()
	}
	if controlAhead {
		if frames := s.closedFrames(ctx); frames != "" {
			return metrics.StatusOutOfReach, msg + "; " + frames
		}
		return metrics.StatusNoControl, msg
	}
	return s.inPhase(phase, metrics.StatusFailed, msg)
}

// inPhase adjusts a status to the phase it happened in: a login, or the steps that prepare the account,
// that did not go through mean the tool could not look at the member area (out_of_reach), whatever the
// step's own failure.
func (s *session) inPhase(phase string, st metrics.Status, msg string) (metrics.Status, string) {
	if st == metrics.StatusSiteError || st == metrics.StatusError {
		return st, msg
	}
	switch phase {
	case phaseLogin:
		return metrics.StatusOutOfReach, "the login did not go through: " + msg
	case phaseBeforeCancel, phaseBeforeSubscribe:
		return metrics.StatusOutOfReach, "the steps that prepare the account did not go through: " + msg
	}
	return st, msg
}

// beginStep notes where the context stands when a step begins (see pageTrouble).
func (s *session) beginStep() {
	s.stepNavs = s.bc.Navigations()
}

// downloaded: the site answered with a file where a page was awaited (a download started since the last
// one accounted for), or nil.
func (s *session) downloaded() error {
	d := s.bc.Downloads()
	if len(d) <= s.downloadsSeen {
		return nil
	}
	s.downloadsSeen = len(d)
	last := d[len(d)-1]
	return &outOfReachError{msg: maskVariants(s.r.sc, describeDownload(last.URL, last.SuggestedFilename))}
}

// redirectLoop is how many documents a page may commit during one step before the engine asks whether it
// ever settles (a script that redirects or reloads it on every load). Real sites redirect two or three
// times on the way to a page, then stay.
const redirectLoop = 4

// stillMoving tells whether the page commits yet another document within a liveness span: a page that
// redirects forever does, whatever the machine's load; one that has settled does not.
func (s *session) stillMoving() bool {
	from := s.bc.Navigations()
	deadline := time.Now().Add(s.r.opt.Timing.LivenessMin)
	for time.Now().Before(deadline) {
		if s.bc.Navigations() > from {
			return true
		}
		time.Sleep(s.r.opt.Timing.Poll)
	}
	return s.bc.Navigations() > from
}

// pageTrouble tells what the browser knows went wrong with the page's document, or nil: a download instead
// of a page, Chromium's error page instead of the site, a document that arrived only in part, a script
// that moves the page on forever. Each is a definite signal from the browser, not a guess from a timeout.
func (s *session) pageTrouble(ctx context.Context) error {
	if err := s.downloaded(); err != nil {
		return err
	}
	if n := s.bc.Navigations() - s.stepNavs; n >= redirectLoop && s.stillMoving() {
		return &siteError{msg: "the page never settled: it kept moving on to new documents during the step and " +
			"was still moving after it (a script that redirects or reloads it on every load)"}
	}
	if f := s.bc.DocumentFailure(); f != nil {
		if f.Committed {
			return &siteError{msg: maskVariants(s.r.sc, fmt.Sprintf("only part of %s arrived: the connection broke "+
				"off while the page was loading (%s)", f.URL, f.Error))}
		}
		return &siteError{msg: maskVariants(s.r.sc, describeNetError(f.URL, f.Error))}
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.r.opt.Timing.Info)
	defer cancel()
	var st pageState
	if s.call(sctx, &st, "state") == nil && strings.HasPrefix(st.URL, "chrome-error:") {
		return s.errorPage(sctx)
	}
	return nil
}

// errorPage is the site error Chromium's own error page stands for: the failed load's net error when the
// browser reported it, else what the error page says.
func (s *session) errorPage(ctx context.Context) error {
	if f := s.bc.DocumentFailure(); f != nil && !f.Committed {
		return &siteError{msg: maskVariants(s.r.sc, describeNetError(f.URL, f.Error))}
	}
	var sr screenResult
	_ = s.call(ctx, &sr, "screen")
	return &siteError{msg: maskVariants(s.r.sc, "the browser shows its error page instead of the site: "+truncate(sr.Text, 200))}
}

// closedFrames names the frames on the page that the locators cannot enter, or "".
func (s *session) closedFrames(ctx context.Context) string {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.r.opt.Timing.Info)
	defer cancel()
	var fs []closedFrame
	if s.call(sctx, &fs, "closedFrames") != nil || len(fs) == 0 {
		return ""
	}
	var parts []string
	for _, f := range fs {
		parts = append(parts, fmt.Sprintf("%s (%d×%d)", f.Origin, f.Width, f.Height))
	}
	return maskVariants(s.r.sc, "the page shows frames the tool cannot look into (another origin): "+
		strings.Join(parts, ", ")+"; the control may be inside one")
}

// scrollNote says how far a wait scrolled before giving up.
func (s *session) scrollNote() string {
	if s.scrolled >= maxScroll {
		return fmt.Sprintf(" (scrolled down %d screens, as a person would, and stopped there)", s.scrolled)
	}
	return " (scrolled down to the bottom of the page, as a person would)"
}

// nextCondition is what should become visible after step i's action: the next step's target, or end.
func nextCondition(steps []scenario.Step, i int, end *scenario.Condition) *scenario.Condition {
	for j := i + 1; j < len(steps); j++ {
		st := steps[j]
		if st.Target != nil && !(st.Action == scenario.Expect && st.Absent) {
			return &scenario.Condition{Target: st.Target}
		}
	}
	return end
}

// stepRun is one step being carried out.
type stepRun struct {
	s       *session
	st      *scenario.Step
	rec     *metrics.Step
	phase   string
	index   int
	track   bool // count levels (cancel phase)
	confirm bool // measure as the final confirm button
	next    *scenario.Condition
}

func (x *stepRun) do(ctx context.Context) error {
	s, st := x.s, x.st
	if s.watchSubscribe != nil {
		s.observeSubscribe(ctx, false)
	}
	if st.Target != nil && !(st.Action == scenario.Expect && st.Absent) {
		ok, err := s.waitFor(ctx, &scenario.Condition{Target: st.Target})
		if err != nil {
			return err
		}
		if !ok {
			if st.Optional {
				x.rec.Skipped = true
				return nil
			}
			return fmt.Errorf("%s: %w within %s", st.Target, errNotVisible, x.s.stepTimeout(st))
		}
		if s.scrolled > 0 {
			s.r.res.Notes = append(s.r.res.Notes, s.r.sc.Mask(fmt.Sprintf("%s step %d (line %d): %s appeared only "+
				"after scrolling down, as a person would", x.phase, x.index+1, st.Line, st.Target)))
		}
		if w := s.pending; w != nil && w.repeat {
			s.awaitNewScreen(ctx, w)
		}
		s.creditLevel(ctx)
		x.readOptions(ctx) // a new screen after the control: what it offers, before this step answers it
		if s.watchSubscribe != nil {
			s.observeSubscribe(ctx, true) // the page holding the box is here: read it before this step touches it
		}
		if s.stopAtControl && st.Control {
			s.controlSeen = true
			return nil
		}
	}
	switch st.Action {
	case scenario.Goto:
		u, err := s.resolve(st.URL)
		if err != nil {
			return err
		}
		s.beginAction(ctx, x)
		return s.navigate(ctx, u)
	case scenario.Click, scenario.Check, scenario.Uncheck, scenario.Select, scenario.Hover, scenario.Fill:
		return x.pointerStep(ctx)
	case scenario.Press:
		key, ok := keys[st.Value]
		if !ok {
			return fmt.Errorf("press: unknown key %q", st.Value)
		}
		s.beginAction(ctx, x)
		return s.page(ctx).Keyboard.Type(key)
	case scenario.Wait:
		select {
		case <-time.After(st.Duration):
			return nil
		case <-ctx.Done():
			return fmt.Errorf("wait %s: %w", st.Duration, ctx.Err())
		}
	case scenario.WaitFor:
		return nil // waited for above
	case scenario.Expect:
		if !st.Absent {
			return nil
		}
		return s.waitAbsent(ctx, st.Target)
	case scenario.Screenshot:
		x.rec.Screenshot = s.shot(ctx, st.Name, nil)
		return nil
	}
	return fmt.Errorf("unsupported action %q", st.Action)
}

// beginAction notes, before an action, what the screen shows (see levelWatch). Only the first action since
// the last target appeared takes the mark: a fill, a fill and a click together open one level at most.
func (s *session) beginAction(ctx context.Context, x *stepRun) {
	if s.pending == nil {
		w := &levelWatch{}
		if x.next != nil {
			w.next = x.next.Target
		}
		_ = s.call(ctx, &w.before, "mark", toJS(w.next))
		w.repeat = w.next != nil && x.st.Target != nil && w.next.String() == x.st.Target.String()
		s.pending = w
		s.popupSwitched = false
	}
	s.pending.action = len(s.r.res.Steps)
	if !x.track {
		s.pending.action = -1 // levels are counted on the cancel path only
	}
}

// creditLevel is called when an awaited target has appeared: the latest action opened a level when the
// page shows another document (navigation), another route of the same document (route), the target where
// nothing with its label stood before (reveal: a menu, dialog, panel or frame opened), or, at the same URL,
// a screen whose lines of text are mostly new (screen: a single-page app's next step). What the next locator
// says does not matter: the same button text on two screens in a row is two screens.
func (s *session) creditLevel(ctx context.Context) {
	w := s.pending
	s.pending = nil
	if w == nil || w.action < 0 || w.action >= len(s.r.res.Steps) {
		return
	}
	var now changedState
	if err := s.call(ctx, &now, "changed", toJS(w.next)); err != nil {
		return
	}
	kind := ""
	switch {
	case s.popupSwitched || now.Origin != w.before.Origin:
		kind = "navigation"
	case now.URL != w.before.URL:
		kind = "route"
	case !now.Marked:
		return // the page's helper was installed anew in the same document: nothing to compare with
	case now.Overlap < newScreenOverlap:
		kind = "screen"
	case now.NewTarget:
		kind = "reveal"
	default:
		return
	}
	st := &s.r.res.Steps[w.action]
	st.Level, st.LevelKind = true, kind
}

// awaitNewScreen waits, up to half of the step's remaining time, until the page shows something other than
// the screen of the action w watches: another document or route, the target somewhere new, or new text. A
// page that changes nothing in that time is taken as it is.
func (s *session) awaitNewScreen(ctx context.Context, w *levelWatch) {
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, time.Now().Add(time.Until(dl)/2))
		defer cancel()
	}
	for {
		var now changedState
		err := s.call(ctx, &now, "changed", toJS(w.next))
		if err == nil && (s.popupSwitched || now.Origin != w.before.Origin || now.URL != w.before.URL || !now.Marked ||
			now.NewTarget || now.Overlap < newScreenOverlap) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(s.r.opt.Timing.Poll):
		}
	}
}

// look is one look for a condition, without waiting.
type look struct {
	ok      bool
	pending bool   // seen only on a document that is on its way out
	url     string // of the page looked at
}

// check tells without waiting whether the condition holds now.
func (s *session) check(ctx context.Context, c *scenario.Condition) (bool, error) {
	l, err := s.look(ctx, c)
	return l.ok && !l.pending, err
}

func (s *session) look(ctx context.Context, c *scenario.Condition) (look, error) {
	if c.Target != nil {
		var pr probeResult
		if err := s.call(ctx, &pr, "probe", toJS(c.Target)); err != nil {
			return look{}, err
		}
		return look{ok: pr.OK, pending: pr.Pending, url: pr.URL}, nil
	}
	re, ok := s.urlPatterns[c.URL]
	if !ok { // compiled once per session: waits poll this many times
		var err error
		if re, err = regexp.Compile(c.URL); err != nil {
			return look{}, fmt.Errorf("%w %q: %w", errURLPattern, c.URL, err)
		}
		if s.urlPatterns == nil {
			s.urlPatterns = map[string]*regexp.Regexp{}
		}
		s.urlPatterns[c.URL] = re
	}
	var st pageState
	if err := s.call(ctx, &st, "state"); err != nil {
		return look{}, err
	}
	return look{ok: re.MatchString(st.URL), url: st.URL}, nil
}

// waitFor polls the condition until it holds or ctx ends (false, nil). Popups opened meanwhile are followed.
// Errors that retrying cannot mend (a selector the browser rejects, Chromium's error page instead of the
// site, a download instead of a page) end the wait at once. A target seen only on a document the page is
// leaving is not taken: the next screen is on its way. A target that is not there yet is also looked for
// further down, one screen per look, as a person would scroll (pages that load more as they scroll); when
// it turns up the page goes back to where it was, and s.scrolled says how far the search went.
func (s *session) waitFor(ctx context.Context, c *scenario.Condition) (bool, error) {
	t := s.r.opt.Timing
	s.scrolled, s.scrollGrew = 0, false
	scrollDone := c.Target == nil
	scrollFrom := -1.0
	defer func() {
		if scrollFrom >= 0 {
			_ = s.call(context.WithoutCancel(ctx), nil, "scrollTo", scrollFrom)
		}
	}()
	delay := 10 * time.Millisecond
	leaving := false
	for {
		lookStart := time.Now()
		l, err := s.look(ctx, c)
		// The step's end cut this look short although the clock held for it (it ran longer than a span):
		// it says nothing. A look that merely began as the step ended is no such case.
		cut := err != nil && ctx.Err() != nil && heldOut(ctx, time.Since(lookStart))
		if err == nil && strings.HasPrefix(l.url, "chrome-error:") {
			return false, s.errorPage(ctx)
		}
		if l.ok && !l.pending {
			return true, nil
		}
		if err := s.downloaded(); err != nil {
			return false, err
		}
		leaving = l.ok && l.pending
		if err != nil && permanent(err) {
			return false, err
		}
		followed := false
		engineTime(ctx, func() {
			// A popup the page opened (an ad) takes the front, and a tab behind it gets no frames and slow
			// timers: what the flow waits for on its own tab would come late or never.
			s.front(ctx)
			followed = s.followPopup(ctx, c)
		})
		if followed {
			s.popupSwitched = true
			s.recordFollowed()
			scrollFrom = -1 // another page: nothing to scroll back
			continue
		}
		if !scrollDone && err == nil && !leaving {
			var from float64
			scrollDone, from = s.scrollOnce(ctx)
			if scrollFrom < 0 && s.scrolled > 0 {
				scrollFrom = from
			}
		}
		select {
		case <-ctx.Done():
			if leaving {
				return false, &siteError{msg: fmt.Sprintf("the page began leaving for another page that had not "+
					"arrived when the step's time was up; %s was seen only on the page being left", describeCondition(c))}
			}
			if cut {
				return false, errLookCut
			}
			return false, nil
		case <-time.After(delay):
		}
		if delay < t.Poll {
			delay = min(delay*2, t.Poll)
		}
	}
}

// maxScroll bounds how far a wait scrolls down looking for a target.
const maxScroll = 30

// scrollOnce scrolls the page down one screen and reports whether scrolling is over (maxScroll screens),
// and where the page was before. At the bottom it keeps asking until the wait ends: the page may load more
// once its own scroll handler has run, which on a busy machine can take a while.
func (s *session) scrollOnce(ctx context.Context) (done bool, from float64) {
	var sc scrolled
	if err := s.call(ctx, &sc, "scrollMore"); err != nil {
		return false, 0
	}
	if sc.Moved {
		s.scrolled++
	}
	s.scrollGrew = s.scrollGrew || sc.Grew
	return s.scrolled >= maxScroll, sc.From
}

func (s *session) waitAbsent(ctx context.Context, t *scenario.Target) error {
	for {
		ok, err := s.check(ctx, &scenario.Condition{Target: t})
		if err == nil && !ok {
			return nil
		}
		if err != nil && permanent(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s is still visible", t)
		case <-time.After(s.r.opt.Timing.Poll):
		}
	}
}

// errURLPattern: a done condition's URL pattern does not compile (the loader checks it; a scenario built
// in Go may not have been loaded).
var errURLPattern = errors.New("url pattern")

// permanent tells a page error that will not go away by waiting: the browser rejected the locator.
func permanent(err error) bool {
	var je *jsError
	return errors.Is(err, errURLPattern) || (errors.As(err, &je) && je.permanent())
}

// awaitDone waits for the done condition after the last cancel step.
func (s *session) awaitDone(ctx context.Context) error {
	_, err := s.awaitEnd(ctx, &s.r.sc.Done, phaseDone)
	return err
}

// awaitEnd waits for the condition that ends the cancel path (done, or a declared dead end) and records
// it as a step of phase; rec is that step.
func (s *session) awaitEnd(ctx context.Context, c *scenario.Condition, phase string) (*metrics.Step, error) {
	step := s.r.sc.Timeouts.Step
	s.beginStep()
	sctx, cancel := s.stepContext(ctx, step)
	defer cancel()
	ok, err := s.waitFor(sctx, c)
	if err == nil && !ok {
		err = fmt.Errorf("%s %w within %s", describeCondition(c), errNotObserved, step)
	}
	rec := metrics.Step{Phase: phase, Line: c.Line, Action: phase, Target: s.r.sc.Mask(describeCondition(c)),
		StartedAt: s.r.opt.Clock.Now()}
	if err != nil {
		status, msg := s.judge(ctx, err, step, phase, false)
		rec.Error, rec.Screenshot, rec.URL = s.r.sc.Mask(msg), s.shot(ctx, phase+"-failed", nil), s.url(ctx)
		s.r.res.Steps = append(s.r.res.Steps, rec)
		if status != metrics.StatusSiteError {
			msg = rec.Error + s.pageShows(ctx)
		}
		return nil, &stepError{phase: phase, line: c.Line, msg: s.r.sc.Mask(msg), status: status}
	}
	s.creditLevel(ctx)
	rec.URL, rec.Screenshot = s.url(ctx), s.shot(ctx, phase, nil)
	s.r.res.Steps = append(s.r.res.Steps, rec)
	return &s.r.res.Steps[len(s.r.res.Steps)-1], nil
}

// errNotObserved: the done state did not show.
var errNotObserved = errors.New("not observed")

func describeCondition(c *scenario.Condition) string {
	if c.Target != nil {
		return c.Target.String()
	}
	return "url ~ " + c.URL
}

// observeSubscribe reads the auto-renew box and the disclosure the first time each is visible, before any
// step can touch them. The box is read once the page holding it has loaded (a script may tick it while the
// page loads), or, at the latest, right before a step acts on that page (touching: the step's target has
// just appeared); a page still loading then gets up to half of the step's remaining time to finish.
func (s *session) observeSubscribe(ctx context.Context, touching bool) {
	sub, out := s.r.sc.Subscribe, s.watchSubscribe
	if sub.Autorenew != nil && !s.autorenewRead {
		var rr readResult
		if touching {
			s.awaitLoaded(ctx, sub.Autorenew, &rr)
		} else {
			_ = s.call(ctx, &rr, "read", toJS(sub.Autorenew))
		}
		if rr.Found && (touching || rr.Ready == "complete") {
			v := rr.Checked
			out.AutorenewPrechecked = &v
			s.autorenewRead = true
		}
	}
	switch {
	case s.disclosureSeen:
	case sub.Button != nil:
		// Read once the button's page has loaded (the terms may come in with it), or at the latest when a
		// step is about to act on that page.
		var d disclosureRead
		if s.call(ctx, &d, "disclosure", toJS(sub.Button), toJS(sub.Disclosure), termsForJS()) == nil && d.Button &&
			(touching || d.Ready == "complete") {
			s.disclosureSeen = true
			s.recordDisclosure(&d, true)
		}
	case sub.Disclosure != nil:
		var rr readResult
		if s.call(ctx, &rr, "read", toJS(sub.Disclosure)) == nil && rr.Found {
			s.disclosureSeen = true
			s.recordDisclosure(&disclosureRead{Found: true, Text: rr.Text, FontPX: rr.FontSize, Contrast: rr.Contrast}, false)
		}
	}
}

// recordDisclosure writes what was seen of the renewal terms into the subscribe result; placed says the
// button was seen with them, so their place was measured.
func (s *session) recordDisclosure(d *disclosureRead, placed bool) {
	out := s.watchSubscribe
	found := d.Found
	out.DisclosureFound = &found
	if !found {
		return
	}
	out.DisclosureText = s.r.sc.Mask(d.Text)
	out.DisclosureFontPX, out.DisclosureContrast = d.FontPX, d.Contrast
	out.DisclosureStates = terms.Stated(d.Text)
	if !placed {
		return
	}
	out.DisclosureAroundFontPX = d.AroundFontPX
	if d.AroundFontPX > 0 && d.FontPX > 0 {
		out.DisclosureRelativeFont = math.Round(d.FontPX/d.AroundFontPX*100) / 100
	}
	dist, same, together := d.DistancePX, d.SameBlock, d.Together
	out.DisclosureDistancePX, out.DisclosureSameBlock, out.DisclosureInViewWithButton = &dist, &same, &together
}

// awaitLoaded reads t into rr until its page has loaded, bounded by half of ctx's remaining time.
func (s *session) awaitLoaded(ctx context.Context, t *scenario.Target, rr *readResult) {
	wctx := ctx
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		wctx, cancel = context.WithDeadline(ctx, time.Now().Add(time.Until(dl)/2))
		defer cancel()
	}
	for {
		*rr = readResult{}
		err := s.call(wctx, rr, "read", toJS(t))
		if err == nil && (!rr.Found || rr.Ready == "complete") {
			return
		}
		select {
		case <-wctx.Done():
			return
		case <-time.After(s.r.opt.Timing.Poll):
		}
	}
}

// resolve turns a goto argument into an absolute URL, as a link on the base page would.
func (s *session) resolve(ref string) (string, error) {
	base, err := url.Parse(s.r.sc.URL)
	if err != nil {
		return "", fmt.Errorf("base url: %w", err)
	}
	u, err := base.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("goto %q: %w", ref, err)
	}
	return u.String(), nil
}

func (s *session) gotoStart(ctx context.Context) error {
	ref := s.r.sc.Start
	if ref == "" {
		ref = s.r.sc.URL
	}
	u, err := s.resolve(ref)
	if err != nil {
		return &runError{msg: err.Error()}
	}
	return s.gotoURL(ctx, u)
}

// gotoURL loads an absolute address as the session's landing page, within a step's time.
func (s *session) gotoURL(ctx context.Context, u string) error {
	sctx, cancel := s.stepContext(ctx, s.r.sc.Timeouts.Step)
	defer cancel()
	if err := s.navigate(sctx, u); err != nil {
		if classify(err) != "" {
			return err // the site's failure, said as such
		}
		return &runError{msg: err.Error()}
	}
	return nil
}

// url is the current page's address, or "" when the page does not answer. While a navigation commits, the
// browser reports the target without an address for a moment: that is asked again, within Timing.Info.
func (s *session) url(ctx context.Context) string {
	if s.gone != nil {
		return ""
	}
	sctx, cancel := context.WithTimeout(ctx, s.r.opt.Timing.Info)
	defer cancel()
	for {
		info, err := s.page(sctx).Info()
		if err != nil {
			return ""
		}
		if info.URL != "" {
			return maskVariants(s.r.sc, info.URL)
		}
		select {
		case <-sctx.Done():
			return ""
		case <-time.After(s.r.opt.Timing.Poll):
		}
	}
}

// pageShows summarises what the page showed when a step failed, for the reason.
func (s *session) pageShows(ctx context.Context) string {
	if s.gone != nil {
		return ""
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.r.opt.Timing.Info)
	defer cancel()
	var sr screenResult
	if s.call(sctx, &sr, "screen") != nil {
		return ""
	}
	if strings.HasPrefix(sr.URL, "chrome-error:") {
		// A link or script led to a page that failed to load: the browser's own error page says why.
		return maskVariants(s.r.sc, fmt.Sprintf("; the browser shows its error page: %s", truncate(sr.Text, 200)))
	}
	return maskVariants(s.r.sc, fmt.Sprintf("; the page (%q at %s) shows: %s", truncate(sr.Title, 80), sr.URL, truncate(sr.Text, 200)))
}

// readMedia records the user agent and what the page's media queries see, so results say how the device
// was emulated.
func (s *session) readMedia(ctx context.Context) {
	var m struct {
		UA      string `json:"ua"`
		Hover   string `json:"hover"`
		Pointer string `json:"pointer"`
	}
	// A page frozen from its first script must not hold the run here: the first step finds out and says so.
	ctx, cancel := context.WithTimeout(ctx, s.r.opt.Timing.Info)
	defer cancel()
	res, err := s.page(ctx).Eval(`() => ({ua: navigator.userAgent,
		hover: matchMedia('(hover: hover)').matches ? 'hover' : 'none',
		pointer: matchMedia('(pointer: fine)').matches ? 'fine' : matchMedia('(pointer: coarse)').matches ? 'coarse' : 'none'})`)
	if err != nil || res.Value.Unmarshal(&m) != nil {
		return
	}
	d := &s.r.res.Device
	d.UserAgent, d.Hover, d.Pointer = m.UA, m.Hover, m.Pointer
}
