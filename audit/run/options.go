package run

import (
	"context"
	"fmt"

	"github.com/cancelpath/cancelpath/audit/metrics"
)

// optionsRead is what the probe read of a screen's options (probe.js: options).
type optionsRead struct {
	URL       string   `json:"url"`
	Scope     string   `json:"scope"` // scopePage or scopeDialog
	Options   []string `json:"options"`
	Truncated bool     `json:"truncated"`
}

// probeLabelLimit is how much of a label the probe returns: more than is kept (maxOptionLabel), so that a
// secret is masked whole before the label is cut.
const probeLabelLimit = 1000

// readOptions records the options of the screen this step is about to act on, when it is a screen shown
// after the cancel control that no earlier step has read (options_on_path). It is called once the step's
// target has appeared and its level has been credited, before the step acts. Only steps in which a person
// acts read: a wait or an assertion does not answer the screen's question.
func (x *stepRun) readOptions(ctx context.Context) {
	s := x.s
	if !x.track || !x.st.Action.IsUserAction() || s.gone != nil {
		return
	}
	kind, fresh := s.unreadScreen()
	if !fresh {
		return
	}
	res := s.r.res
	s.optionsFrom = len(res.Steps) // this step's record, and what follows it, belong to the next screen
	var rd optionsRead
	if err := s.call(ctx, &rd, "options", toJS(x.st.Target), maxScreenOptions, probeLabelLimit); err != nil {
		s.optionsMissed = true
		if ctx.Err() == nil { // else the step's time is up, and its own failure says why
			res.Notes = append(res.Notes, s.r.sc.Mask(fmt.Sprintf("%s step %d (line %d): the options of its screen "+
				"could not be read, so options_on_path is not measured: %v", x.phase, x.index+1, x.st.Line, err)))
		}
		return
	}
	sc := metrics.ScreenOptions{StepIndex: x.index, StepLine: x.st.Line, URL: maskVariants(s.r.sc, rd.URL),
		Scope: rd.Scope, Options: make([]string, 0, len(rd.Options)), Truncated: rd.Truncated}
	for _, o := range rd.Options {
		sc.Options = append(sc.Options, truncate(s.r.sc.Mask(o), maxOptionLabel))
	}
	res.PathScreens = addScreen(res.PathScreens, sc, kind)
}

// unreadScreen tells whether the page shows a screen after the cancel control that no step has read yet:
// the control, or an action after the last read, opened a level (see creditLevel). kind is the kind of the
// latest such level. The control's own page is never one: nothing after the control has shown it anew.
func (s *session) unreadScreen() (kind string, ok bool) {
	steps := s.r.res.Steps
	control := -1
	for i := range steps {
		if steps[i].Phase == phaseCancel && steps[i].Control && steps[i].Error == "" && !steps[i].Skipped {
			control = i
		}
	}
	if control < 0 {
		return "", false
	}
	for i := max(control, s.optionsFrom); i < len(steps); i++ {
		if steps[i].Phase == phaseCancel && steps[i].Level && !steps[i].Skipped {
			kind, ok = steps[i].LevelKind, true
		}
	}
	return kind, ok
}
