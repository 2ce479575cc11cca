package run

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

// The pointer's findings: where a click lands on a control, what blocks it, which element a locator means,
// and whether a click was delivered. Each page in testdata/pointer plays one case; a false "control not
// reachable" is the worst outcome, so every case checks the status, the reason and what was counted.

// Deadlines are generous: nothing here is decided by time, and blocked cases wait out their step.
const (
	pointerStepTimeout     = 3 * time.Second
	pointerScenarioTimeout = 30 * time.Second
)

func newPointerSite(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.FileServer(http.Dir("testdata/pointer")))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

func pointerScenario(base, page string, cancel []scenario.Step, done string) *scenario.Scenario {
	if done == "" {
		done = "已退订"
	}
	return &scenario.Scenario{
		ID: "pointer", Site: "pointer", URL: base, Jurisdictions: []string{"cn"}, Devices: []string{"desktop"},
		Timeouts: scenario.Timeouts{Step: pointerStepTimeout, Scenario: pointerScenarioTimeout},
		Login:    []scenario.Step{{Action: scenario.Goto, URL: page}},
		Cancel:   cancel, Done: scenario.Condition{Target: txt(done)},
	}
}

// pageBox measures an element's border box in a page of its own, as the browser lays it out (a wrapped
// link's box depends on the fonts installed).
func pageBox(t *testing.T, base, page, selector string) metrics.Box {
	t.Helper()
	ctx := context.Background()
	d, err := Open(ctx, testBrowser, pointerScenario(base, page, nil, ""), "desktop", true, Options{})
	require.NoError(t, err)
	defer d.Close()
	res, err := d.Page().Eval(`(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
		return {x: r.x, y: r.y, width: r.width, height: r.height}; }`, selector)
	require.NoError(t, err)
	var b metrics.Box
	require.NoError(t, res.Value.Unmarshal(&b))
	return b
}

func TestPointerSites(t *testing.T) {
	base := newPointerSite(t)
	simple := []scenario.Step{control(txt("退订"))}
	wrapBox := pageBox(t, base, "wrap.html", "#l")
	require.Greater(t, wrapBox.Height, 50.0, "the link wraps over two lines")
	cases := []struct {
		name   string
		page   string
		cancel []scenario.Step
		done   string
		device string
		status metrics.Status
		reason []string // substrings of Result.Reason
		clicks *int     // clicks_to_control
		box    *metrics.Box
		check  func(t *testing.T, res *metrics.Result)
	}{
		// 1. The click point lies on the control: inside its line boxes, on its visible part.
		{name: "link wrapped over two lines", page: "wrap.html", cancel: []scenario.Step{control(txt("关闭自动续费服务"))},
			status: metrics.StatusOK, clicks: ip(1), box: &wrapBox, check: func(t *testing.T, res *metrics.Result) {
				assert.Empty(t, res.Control.CoveredBy)
				require.NotNil(t, res.Control.VisibleFraction)
				assert.InDelta(t, 1, *res.Control.VisibleFraction, 0.001)
			}},
		{name: "centre under a fixed header", page: "header.html", status: metrics.StatusOK, clicks: ip(1),
			box: &metrics.Box{X: 16, Y: 40, Width: 120, Height: 44}, check: func(t *testing.T, res *metrics.Result) {
				assert.Contains(t, res.Control.CoveredBy, "header.top")
				require.NotNil(t, res.Control.VisibleFraction)
				assert.InDelta(t, 20.0/44, *res.Control.VisibleFraction, 0.05, "its lower 20 px of 44 are in view")
				assert.Contains(t, strings.Join(res.Notes, "\n"), "is partly covered by header.top")
			}},
		{name: "centre under another button", page: "overlap.html", status: metrics.StatusOK, clicks: ip(1),
			box: &metrics.Box{X: 16, Y: 16, Width: 160, Height: 44}, check: func(t *testing.T, res *metrics.Result) {
				assert.Contains(t, res.Control.CoveredBy, `button.btn.help "客服"`)
				require.NotNil(t, res.Control.VisibleFraction)
				assert.InDelta(t, 110.0/160, *res.Control.VisibleFraction, 0.05)
				assert.NotContains(t, res.FinalURL+strings.Join(stepErrors(res), ""), "客服已连接")
			}},
		// 2. Inert is said as such.
		{name: "inert control", page: "inert.html", status: metrics.StatusBlocked,
			reason: []string{`text="退订" is inert: it has the inert attribute`, "still so after"}},
		{name: "inert ancestor", page: "inert-ancestor.html", status: metrics.StatusBlocked,
			reason: []string{"is inert: its ancestor section#plans has the inert attribute", "still so after"}},
		{name: "outside an open modal dialog", page: "modal.html", status: metrics.StatusBlocked,
			reason: []string{"is inert: a modal dialog (dialog#wait) is open and it is outside it", "still so after"}},
		{name: "inert while loading, then usable", page: "inert-lifted.html", status: metrics.StatusOK, clicks: ip(1)},
		// 3. Blocked is not missing.
		{name: "covered for the whole step", page: "covered.html", status: metrics.StatusBlocked,
			reason: []string{"is covered by div#ad", "still so after"}},
		{name: "pointer-events none", page: "pe-none.html", status: metrics.StatusBlocked,
			reason: []string{"pointer-events: none", "still so after"}},
		// 4. A locator means one element.
		{name: "label and switch with the same text", page: "switch.html", cancel: []scenario.Step{control(txt("自动续费"))},
			done: "已关闭", status: metrics.StatusOK, clicks: ip(1), check: func(t *testing.T, res *metrics.Result) {
				assert.Equal(t, "switch", res.Control.Role)
				assert.Equal(t, 120.0, res.Control.Box.Width)
				assert.Equal(t, 32.0, res.Control.Box.Height)
				assert.Contains(t, strings.Join(res.Notes, "\n"),
					`text="自动续费" matches 2 visible elements; the only one a person can activate was taken: div role=switch "自动续费"`)
			}},
		{name: "two controls with the same text", page: "two.html", status: metrics.StatusFailed,
			reason: []string{`text="退订" matches 2 visible elements`, `[0] button role=button "退订" at (33, 89) 120×44`,
				`[1] button role=button "退订" at (33, 225) 120×44`, "nth:"}},
		{name: "two controls, nth picks", page: "two.html",
			cancel: []scenario.Step{control(&scenario.Target{Text: "退订", Nth: 1})}, status: metrics.StatusOK, clicks: ip(1),
			box: &metrics.Box{X: 33, Y: 225, Width: 120, Height: 44}},
		{name: "two controls, within picks", page: "two.html",
			cancel: []scenario.Step{control(&scenario.Target{Text: "退订", Within: css("#plan-b")})},
			status: metrics.StatusOK, clicks: ip(1), box: &metrics.Box{X: 33, Y: 225, Width: 120, Height: 44}},
		// 5. A click counts when it reached the control.
		{name: "control moves on the second pointer move", page: "move-second.html", status: metrics.StatusOK, clicks: ip(1),
			box: &metrics.Box{X: 16, Y: 16, Width: 120, Height: 44}},
		{name: "control jumps away on the first press", page: "flee-press.html", status: metrics.StatusOK, clicks: ip(1),
			box: &metrics.Box{X: 16, Y: 316, Width: 120, Height: 44}, check: assertMissedOnce},
		{name: "control jumps away on the first tap", page: "flee-press.html", device: "mobile", status: metrics.StatusOK,
			clicks: ip(1), box: &metrics.Box{X: 16, Y: 316, Width: 120, Height: 44}, check: assertMissedOnce},
		{name: "control opens a panel over itself on the press", page: "press-opens.html", status: metrics.StatusOK,
			clicks: ip(1), check: assertNoMiss},
		{name: "control opens a panel over itself on the tap", page: "press-opens.html", device: "mobile",
			status: metrics.StatusOK, clicks: ip(1), check: assertNoMiss},
		{name: "page renders the next screen on the press", page: "press-renders.html", status: metrics.StatusOK,
			clicks: ip(1), check: assertNoMiss},
		{name: "control jumps away on every press", page: "flee-press-always.html", status: metrics.StatusBlocked,
			reason: []string{`text="退订" moved away from the click twice`}, check: func(t *testing.T, res *metrics.Result) {
				require.NotEmpty(t, res.Steps)
				assert.Zero(t, res.Steps[len(res.Steps)-1].Clicks, "a click that missed is no click")
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cancel := tc.cancel
			if cancel == nil {
				cancel = simple
			}
			device := tc.device
			if device == "" {
				device = "desktop"
			}
			res := Run(context.Background(), testBrowser, pointerScenario(base, tc.page, cancel, tc.done), device, Options{})
			t.Logf("%s: %s", res.Status, res.Reason)
			for _, n := range res.Notes {
				t.Logf("note: %s", n)
			}
			if c := res.Control; c != nil && c.VisibleFraction != nil {
				t.Logf("control: %s %+v, covered by %q, visible %.3f", c.Role, c.Box, c.CoveredBy, *c.VisibleFraction)
			}
			require.Equal(t, tc.status, res.Status, "reason: %s", res.Reason)
			for _, r := range tc.reason {
				assert.Contains(t, res.Reason, r)
			}
			if tc.clicks != nil {
				require.NotNil(t, res.Metrics.ClicksToControl)
				assert.Equal(t, *tc.clicks, *res.Metrics.ClicksToControl, "clicks_to_control")
			}
			if tc.status == metrics.StatusOK {
				require.NotNil(t, res.Control)
			}
			if tc.box != nil {
				require.NotNil(t, res.Control)
				assert.InDelta(t, tc.box.X, res.Control.Box.X, 0.5, "box x")
				assert.InDelta(t, tc.box.Y, res.Control.Box.Y, 0.5, "box y")
				assert.InDelta(t, tc.box.Width, res.Control.Box.Width, 0.5, "box width")
				assert.InDelta(t, tc.box.Height, res.Control.Box.Height, 0.5, "box height")
			}
			if tc.check != nil {
				tc.check(t, res)
			}
			assertReportsClean(t, res)
		})
	}
}

func stepErrors(res *metrics.Result) []string {
	var out []string
	for _, s := range res.Steps {
		out = append(out, s.Error)
	}
	return out
}

// assertMissedOnce: the first press did not reach the control; it was measured again and clicked there.
func assertMissedOnce(t *testing.T, res *metrics.Result) {
	t.Helper()
	assert.Contains(t, strings.Join(res.Notes, "\n"), `text="退订" moved away from the click at (76, 38)`)
}

// assertNoMiss: a press the page acted on is a click, however the release and the click then landed.
func assertNoMiss(t *testing.T, res *metrics.Result) {
	t.Helper()
	assert.NotContains(t, strings.Join(res.Notes, "\n"), "moved away")
}

// TestPointerBlockedErrors: every "cannot be used" reason is a *blockedError, so that the run's status is
// blocked, never no_control; a locator that means several elements is an *ambiguousError.
func TestPointerBlockedErrors(t *testing.T) {
	base := newPointerSite(t)
	hostile := newHostileSite(t).URL + "/"
	for _, c := range []struct {
		base, page string
		target     *scenario.Target
		blocked    bool // else ambiguous
		reason     string
	}{
		{base, "inert.html", txt("退订"), true, "is inert"},
		{base, "inert-ancestor.html", txt("退订"), true, "is inert"},
		{base, "covered.html", txt("退订"), true, "is covered by div#ad"},
		{base, "pe-none.html", txt("退订"), true, "pointer-events: none"},
		{base, "flee-press-always.html", txt("退订"), true, "moved away from the click twice"},
		{hostile, "disabled.html", txt("退订"), true, "is disabled"},
		{hostile, "runaway.html", txt("退订"), true, "moved away from the pointer twice"},
		{base, "two.html", txt("退订"), false, "matches 2 visible elements"},
	} {
		t.Run(c.page, func(t *testing.T) {
			_, err := rawPointerStep(t, c.base, c.page, "desktop", control(c.target), nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.reason)
			var blocked *blockedError
			var amb *ambiguousError
			if c.blocked {
				assert.True(t, errors.As(err, &blocked), "a *blockedError: %v", err)
			} else {
				assert.True(t, errors.As(err, &amb), "an *ambiguousError: %v", err)
			}
		})
	}
}

// TestPointerMovedBeforePress: the control moves after the hit test that cleared the click and before the
// press (here the test moves it, at exactly that moment). The press misses, is noticed, and the control is
// measured again and clicked where it went; a control that does it every time is blocked.
func TestPointerMovedBeforePress(t *testing.T) {
	base := newPointerSite(t)
	for _, device := range []string{"desktop", "mobile"} {
		t.Run(device+" once", func(t *testing.T) {
			jumps := 0
			st, err := rawPointerStep(t, base, "jump.html", device, control(txt("退订")), func(ctx context.Context, s *session) {
				if jumps == 0 {
					_, err := s.page(ctx).Eval(`() => jump()`)
					require.NoError(t, err)
				}
				jumps++
			})
			require.NoError(t, err)
			assert.Equal(t, 2, jumps, "pressed twice: the miss and the click")
			assert.Equal(t, 1, st.Clicks, "the press that missed is no click")
		})
		t.Run(device+" every time", func(t *testing.T) {
			st, err := rawPointerStep(t, base, "jump.html", device, control(txt("退订")), func(ctx context.Context, s *session) {
				_, err := s.page(ctx).Eval(`() => jump()`)
				require.NoError(t, err)
			})
			var blocked *blockedError
			require.True(t, errors.As(err, &blocked), "a *blockedError: %v", err)
			assert.Contains(t, err.Error(), "moved away from the click twice")
			assert.Zero(t, st.Clicks)
		})
	}
}

// rawPointerStep opens page, waits for the step's target as the runner does and runs the pointer step,
// returning the step's record and its error as the step made it (before the run turns it into a status).
// beforePress, when given, runs between the hit test that clears the click and each press.
func rawPointerStep(t *testing.T, base, page, device string, st scenario.Step,
	beforePress func(ctx context.Context, s *session)) (metrics.Step, error) {
	t.Helper()
	ctx := context.Background()
	d, err := Open(ctx, testBrowser, pointerScenario(base, page, nil, ""), device, true, Options{})
	require.NoError(t, err)
	defer d.Close()
	if beforePress != nil {
		testBeforePress = beforePress
		defer func() { testBeforePress = nil }()
	}
	sctx, cancel := context.WithTimeout(ctx, pointerStepTimeout)
	defer cancel()
	ok, err := d.s.waitFor(sctx, &scenario.Condition{Target: st.Target})
	require.NoError(t, err)
	require.True(t, ok, "%s appears", st.Target)
	var rec metrics.Step
	x := &stepRun{s: d.s, st: &st, rec: &rec, phase: phaseCancel, index: 0, track: true}
	err = x.pointerStep(sctx)
	return rec, err
}
