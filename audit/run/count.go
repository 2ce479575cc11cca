package run

import (
	"strings"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

// countMetrics derives the counts of the README's metric table from the recorded steps. It is pure so the counting rules
// are tested without a browser. controlReached says the control step ran; doneReached that the done state
// was observed; cancelDialogs is the dialogs accepted during the cancel phase.
func countMetrics(steps []metrics.Step, controlReached, doneReached bool, cancelDialogs int) metrics.Metrics {
	var m metrics.Metrics
	m.Dialogs = cancelDialogs
	control, lastAction := -1, -1
	var cancel []metrics.Step
	for _, s := range steps {
		switch s.Phase {
		case phaseLogin:
			if !s.Skipped && scenario.Action(s.Action).IsUserAction() {
				m.LoginActions++
			}
		case phaseCancel:
			cancel = append(cancel, s)
		}
	}
	for i, s := range cancel {
		if s.Skipped {
			continue
		}
		a := scenario.Action(s.Action)
		if s.Control {
			control = i
		}
		if a.IsUserAction() {
			lastAction = i
		}
		switch a {
		case scenario.Fill:
			m.FieldsFilled++
		case scenario.Wait, scenario.WaitFor:
			m.Waits++
		}
	}
	if controlReached && control >= 0 {
		clicks, hovers, levels := 0, 0, 0
		for i := 0; i <= control; i++ {
			s := cancel[i]
			if s.Skipped {
				continue
			}
			clicks += s.Clicks
			if i < control {
				if s.Action == string(scenario.Hover) {
					hovers++
				}
				if s.Level {
					levels++
				}
				if s.Picker {
					levels++
				}
			}
		}
		m.ClicksToControl, m.HoversToControl, m.LevelsToControl = &clicks, &hovers, &levels
	}
	if doneReached && control >= 0 {
		clicks, inter := 0, 0
		for i, s := range cancel {
			if s.Skipped {
				continue
			}
			clicks += s.Clicks
			// Screens between the control click and the done state: levels opened by the control click and
			// by each later action, except the one that revealed the done state itself.
			if i >= control && i < lastAction && s.Level {
				inter++
			}
		}
		m.ClicksToDone, m.Interstitials = &clicks, &inter
		pages := 1 // the landing page
		for _, s := range cancel {
			if !s.Skipped && s.Level && s.LevelKind != "reveal" {
				pages++
			}
		}
		m.PagesToDone = &pages
	}
	return m
}

// Scopes of a screen's options (metrics.ScreenOptions.Scope).
const (
	scopePage   = "page"   // the page's content, site chrome excluded
	scopeDialog = "dialog" // an open dialog: the screen's question
)

// Limits of what one screen's options record, so that a hostile page cannot bloat a result.
const (
	maxScreenOptions = 100 // options recorded per screen
	maxOptionLabel   = 120 // characters kept of a label
)

// optionsOnPath is options_on_path: the options of every screen between the control and the done state.
// Not measured (nil) unless the control was clicked and the done state observed, as pages_to_done, and
// every such screen was read (complete): a screen left out would make the sum look smaller than it is.
func optionsOnPath(screens []metrics.ScreenOptions, controlReached, doneReached, complete bool) *int {
	if !controlReached || !doneReached || !complete {
		return nil
	}
	n := 0
	for _, s := range screens {
		n += len(s.Options)
	}
	return &n
}

// addScreen adds a screen read after a level of kind opened it. A menu or panel that opened on a page
// (reveal) and was read on the page, right after that page was read, is part of that page's screen: its
// new options join the page's list. Any other level (a new document, route or screen, a dialog) is a
// screen of its own.
func addScreen(screens []metrics.ScreenOptions, sc metrics.ScreenOptions, kind string) []metrics.ScreenOptions {
	if n := len(screens); n > 0 && kind == "reveal" && sc.Scope == scopePage && screens[n-1].Scope == scopePage {
		last := &screens[n-1]
		last.Options, last.Truncated = distinctOptions(append(last.Options, sc.Options...), last.Truncated || sc.Truncated)
		return screens
	}
	sc.Options, sc.Truncated = distinctOptions(sc.Options, sc.Truncated)
	return append(screens, sc)
}

// distinctOptions keeps the first of the labels that are the same but for case, at most maxScreenOptions
// of them; truncated is set when any had to be left out.
func distinctOptions(labels []string, truncated bool) ([]string, bool) {
	seen := make(map[string]bool, len(labels))
	out := make([]string, 0, len(labels))
	for _, l := range labels {
		key := strings.ToLower(l)
		if seen[key] {
			continue
		}
		if len(out) == maxScreenOptions {
			return out, true
		}
		seen[key] = true
		out = append(out, l)
	}
	return out, truncated
}
