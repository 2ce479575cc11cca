package run

import (
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
