package run

import (
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
