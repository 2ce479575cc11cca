package rules

import (
	"fmt"

	"github.com/cancelpath/cancelpath/audit/metrics"
)

// locator finds the step whose evidence shows a measurement: an index into Result.Steps, or -1.
type locator func(r *metrics.Result) int

func atControl(r *metrics.Result) int {
	for i, s := range r.Steps {
		if s.Control {
			return i
		}
	}
	return -1
}

// atDone is the step that observed the done state, else the last cancel step.
func atDone(r *metrics.Result) int {
	last := -1
	for i, s := range r.Steps {
		switch s.Phase {
		case metrics.PhaseDone:
			return i
		case metrics.PhaseCancel:
			last = i
		}
	}
	return last
}

// atConfirm is the last click after the cancel control: the final confirm button.
func atConfirm(r *metrics.Result) int {
	at, seen := -1, false
	for i, s := range r.Steps {
		if s.Phase != metrics.PhaseCancel {
			continue
		}
		if s.Control {
			seen = true
			continue
		}
		if seen && !s.Skipped && isClick(s.Action) {
			at = i
		}
	}
	return at
}

func isClick(action string) bool {
	switch action {
	case "click", "check", "uncheck", "select":
		return true
	}
	return false
}

func lastIn(r *metrics.Result, phase string) int {
	at := -1
	for i, s := range r.Steps {
		if s.Phase == phase {
			at = i
		}
	}
	return at
}

func atSubscribe(r *metrics.Result) int { return lastIn(r, metrics.PhaseSubscribe) }
func atEffect(r *metrics.Result) int    { return lastIn(r, metrics.PhaseEffect) }
func atLogin(r *metrics.Result) int     { return lastIn(r, metrics.PhaseLogin) }

// evidence is where a measurement can be seen.
type evidence struct {
	phase      string
	index      *int
	line       int
	screenshot string
}

func (m Metric) evidence(r *metrics.Result) evidence {
	var e evidence
	if m.at != nil {
		if i := m.at(r); i >= 0 {
			s := r.Steps[i]
			idx := s.Index
			e = evidence{phase: s.Phase, index: &idx, line: s.Line, screenshot: s.Screenshot}
		}
	}
	// The control's own screenshot is taken just before the click, with its box visible: better evidence
	// for its properties than the step's screenshot after the click.
	if m.section == secControl && r.Control != nil && r.Control.Screenshot != "" {
		e.screenshot = r.Control.Screenshot
	}
	return e
}

// notMeasured explains why a metric has no value in r. For a run that did not end ok the status is the
// reason, named as it is: a missing control, a blocked one and a run that could not look are different
// findings.
func notMeasured(r *metrics.Result, m Metric) string {
	switch {
	case !r.Status.CarriedOut():
		return statusExplanation(r)
	case m.Name == "reachable_without_login":
		return "the logged-out check was not run (set check_without_login: true in the scenario)"
	case m.Name == "control_on_site" && r.Control != nil:
		return "the landing page is unknown (the scenario has no login steps)"
	case m.section == secSubscribe && r.Subscribe == nil:
		return "the sign-up side was not measured (the scenario has no subscribe section)"
	case m.section == secSubscribe && r.Subscribe.Status != metrics.StatusOK && r.Subscribe.Status != "":
		return withReason(fmt.Sprintf("the sign-up side ended %s", r.Subscribe.Status), r.Subscribe.Reason)
	case m.section == secSubscribe:
		return m.Name + " was not measured"
	case r.Status != metrics.StatusOK && r.Status != "":
		return statusExplanation(r)
	case m.section == secEffect && r.Effect == nil:
		return "no effect check ran (the scenario has no effect section, or the done state was not reached)"
	case m.section == secConfirm && r.Confirm == nil:
		return "there was no confirmation screen"
	}
	return m.Name + " was not measured"
}

// statusExplanation says in words how a run that did not end ok ended, with its reason.
func statusExplanation(r *metrics.Result) string {
	switch r.Status {
	case metrics.StatusNoControl:
		return withReason("the cancel control is not there", r.Reason)
	case metrics.StatusBlocked:
		return withReason("the control is there but blocked", r.Reason)
	case metrics.StatusFailed:
		if f := r.FailedStep; f != nil {
			return withReason(fmt.Sprintf("the run failed at %s step %d (line %d)", f.Phase, f.Index, f.Line), r.Reason)
		}
		return withReason("the run failed", r.Reason)
	case metrics.StatusOutOfReach:
		return withReason("the run could not look", r.Reason)
	case metrics.StatusSiteError:
		return withReason("the site could not be audited", r.Reason)
	case metrics.StatusError:
		return withReason("the run could not be carried out", r.Reason)
	}
	return withReason(fmt.Sprintf("the run ended %s", r.Status), r.Reason)
}

func withReason(s, reason string) string {
	if reason == "" {
		return s
	}
	return s + ": " + reason
}
