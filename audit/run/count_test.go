package run

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

// The counting rules of the README's metric table on recorded steps, without a browser.
func TestCountMetrics(t *testing.T) {
	login := func(action string) metrics.Step { return metrics.Step{Phase: phaseLogin, Action: action} }
	step := func(action string, clicks int, level bool) metrics.Step {
		return metrics.Step{Phase: phaseCancel, Action: action, Clicks: clicks, Level: level}
	}
	ctl := func(level bool) metrics.Step {
		s := step("click", 1, level)
		s.Control = true
		return s
	}
	skipped := step("click", 1, true)
	skipped.Skipped = true
	tests := []struct {
		name                       string
		steps                      []metrics.Step
		controlReached, done       bool
		clicks, hovers, levels     *int
		clicksToDone, interstitial *int
		login, filled, waits       int
	}{
		{
			name: "help-centre maze: three levels before the control, none after",
			steps: []metrics.Step{login("goto"), login("fill"), login("fill"), login("click"), login("wait_for"),
				step("click", 1, true), step("click", 1, true), step("click", 1, true), ctl(true)},
			controlReached: true, done: true,
			clicks: ip(4), hovers: ip(0), levels: ip(3), clicksToDone: ip(4), interstitial: ip(0), login: 4,
		},
		{
			name:           "hover opens a menu: counted as a hover and a level, not a click",
			steps:          []metrics.Step{step("hover", 0, true), step("click", 1, true), ctl(false)},
			controlReached: true, done: true,
			clicks: ip(2), hovers: ip(1), levels: ip(2), clicksToDone: ip(2), interstitial: ip(0),
		},
		{
			name:           "retention gauntlet: every screen after the control but the last is an interstitial",
			steps:          []metrics.Step{ctl(true), step("click", 1, true), step("click", 1, true), step("click", 1, true)},
			controlReached: true, done: true,
			clicks: ip(1), hovers: ip(0), levels: ip(0), clicksToDone: ip(4), interstitial: ip(3),
		},
		{
			name:           "check already as wanted makes no click; fills and waits are counted",
			steps:          []metrics.Step{step("fill", 0, false), step("check", 0, false), step("wait_for", 0, false), ctl(true)},
			controlReached: true, done: true,
			clicks: ip(1), hovers: ip(0), levels: ip(0), clicksToDone: ip(1), interstitial: ip(0), filled: 1, waits: 1,
		},
		{
			name:           "a skipped optional step counts nothing",
			steps:          []metrics.Step{skipped, ctl(true)},
			controlReached: true, done: true,
			clicks: ip(1), hovers: ip(0), levels: ip(0), clicksToDone: ip(1), interstitial: ip(0),
		},
		{
			name:  "control never reached: nothing to the control is measured, never zero",
			steps: []metrics.Step{step("click", 1, true)},
		},
		{
			name:           "done never seen: counts to the control only",
			steps:          []metrics.Step{step("click", 1, true), ctl(true), step("click", 1, false)},
			controlReached: true,
			clicks:         ip(2), hovers: ip(0), levels: ip(1),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := countMetrics(tc.steps, tc.controlReached, tc.done, 2)
			assert.Equal(t, tc.clicks, m.ClicksToControl, "clicks_to_control")
			assert.Equal(t, tc.hovers, m.HoversToControl, "hovers_to_control")
			assert.Equal(t, tc.levels, m.LevelsToControl, "levels_to_control")
			assert.Equal(t, tc.clicksToDone, m.ClicksToDone, "clicks_to_done")
			assert.Equal(t, tc.interstitial, m.Interstitials, "interstitials")
			assert.Equal(t, tc.login, m.LoginActions, "login_actions")
			assert.Equal(t, tc.filled, m.FieldsFilled, "fields_filled")
			assert.Equal(t, tc.waits, m.Waits, "waits")
			assert.Equal(t, 2, m.Dialogs)
		})
	}
}

// TestPagesToDone: the landing page, then each new document, route or screen; a menu or dialog opened over
// a page is no new page.
func TestPagesToDone(t *testing.T) {
	step := func(kind string, control bool) metrics.Step {
		return metrics.Step{Phase: phaseCancel, Action: string(scenario.Click), Clicks: 1, Control: control,
			Level: kind != "", LevelKind: kind}
	}
	steps := []metrics.Step{step("navigation", false), step("reveal", true), step("route", false),
		step("screen", false), step("", false), step("reveal", false)}
	m := countMetrics(steps, true, true, 0)
	require.NotNil(t, m.PagesToDone)
	assert.Equal(t, 4, *m.PagesToDone, "landing, navigation, route, screen")
	assert.Nil(t, countMetrics(steps, true, false, 0).PagesToDone, "not measured without the done state")
}

// TestOptionsOnPath: the sum of the options of the screens between the control and the done state, and
// not measured when the path was not walked to the end or a screen could not be read.
func TestOptionsOnPath(t *testing.T) {
	screens := []metrics.ScreenOptions{
		{Options: []string{"Remind me later", "Keep my membership", "Continue to cancel"}},
		{Options: []string{"End now", "End on 12 Jan", "Keep my membership", "Remind me later"}},
	}
	tests := []struct {
		name                    string
		screens                 []metrics.ScreenOptions
		control, done, complete bool
		want                    *int
	}{
		{name: "every screen counts, the same label on two screens twice", screens: screens,
			control: true, done: true, complete: true, want: ip(7)},
		{name: "the control led straight to done: nothing to choose", control: true, done: true, complete: true, want: ip(0)},
		{name: "done not reached", screens: screens, control: true, complete: true},
		{name: "control not reached", control: false, done: true, complete: true},
		{name: "a screen could not be read", screens: screens, control: true, done: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, optionsOnPath(tc.screens, tc.control, tc.done, tc.complete))
		})
	}
}

// TestAddScreen: a menu or panel opened on a page adds its new options to that page's screen; a new page,
// route or screen, and a dialog, are screens of their own. Labels are distinct but for case, and capped.
func TestAddScreen(t *testing.T) {
	page := func(step int, opts ...string) metrics.ScreenOptions {
		return metrics.ScreenOptions{StepIndex: step, Scope: scopePage, Options: opts}
	}
	dialog := func(step int, opts ...string) metrics.ScreenOptions {
		return metrics.ScreenOptions{StepIndex: step, Scope: scopeDialog, Options: opts}
	}
	many := make([]string, maxScreenOptions+5)
	for i := range many {
		many[i] = fmt.Sprintf("option %d", i)
	}
	tests := []struct {
		name string
		have []metrics.ScreenOptions
		add  metrics.ScreenOptions
		kind string
		want []metrics.ScreenOptions
	}{
		{name: "the first screen", add: page(1, "Keep", "keep", "Continue"), kind: "navigation",
			want: []metrics.ScreenOptions{page(1, "Keep", "Continue")}},
		{name: "a new document", have: []metrics.ScreenOptions{page(1, "Keep", "Continue")},
			add: page(2, "Keep", "End now"), kind: "navigation",
			want: []metrics.ScreenOptions{page(1, "Keep", "Continue"), page(2, "Keep", "End now")}},
		{name: "a same-URL screen", have: []metrics.ScreenOptions{page(1, "Keep")},
			add: page(2, "Keep", "End now"), kind: "screen",
			want: []metrics.ScreenOptions{page(1, "Keep"), page(2, "Keep", "End now")}},
		{name: "a menu opened on the page joins it", have: []metrics.ScreenOptions{page(1, "Keep", "Reason")},
			add: page(2, "Keep", "Reason", "Too expensive", "Other"), kind: "reveal",
			want: []metrics.ScreenOptions{page(1, "Keep", "Reason", "Too expensive", "Other")}},
		{name: "a dialog opened on the page is a screen of its own", have: []metrics.ScreenOptions{page(1, "Keep")},
			add: dialog(2, "Yes", "Keep"), kind: "reveal",
			want: []metrics.ScreenOptions{page(1, "Keep"), dialog(2, "Yes", "Keep")}},
		{name: "a panel revealed on the control's page is the first screen", add: page(1, "Why?", "Confirm"), kind: "reveal",
			want: []metrics.ScreenOptions{page(1, "Why?", "Confirm")}},
		{name: "a hostile page's options are capped", add: page(1, many...), kind: "navigation",
			want: []metrics.ScreenOptions{{StepIndex: 1, Scope: scopePage, Options: many[:maxScreenOptions], Truncated: true}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, addScreen(tc.have, tc.add, tc.kind))
		})
	}
}
