package explore

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/cancelpath/cancelpath/audit/browser"
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
}

// expansion is what replaying one node's path showed.
type expansion struct {
	ran      bool // false: the replay did not start, or was cut short, because the level or the budget ended
	screen   *screen
	err      error
	contexts int // browser contexts opened
	steps    int // steps done (or tried)
	dialogs  int
}

// newPageWait is how long, after the last action of a path, explore looks for a page that action opened.
const newPageWait = 200 * time.Millisecond

// expand replays a node's path in a fresh logged-in context and reads the screen it ends on.
func (x *explorer) expand(ctx context.Context, path []pathStep) (e expansion) {
	e.ran = true
	ctx, cancel := context.WithTimeout(ctx, x.sc.Timeouts.Scenario)
	defer cancel()
	e.contexts = 1
	d, err := x.open(ctx)
	if err != nil {
		e.err = err
		return e
	}
	defer d.Close()
	defer func() { e.dialogs = len(d.Dialogs()) }()
	var watch *loadWatch
	defer func() { watch.stop() }()
	for i, ps := range path {
		if i == len(path)-1 {
			watch = watchLoads(ctx, d.Page())
		}
		e.steps++
		if err := d.Do(ctx, ps.step, nil); err != nil {
			e.err = fmt.Errorf("step %d (%s): %w", i+1, ps.step.String(), err)
			return e
		}
	}
	if n := len(path); n > 0 && path[n-1].newTab == "" && path[n-1].step.Action == scenario.Click {
		// A button may open a window (window.open): what the person sees next is that page.
		d.FollowNewPage(ctx, newPageWait)
	} else if n > 0 && path[n-1].newTab != "" {
		// The engine switches to a new tab while it waits for something: wait for the tab's URL.
		_, _ = d.Settle(ctx, &scenario.Condition{URL: "^" + regexp.QuoteMeta(strings.SplitN(path[n-1].newTab, "#", 2)[0])})
	}
	h := newHelper()
	settle(ctx, h, d.Page(), watch, x.opt.StepTimeout)
	e.screen, e.err = enumerate(ctx, h, d.Page(), x.hover)
	return e
}

// open starts a fresh context on the landing page.
func (x *explorer) open(ctx context.Context) (*run.Driver, error) {
	return run.Open(ctx, guarded{x.b}, x.sc, x.opt.Device, true, x.opt.Run)
}

// verify replays a goal's path as `audit` would run the scenario written from it: each step announces the
// next step's target (the control, for the last), so the engine credits the levels; the control must
// appear at the end. It fills the path's levels and marks it verified.
func (x *explorer) verify(ctx context.Context, p *Path, path []pathStep, control *scenario.Target) error {
	ctx, cancel := context.WithTimeout(ctx, x.sc.Timeouts.Scenario)
	defer cancel()
	x.res.Explored.Contexts++
	d, err := x.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
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
	for _, st := range d.Steps() {
		if st.Phase != "cancel" {
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

// guarded is the browser as explore uses it: every context it opens dismisses confirm() and prompt(), so
// an "are you sure?" before something the deny lexicon did not catch is never accepted. (The engine's own
// dialog handler accepts every native dialog; a script defined before the page's own cannot reach a popup
// tab, so a popup's confirm() is still accepted: see the package documentation.)
type guarded struct{ run.Browser }

// dismissDialogs runs before the page's own scripts in every document of the context's first tab.
const dismissDialogs = `window.confirm = () => false; window.prompt = () => null;`

func (g guarded) NewContext(d browser.Device, onDialog func(browser.Dialog)) (*browser.Context, error) {
	c, err := g.Browser.NewContext(d, onDialog)
	if err != nil {
		return nil, err
	}
	if _, err := c.Page().EvalOnNewDocument(dismissDialogs); err != nil {
		c.Close()
		return nil, fmt.Errorf("prepare context: %w", err)
	}
	return c, nil
}
