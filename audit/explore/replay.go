package explore

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/cancelpath/cancelpath/audit/browser"
	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/run"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

// pathStep is one action of a node's path, with what the search knew of its control when it chose it.
type pathStep struct {
	step   scenario.Step
	label  string
	role   string
	url    string // the screen it was taken on
	newTab string // for a target=_blank link: the URL the new tab loads
	option string // for a select step: the option chosen (also step.Value)
	// nav: the control loads a page of the site in the same tab (a link, an option whose page is known); a
	// replay of nothing else leaves its context fit for the next one (see pool)
	nav bool
}

// describe is the step's control in words: its label, and for a select the option chosen.
func (ps pathStep) describe() string {
	if ps.option != "" {
		return ps.label + ": " + ps.option
	}
	return ps.label
}

// expansion is what replaying one node's path showed.
type expansion struct {
	ran       bool // false: the replay did not start, or was cut short, because the level or the budget ended
	screen    *screen
	err       error
	contexts  int // browser contexts opened
	steps     int // steps done (or tried)
	dialogs   int
	logins    int // contexts that replayed the login
	reused    int // replays in a context an earlier replay left (see pool)
	shortcuts int // replays started on a page of the path rather than the landing page
	fallbacks int // replays started again from further back (an entry that did not hold)
	// entryFailed: the entry page did not open as the search saw it (see entry.checked); landingSame: a
	// login's landing page opened as the search saw it (see entry.confirm)
	entryFailed    bool
	landingSame    bool
	landingChecked bool // landingSame was found out (the replay was not cut short first)
}

// expand replays a node's path in a fresh context (see plan for where it starts) and reads the screen it
// ends on. A replay whose entry did not hold is started again from further back.
func (x *explorer) expand(ctx context.Context, path []pathStep) expansion {
	en := x.plan(path)
	var sum expansion
	for {
		e := x.replay(ctx, path, en)
		e.contexts, e.steps, e.dialogs = e.contexts+sum.contexts, e.steps+sum.steps, e.dialogs+sum.dialogs
		e.logins, e.shortcuts, e.fallbacks = e.logins+sum.logins, e.shortcuts+sum.shortcuts, e.fallbacks+sum.fallbacks
		e.reused += sum.reused
		if en.confirm && e.landingChecked {
			// The saved session's landing page differed from the search's. A login that shows the search's
			// means the site dropped the session; one that differs as well, that the page changes by itself.
			x.sessionChecked(e.landingSame)
		}
		if !e.entryFailed || ctx.Err() != nil {
			return e
		}
		next, ok := x.fallback(path, en)
		if !ok {
			return e
		}
		sum, en = e, next
		sum.fallbacks++
	}
}

// stepError is a replay's failure at one step of the path (0-based).
type stepError struct {
	index int
	step  string
	err   error
}

func (e *stepError) Error() string { return fmt.Sprintf("step %d (%s): %v", e.index+1, e.step, e.err) }
func (e *stepError) Unwrap() error { return e.err }

// replay runs one attempt of expand.
func (x *explorer) replay(ctx context.Context, path []pathStep, en entry) (e expansion) {
	e.ran = true
	ctx, cancel := context.WithTimeout(ctx, x.sc.Timeouts.Scenario)
	defer cancel()
	if en.skip > 0 {
		e.shortcuts = 1
	}
	h := newHelper()
	d, reused, ok, err := x.enter(ctx, en, h, true)
	switch {
	case reused:
		e.reused = 1
	case en.login:
		e.contexts, e.logins = 1, 1
	default:
		e.contexts = 1
	}
	if err != nil {
		e.err, e.entryFailed = err, en.checked
		return e
	}
	keep := false
	defer func() {
		u := ""
		if e.screen != nil {
			u = e.screen.URL
		}
		x.release(d, u, keep)
	}()
	dialogs := len(d.Dialogs())
	defer func() { e.dialogs = len(d.Dialogs()) - dialogs }()
	switch {
	case !ok:
		e.err, e.entryFailed = fmt.Errorf("%s did not open as before", en.url), true
		return e
	case en.confirm:
		e.landingSame = x.arrived(ctx, d, h, nil, en, x.landingURL())
		e.landingChecked = ctx.Err() == nil
	}
	var act *activity
	defer func() { act.stop() }()
	steps := path[en.skip:]
	for i, ps := range steps {
		if i == len(steps)-1 {
			act = watchActivity(ctx, d.Page())
		}
		e.steps++
		if err := d.Do(ctx, ps.step, nil); err != nil {
			e.err = &stepError{index: en.skip + i, step: ps.step.String(), err: err}
			return e
		}
	}
	var follow func() bool
	followed := false
	if n := len(path); n > 0 && path[n-1].newTab != "" {
		// The engine switches to a new tab while it waits for something: wait for the tab's URL.
		_, _ = d.Settle(ctx, &scenario.Condition{URL: "^" + regexp.QuoteMeta(strings.SplitN(path[n-1].newTab, "#", 2)[0])})
		act.stop()
		act = watchActivity(ctx, d.Page())
	} else if n > 0 && path[n-1].step.Action.IsClick() {
		// A button may open a window (window.open): what the person sees next is that page.
		follow = func() bool {
			if followed {
				return false
			}
			followed = d.FollowNewPage(ctx, 0)
			return followed
		}
	}
	snap := settle(ctx, h, d.Page, &act, follow, x.opt.StepTimeout)
	e.screen, e.err = enumerate(ctx, h, d.Page(), x.hover)
	if e.screen != nil {
		e.screen.snap = snap
	}
	if e.err == nil && len(path) == 0 {
		if err := x.landed(ctx, d, h, e.screen.URL); err != nil {
			_, _ = fmt.Fprintf(x.opt.Progress, "explore %s: every replay logs in: %v\n", x.sc.ID, err) // progress: best effort
		}
	}
	keep = e.err == nil && !followed && len(d.Dialogs()) == dialogs && e.screen.Confirmed == "" && navOnly(steps)
	return e
}

// navOnly: every step only loaded a page in the same tab.
func navOnly(steps []pathStep) bool {
	for _, ps := range steps {
		if !ps.nav || ps.newTab != "" {
			return false
		}
	}
	return true
}

// verify replays a goal's path as `audit` would run the scenario written from it: each step announces the
// next step's target (the control, for the last), so the engine credits the levels; the control must
// appear at the end. It fills the path's levels and marks it verified.
func (x *explorer) verify(ctx context.Context, p *Path, path []pathStep, control *scenario.Target) error {
	ctx, cancel := context.WithTimeout(ctx, x.sc.Timeouts.Scenario)
	defer cancel()
	d, err := x.openLanding(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	before := len(d.Steps()) // opening the landing page by its URL is a step of its own: not the path's
	for i, ps := range path {
		next := control
		if i+1 < len(path) {
			next = path[i+1].step.Target
		}
		if err := d.Do(ctx, ps.step, &scenario.Condition{Target: next}); err != nil {
			return fmt.Errorf("step %d (%s): %w", i+1, ps.step.String(), err)
		}
	}
	ok, err := d.Settle(ctx, &scenario.Condition{Target: control})
	if err != nil {
		return fmt.Errorf("control %s: %w", control, err)
	}
	if !ok {
		return fmt.Errorf("control %s did not appear at the end of the path", control)
	}
	levels, i := 0, 0
	for _, st := range d.Steps()[before:] {
		if st.Phase != metrics.PhaseCancel {
			continue
		}
		if st.Level {
			levels++
		}
		if i < len(p.Steps) {
			p.Steps[i].Level, p.Steps[i].LevelKind = st.Level, st.LevelKind
		}
		i++
	}
	p.LevelsToControl, p.Verified = &levels, true
	return nil
}

// guarded is the browser as explore uses it: every context it opens dismisses confirm() and prompt() (see
// pageScript), so an "are you sure?" before something the deny lexicon did not catch is never accepted. (The engine's own
// dialog handler accepts every native dialog; a script defined before the page's own cannot reach a popup
// tab, so a popup's confirm() is still accepted: see the package documentation.)
type guarded struct{ run.Browser }

// pageScript runs before the page's own scripts in every document of the context's first tab. A confirm()
// leaves its question on the document element, where the search reads it (see judge); so does a navigation
// to another document the page begins (a script's location.replace while it loads), which the screen must
// not be read before (see settle): the browser tells of it only once the request has gone out.
const pageScript = `window.confirm = (m) => { try { document.documentElement.setAttribute(
  'data-cancelpath-confirm', String(m === undefined ? '?' : m).slice(0, 200) || '?'); } catch (e) {} return false; };
window.prompt = () => null;
if (window.navigation) {
  navigation.addEventListener('navigate', (e) => { if (!(e.destination && e.destination.sameDocument)) {
    try { document.documentElement.setAttribute('data-cancelpath-leaving', ''); } catch (x) {} } });
  navigation.addEventListener('navigateerror', () => {
    try { document.documentElement.removeAttribute('data-cancelpath-leaving'); } catch (x) {} });
}`

func (g guarded) NewContext(d browser.Device, onDialog func(browser.Dialog)) (*browser.Context, error) {
	c, err := g.Browser.NewContext(d, onDialog)
	if err != nil {
		return nil, err
	}
	if _, err := c.Page().EvalOnNewDocument(pageScript); err != nil {
		c.Close()
		return nil, fmt.Errorf("prepare context: %w", err)
	}
	return c, nil
}
