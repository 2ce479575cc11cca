package run

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"github.com/cancelpath/cancelpath/audit/browser"
	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

// stepError ends a run at a step; the run's status follows from its flags.
type stepError struct {
	phase        string
	index, line  int
	msg          string
	control      bool // the failing step is the cancel control: not_found
	controlAhead bool // the failing wait was for the control's screen: not_found too
	runtime      bool // the browser, not the site, failed (deadline, crash)
}

func (e *stepError) Error() string {
	if e.phase == phaseDone {
		return "done state: " + e.msg
	}
	return fmt.Sprintf("%s step %d (line %d): %s", e.phase, e.index+1, e.line, e.msg)
}

// levelWatch remembers, for the action(s) since the last target appeared, whether the next target was
// visible before them and what document the page showed.
type levelWatch struct {
	visibleBefore bool
	before        pageState
	action        int // index in Result.Steps of the latest action: it gets the credit
}

// session is one browser context driven through steps.
type session struct {
	r  *runner
	bc *browser.Context

	pending       *levelWatch
	popupSwitched bool

	watchSubscribe *metrics.Subscribe
	disclosureSeen bool

	stopAtControl bool
	controlSeen   bool

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
	if s.gone != nil {
		s.bc.Abort()
	}
	s.bc.Close()
}

// call runs an operation of the in-page probe on the current tab.
func (s *session) call(ctx context.Context, out any, op string, args ...any) error {
	err := s.pr.Call(ctx, s.page(ctx), out, op, args...)
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
func (s *session) steps(ctx context.Context, phase string, steps []scenario.Step, end *scenario.Condition) error {
	res := s.r.res
	track := phase == phaseCancel
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
	for i := range steps {
		st := &steps[i]
		s.r.setPhase(phase, i)
		rec := metrics.Step{Phase: phase, Index: i, Line: st.Line, Action: string(st.Action), Control: st.Control,
			StartedAt: s.r.opt.Clock.Now()}
		if st.Target != nil {
			rec.Target = s.r.sc.Mask(st.Target.String())
		}
		sctx, cancel := s.stepContext(ctx, s.stepTimeout(st))
		x := &stepRun{s: s, st: st, rec: &rec, phase: phase, index: i, track: track, confirm: i == confirm,
			next: nextCondition(steps, i, end)}
		err := x.do(sctx)
		cancel()
		rec.DurationMS = s.r.opt.Clock.Now().Sub(rec.StartedAt).Milliseconds()
		if err != nil {
			se := &stepError{phase: phase, index: i, line: st.Line, msg: err.Error(), control: st.Control && track}
			// What failed: the site (unreachable), the page (crashed, frozen), the clock, or the step.
			var site *siteError
			var gone error
			if !errors.As(err, &site) {
				gone = s.health(ctx)
			}
			switch {
			case site != nil:
				se.runtime = true
			case gone != nil:
				se.runtime, se.msg = true, gone.Error()
			case ctx.Err() != nil:
				se.runtime, se.msg = true, fmt.Sprintf("scenario deadline of %s exceeded (%v)", s.r.sc.Timeouts.Scenario, err)
			case track && isControlAhead(steps, i) && errors.Is(err, errNotVisible):
				se.controlAhead = true
			}
			rec.Error = s.r.sc.Mask(se.msg)
			rec.Screenshot = s.shot(ctx, fmt.Sprintf("%s-%d-failed", phase, i), nil)
			rec.URL = s.url(ctx)
			res.Steps = append(res.Steps, rec)
			se.msg = rec.Error
			if site == nil {
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
		s.observeSubscribe(ctx)
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
		s.creditLevel(ctx)
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

// beginAction notes, before an action of the cancel phase, whether what should appear next is already
// visible: if it is not, and appears after, the action opened a level.
func (s *session) beginAction(ctx context.Context, x *stepRun) {
	if !x.track {
		return
	}
	if s.pending == nil {
		w := &levelWatch{}
		if x.next != nil {
			w.visibleBefore, _ = s.check(ctx, x.next)
		} else {
			w.visibleBefore = true // nothing follows: nothing to reveal
		}
		_ = s.call(ctx, &w.before, "state")
		s.pending = w
		s.popupSwitched = false
	}
	s.pending.action = len(s.r.res.Steps)
}

// creditLevel is called when an awaited target has appeared.
func (s *session) creditLevel(ctx context.Context) {
	w := s.pending
	s.pending = nil
	if w == nil || w.visibleBefore || w.action >= len(s.r.res.Steps) {
		return
	}
	var now pageState
	_ = s.call(ctx, &now, "state")
	kind := "reveal"
	switch {
	case s.popupSwitched || now.Origin != w.before.Origin:
		kind = "navigation"
	case now.URL != w.before.URL:
		kind = "route"
	}
	st := &s.r.res.Steps[w.action]
	st.Level, st.LevelKind = true, kind
}

// check tells without waiting whether the condition holds now.
func (s *session) check(ctx context.Context, c *scenario.Condition) (bool, error) {
	if c.Target != nil {
		var pr probeResult
		if err := s.call(ctx, &pr, "probe", toJS(c.Target)); err != nil {
			return false, err
		}
		return pr.OK, nil
	}
	re, ok := s.urlPatterns[c.URL]
	if !ok { // compiled once per session: waits poll this many times
		var err error
		if re, err = regexp.Compile(c.URL); err != nil {
			return false, fmt.Errorf("url pattern %q: %w", c.URL, err)
		}
		if s.urlPatterns == nil {
			s.urlPatterns = map[string]*regexp.Regexp{}
		}
		s.urlPatterns[c.URL] = re
	}
	var st pageState
	if err := s.call(ctx, &st, "state"); err != nil {
		return false, err
	}
	return re.MatchString(st.URL), nil
}

// waitFor polls the condition until it holds or ctx ends (false, nil). Popups opened meanwhile are followed.
// Errors that retrying cannot mend (a selector the browser rejects) end the wait at once.
func (s *session) waitFor(ctx context.Context, c *scenario.Condition) (bool, error) {
	delay := 10 * time.Millisecond
	for {
		ok, err := s.check(ctx, c)
		if ok {
			return true, nil
		}
		if err != nil && permanent(err) {
			return false, err
		}
		if s.followPopup(ctx, c) {
			s.popupSwitched = true
			continue
		}
		select {
		case <-ctx.Done():
			return false, nil
		case <-time.After(delay):
		}
		if delay < 100*time.Millisecond {
			delay *= 2
		}
	}
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
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// permanent tells a page error that will not go away by waiting: the browser rejected the locator.
func permanent(err error) bool {
	var je *jsError
	if !errors.As(err, &je) {
		return strings.Contains(err.Error(), "url pattern")
	}
	m := err.Error()
	return strings.Contains(m, "SyntaxError") || strings.Contains(m, "is not a valid") ||
		strings.Contains(m, "Invalid regular expression") || strings.Contains(m, "no locator")
}

// awaitDone waits for the done condition after the last cancel step.
func (s *session) awaitDone(ctx context.Context) error {
	c := &s.r.sc.Done
	sctx, cancel := s.stepContext(ctx, s.r.sc.Timeouts.Step)
	defer cancel()
	ok, err := s.waitFor(sctx, c)
	if err == nil && !ok {
		err = fmt.Errorf("%s not observed within %s", describeCondition(c), s.r.sc.Timeouts.Step)
	}
	rec := metrics.Step{Phase: phaseDone, Line: c.Line, Action: "done", Target: s.r.sc.Mask(describeCondition(c)),
		StartedAt: s.r.opt.Clock.Now()}
	if err != nil {
		runtime := ctx.Err() != nil
		if gone := s.health(ctx); gone != nil {
			err, runtime = gone, true
		}
		rec.Error, rec.Screenshot, rec.URL = s.r.sc.Mask(err.Error()), s.shot(ctx, "done-failed", nil), s.url(ctx)
		s.r.res.Steps = append(s.r.res.Steps, rec)
		return &stepError{phase: phaseDone, line: c.Line, msg: rec.Error + s.pageShows(ctx), runtime: runtime}
	}
	s.creditLevel(ctx)
	rec.URL, rec.Screenshot = s.url(ctx), s.shot(ctx, "done", nil)
	s.r.res.Steps = append(s.r.res.Steps, rec)
	return nil
}

func describeCondition(c *scenario.Condition) string {
	if c.Target != nil {
		return c.Target.String()
	}
	return "url ~ " + c.URL
}

// observeSubscribe reads the auto-renew box and the disclosure the first time each is visible: before any
// step can touch them.
func (s *session) observeSubscribe(ctx context.Context) {
	sub, out := s.r.sc.Subscribe, s.watchSubscribe
	if sub.Autorenew != nil && out.AutorenewPrechecked == nil {
		var rr readResult
		if s.call(ctx, &rr, "read", toJS(sub.Autorenew)) == nil && rr.Found {
			v := rr.Checked
			out.AutorenewPrechecked = &v
		}
	}
	if sub.Disclosure != nil && !s.disclosureSeen {
		var rr readResult
		if s.call(ctx, &rr, "read", toJS(sub.Disclosure)) == nil && rr.Found {
			s.disclosureSeen = true
			out.DisclosureText = s.r.sc.Mask(rr.Text)
			out.DisclosureFontPX, out.DisclosureContrast = rr.FontSize, rr.Contrast
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
	sctx, cancel := s.stepContext(ctx, s.r.sc.Timeouts.Step)
	defer cancel()
	if err := s.navigate(sctx, u); err != nil {
		return &runError{msg: err.Error()}
	}
	return nil
}

// url is the current page's address, or "" when the page does not answer.
func (s *session) url(ctx context.Context) string {
	if s.gone != nil {
		return ""
	}
	sctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	info, err := s.page(sctx).Info()
	if err != nil {
		return ""
	}
	return maskVariants(s.r.sc, info.URL)
}

// pageShows summarises what the page showed when a step failed, for the reason.
func (s *session) pageShows(ctx context.Context) string {
	if s.gone != nil {
		return ""
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), respondTimeout)
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
	ctx, cancel := context.WithTimeout(ctx, 2*respondTimeout)
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
