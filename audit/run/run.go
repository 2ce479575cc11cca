// Package run drives one scenario through a real browser on one device and records what it measured.
package run

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cancelpath/cancelpath/audit/browser"
	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
	"github.com/cancelpath/cancelpath/evidence"
)

// Phases of a run, as recorded in metrics.Step.Phase (defined with the result model).
const (
	phaseLogin           = metrics.PhaseLogin
	phaseSubscribe       = metrics.PhaseSubscribe
	phaseCancel          = metrics.PhaseCancel
	phaseDone            = metrics.PhaseDone
	phaseDeadEnd         = metrics.PhaseDeadEnd
	phaseBeforeCancel    = metrics.PhaseBeforeCancel
	phaseBeforeSubscribe = metrics.PhaseBeforeSubscribe
	phaseEffect          = metrics.PhaseEffect
	phaseLoggedOut       = metrics.PhaseLoggedOut
)

// Browser is what a run needs from a browser: an isolated context per run. *browser.Browser implements it;
// sweeps put a pool of browsers behind it.
type Browser interface {
	NewContext(d browser.Device, onDialog func(browser.Dialog)) (*browser.Context, error)
	Version() string
}

// Clock gives the time stamps of a run; tests fix it.
type Clock interface{ Now() time.Time }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now().UTC() }

// Options tune a run.
type Options struct {
	// OutDir is where evidence goes: OutDir/evidence/<scenario>@<device>/. Empty: no screenshots or MHTML
	// (faster; sizes and counts are measured all the same).
	OutDir string
	Clock  Clock
	// OfferPattern is the regex (JS syntax, case-insensitive) that marks a retention offer on a confirm screen.
	OfferPattern string
	// Timing: the engine's waits; zero fields take DefaultTiming's.
	Timing Timing
	// ToolVersion names the tool's version in the web archive ("cancelpath <version>"); "dev" when empty.
	ToolVersion string
	// OnArchive, when set, is called once for a run whose web archive (archive.wacz, traffic.har) was
	// written, before Run returns, with what the archive withholds: to declare beside it (meta.json).
	OnArchive func(res *metrics.Result, a Archive)
}

// DefaultOfferPattern: words of retention offers in Chinese, English and German.
const DefaultOfferPattern = `优惠|折扣|[0-9一二三四五六七八九]折|立减|立省|返现|赠送|免费|特价|券|discount|% ?off|free (month|trial)|special offer|Rabatt|Angebot|gratis|kostenlos`

// Run runs sc on the named device. It never returns an error: whatever happens is recorded in the result
// (status, reason, failed step), so a sweep goes on and no finished result is lost.
func Run(ctx context.Context, b Browser, sc *scenario.Scenario, device string, opt Options) *metrics.Result {
	if opt.Clock == nil {
		opt.Clock = systemClock{}
	}
	if opt.OfferPattern == "" {
		opt.OfferPattern = DefaultOfferPattern
	}
	opt.Timing = opt.Timing.withDefaults()
	start := opt.Clock.Now()
	res := &metrics.Result{
		ScenarioID: sc.ID, Site: sc.Site, File: sc.File, ScenarioSHA256: sc.SHA256,
		Jurisdictions: sc.Jurisdictions, Browser: b.Version(), StartedAt: start, Attempts: 1,
		Status: metrics.StatusOK, Steps: []metrics.Step{},
	}
	defer func() { res.DurationMS = opt.Clock.Now().Sub(start).Milliseconds() }()
	dev, err := browser.LookupDevice(device)
	if err != nil {
		res.Device.Name = device
		res.Status, res.Reason = metrics.StatusError, err.Error()
		return res
	}
	res.Device = metrics.Device{Name: dev.Name, Width: dev.Width, Height: dev.Height, DeviceScaleFactor: dev.DeviceScaleFactor,
		Mobile: dev.Mobile, Touch: dev.Touch}

	ctx, cancel := context.WithTimeout(ctx, sc.Timeouts.Scenario)
	defer cancel()
	r := &runner{sc: sc, dev: dev, opt: opt, b: b, res: res}
	if opt.OutDir != "" {
		r.evRel = evidence.Dir(sc.ID, dev.Name)
	}
	defer r.flushEvidence()
	r.cancelPath(ctx)
	if sc.Subscribe != nil && sc.Subscribe.AppliesTo(dev.Name) {
		r.subscribe(ctx)
	}
	if sc.CheckWithoutLogin {
		r.withoutLogin(ctx)
	}
	r.mu.Lock()
	if r.unlogged > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d more JS dialogs were accepted but not logged (the log keeps the first %d)",
			r.unlogged, maxDialogLog))
	}
	r.mu.Unlock()
	if ctx.Err() != nil && res.Status == metrics.StatusOK {
		res.Status, res.Reason = metrics.StatusError, fmt.Sprintf("scenario deadline of %s exceeded", sc.Timeouts.Scenario)
	}
	res.Reason = sc.Mask(res.Reason)
	return res
}

// runner holds one run's state.
type runner struct {
	sc    *scenario.Scenario
	dev   browser.Device
	opt   Options
	b     Browser
	res   *metrics.Result
	evRel string // evidence folder relative to OutDir; "" when evidence is off
	shots int
	files *evidence.Writer // evidence written in the background; nil until the first file
	// traffic is the recording of the cancel path's traffic, once begun (see opening.record).
	traffic *traffic
	// loggedIn is the state the cancel path's login left, when kept (see opening.keep).
	loggedIn *login

	mu            sync.Mutex // guards the fields the dialog callback touches
	phase         string
	stepIndex     int
	cancelDialogs int
	unlogged      int // dialogs beyond maxDialogLog
}

// onDialog records a dialog; it is called from the context's event goroutine. A page can open dialogs in a
// loop: beyond maxDialogLog they are counted, not logged.
func (r *runner) onDialog(d browser.Dialog) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.phase == phaseCancel || r.phase == phaseDone {
		r.cancelDialogs++
	}
	if len(r.res.Dialogs) >= maxDialogLog {
		r.unlogged++
		return
	}
	r.res.Dialogs = append(r.res.Dialogs, metrics.Dialog{Type: d.Type, Message: r.sc.Mask(truncate(d.Message, 500)),
		Phase: r.phase, Step: r.stepIndex})
}

// maxDialogLog bounds the dialog log of one result.
const maxDialogLog = 50

func (r *runner) setPhase(phase string, index int) {
	r.mu.Lock()
	r.phase, r.stepIndex = phase, index
	r.mu.Unlock()
}

// opening says how a session starts. login: log in (or load the saved session); record: record its
// traffic from the end of the login (the cancel path, evidence on); keep: save the state its login steps
// leave into r.loggedIn; reuse: start from that saved state instead of logging in (the subscribe side).
type opening struct {
	login, record, keep bool
	reuse               *login
}

// open starts a fresh context and logs in as o says, leaving it on the landing page.
func (r *runner) open(ctx context.Context, o opening) (*session, error) {
	bc, err := r.b.NewContext(r.dev, r.onDialog)
	if err != nil {
		return nil, &runError{msg: fmt.Sprintf("open browser context: %v", err)}
	}
	s := &session{r: r, bc: bc, pr: newProbe(), answered: time.Now()} // the new tab answered its set-up
	fail := func(err error) (*session, error) {
		s.close()
		return nil, err
	}
	switch {
	case !o.login:
	case r.sc.Session != "":
		if err := s.loadSession(ctx); err != nil {
			return fail(err)
		}
	case o.reuse != nil:
		if err := s.restore(ctx, &o.reuse.state, "the cancel path's login"); err != nil {
			return fail(err)
		}
	default:
		if err := s.steps(ctx, phaseLogin, r.sc.Login, nil); err != nil {
			return fail(err)
		}
		if o.keep && len(r.sc.Login) > 0 {
			r.loggedIn = s.saveLogin(ctx)
		}
	}
	if o.record {
		s.startTraffic() // the login is over: its requests are never recorded
	}
	// The landing page: Start when set; the site's URL when nothing else has opened a page (no login steps,
	// a saved session, the logged-out check); else where the login steps ended.
	switch {
	case r.sc.Start != "" || !o.login || r.sc.Session != "" || len(r.sc.Login) == 0:
		if err := s.gotoStart(ctx); err != nil {
			return fail(err)
		}
	case o.reuse != nil:
		if err := s.gotoURL(ctx, o.reuse.landing); err != nil {
			return fail(err)
		}
	default:
		s.recordLanding() // loaded by the login, yet the path's first screen
	}
	return s, nil
}

// cancelPath: login, the cancel steps, the done state, the effect check.
func (r *runner) cancelPath(ctx context.Context) {
	res := r.res
	sub := r.sc.Subscribe
	s, err := r.open(ctx, opening{login: true, record: r.evRel != "",
		keep: sub != nil && sub.AppliesTo(r.dev.Name) && !sub.FreshLogin})
	if err != nil {
		r.fail(err)
		res.Metrics = countMetrics(res.Steps, false, false, 0)
		return
	}
	defer s.close()
	s.readMedia(ctx)
	if err := s.steps(ctx, phaseBeforeCancel, r.sc.BeforeCancel, nil); err != nil {
		r.fail(err)
		res.Metrics = countMetrics(res.Steps, false, false, 0)
		return
	}
	res.LandingURL = s.url(ctx)

	if r.sc.DeadEnd != nil {
		r.deadEnd(ctx, s)
		return
	}
	controlReached, doneReached := false, false
	err = s.steps(ctx, phaseCancel, r.sc.Cancel, &r.sc.Done)
	for _, st := range res.Steps {
		if st.Phase == phaseCancel && st.Control && st.Error == "" && !st.Skipped {
			controlReached = true
		}
	}
	if err == nil {
		r.setPhase(phaseDone, 0)
		err = s.awaitDone(ctx)
		doneReached = err == nil
	}
	if err != nil {
		r.fail(err)
	} else if len(r.sc.Effect) > 0 {
		eff := &metrics.Effect{Passed: true}
		if e := s.steps(ctx, phaseEffect, r.sc.Effect, nil); e != nil {
			eff.Passed, eff.Reason = false, r.sc.Mask(e.Error())
		}
		res.Effect = eff
	}
	res.FinalURL = s.url(ctx)
	r.mu.Lock()
	dialogs := r.cancelDialogs
	r.mu.Unlock()
	res.Metrics = countMetrics(res.Steps, controlReached, doneReached, dialogs)
	res.Metrics.OptionsOnPath = optionsOnPath(res.PathScreens, controlReached, doneReached, !s.optionsMissed)
}

// deadEnd walks the path of a site that offers no cancel control to the screen the user is sent instead,
// and records it: no_control, with what that screen says.
func (r *runner) deadEnd(ctx context.Context, s *session) {
	res := r.res
	err := s.steps(ctx, phaseCancel, r.sc.Cancel, r.sc.DeadEnd)
	var rec *metrics.Step
	if err == nil {
		r.setPhase(phaseDeadEnd, 0)
		rec, err = s.awaitEnd(ctx, r.sc.DeadEnd, phaseDeadEnd)
	}
	res.FinalURL = s.url(ctx)
	r.mu.Lock()
	dialogs := r.cancelDialogs
	r.mu.Unlock()
	res.Metrics = countMetrics(res.Steps, false, false, dialogs)
	if err != nil {
		r.fail(err)
		return
	}
	de := &metrics.DeadEnd{URL: rec.URL, Screenshot: rec.Screenshot}
	for _, st := range res.Steps {
		if st.Phase == phaseCancel && !st.Skipped {
			de.Clicks += st.Clicks
		}
	}
	if t := r.sc.DeadEnd.Target; t != nil {
		var rr readResult
		if s.call(ctx, &rr, "read", toJS(t)) == nil && rr.Found {
			de.Text = r.sc.Mask(truncate(rr.Text, 500))
		}
	}
	res.DeadEnd = de
	res.Status = metrics.StatusNoControl
	what := describeCondition(r.sc.DeadEnd)
	if de.Text != "" {
		what = fmt.Sprintf("%q", truncate(de.Text, 200))
	}
	clicks := fmt.Sprintf("%d clicks", de.Clicks)
	if de.Clicks == 1 {
		clicks = "1 click"
	}
	res.Reason = r.sc.Mask(fmt.Sprintf("the site offers no cancel control: after %s the path ends at a screen "+
		"that says %s", clicks, what))
}

// fail records the first error that ended the run.
func (r *runner) fail(err error) {
	res := r.res
	var se *stepError
	switch {
	case errors.As(err, &se):
		res.Status = se.status
		res.FailedStep = &metrics.StepRef{Phase: se.phase, Index: se.index, Line: se.line}
	default:
		res.Status = metrics.StatusError
		if st := classify(err); st != "" {
			res.Status = st
		}
	}
	res.Reason = r.sc.Mask(err.Error())
}

// subscribe measures the sign-up side in a fresh context of its own, so the cancel path's state never
// leaks into it. It starts from the state the cancel path's login left (cookies, localStorage, the landing
// page) rather than logging in again, unless the scenario asks for a fresh login; when that start does not
// carry the side through (a site that keeps its login elsewhere, or ended the session on cancelling), the
// side is measured again after a fresh login, and a note says so: the reuse saves time, it never decides a
// finding.
func (r *runner) subscribe(ctx context.Context) {
	if r.loggedIn != nil {
		steps, dialogs := len(r.res.Steps), len(r.res.Dialogs)
		out := r.subscribeOnce(ctx, r.loggedIn)
		if out.Status == metrics.StatusOK || ctx.Err() != nil {
			return
		}
		// The attempt's steps and dialogs go; its screenshots stay in the evidence folder, unreferenced.
		r.res.Steps = r.res.Steps[:steps]
		r.mu.Lock()
		r.res.Dialogs = r.res.Dialogs[:min(dialogs, len(r.res.Dialogs))]
		r.mu.Unlock()
		r.res.Notes = append(r.res.Notes, "subscribe side: starting from the cancel path's login did not carry it through ("+
			string(out.Status)+": "+out.Reason+"); measured again after a fresh login")
	}
	r.subscribeOnce(ctx, nil)
}

// subscribeOnce walks the subscribe side once, into a new r.res.Subscribe: from the saved login reuse, or
// logging in when it is nil.
func (r *runner) subscribeOnce(ctx context.Context, reuse *login) *metrics.Subscribe {
	sub := r.sc.Subscribe
	out := &metrics.Subscribe{Status: metrics.StatusOK, EndedAtPayment: sub.UntilPayment}
	r.res.Subscribe = out
	s, err := r.open(ctx, opening{login: true, reuse: reuse})
	if err == nil {
		defer s.close()
		err = s.steps(ctx, phaseBeforeSubscribe, sub.Before, nil)
	}
	if err != nil {
		out.Status, out.Reason = metrics.StatusError, r.sc.Mask(err.Error())
		var se *stepError
		if errors.As(err, &se) {
			out.Status = se.status
		} else if st := classify(err); st != "" {
			out.Status = st
		}
		return out
	}
	s.watchSubscribe = out
	err = s.steps(ctx, phaseSubscribe, sub.Steps, nil)
	s.observeSubscribe(ctx, false) // the end state counts too: a disclosure shown only on the last screen
	clicks := 0
	for _, st := range r.res.Steps {
		if st.Phase == phaseSubscribe && !st.Skipped {
			clicks += st.Clicks
		}
	}
	if err != nil {
		out.Status, out.Reason = metrics.StatusFailed, r.sc.Mask(err.Error())
		var se *stepError
		if errors.As(err, &se) {
			out.Status = se.status
		}
		return out
	}
	out.ClicksToSubscribe = &clicks
	return out
}

// withoutLogin replays the cancel steps up to the control in a logged-out context: can a visitor reach it?
func (r *runner) withoutLogin(ctx context.Context) {
	reachable := false
	r.res.Metrics.ReachableWithoutLogin = &reachable
	s, err := r.open(ctx, opening{})
	if err != nil {
		r.res.Notes = append(r.res.Notes, "logged-out check: "+r.sc.Mask(err.Error()))
		return
	}
	defer s.close()
	s.stopAtControl = true
	if err := s.steps(ctx, phaseLoggedOut, r.sc.Cancel, nil); err != nil {
		r.res.Notes = append(r.res.Notes, "logged-out check: "+r.sc.Mask(err.Error()))
		return
	}
	reachable = s.controlSeen
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
