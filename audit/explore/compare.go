package explore

import (
	"fmt"

	"github.com/cancelpath/cancelpath/audit/metrics"
)

// Compare sets a scenario's scripted path beside the shortest explored path of the same site and device.
// longer is true when the scripted path takes more clicks to the control (or as many clicks and more
// hovers); note says what was compared, in words, and is empty when there is nothing to compare.
func Compare(scripted *metrics.Result, explored *Result) (note string, longer bool) {
	if scripted == nil || explored == nil {
		return "", false
	}
	if explored.Device != scripted.Device.Name {
		return fmt.Sprintf("not compared: explored on %s, the scenario ran on %s", explored.Device, scripted.Device.Name), false
	}
	p := explored.Shortest
	m := scripted.Metrics
	if p == nil {
		if m.ClicksToControl != nil {
			return "explore found no cancel control within its budgets (" + explored.Reason + "); the scripted path reaches one", false
		}
		return "", false
	}
	short := fmt.Sprintf("%s (%s)", p.Route(), p.Summary())
	if m.ClicksToControl == nil {
		return "the scripted path did not reach the cancel control; explore found one: " + short, false
	}
	clicks, hovers := *m.ClicksToControl, 0
	if m.HoversToControl != nil {
		hovers = *m.HoversToControl
	}
	switch {
	case clicks > p.ClicksToControl:
		return fmt.Sprintf("the scripted path takes %s to the cancel control; a shorter one exists: %s",
			plural(clicks, "click"), short), true
	case clicks == p.ClicksToControl && hovers > p.HoversToControl:
		return fmt.Sprintf("the scripted path needs %s to the cancel control; one with fewer hovers exists: %s",
			plural(hovers, "hover"), short), true
	case clicks < p.ClicksToControl:
		return fmt.Sprintf("the scripted path (%s) is shorter than the shortest explore found: %s; "+
			"check the explore budgets and lexicon", plural(clicks, "click"), short), false
	}
	return "the scripted path is as short as the shortest explore found: " + short, false
}

// Annotate records the shortest explored path and the comparison in the scripted result (its
// shortest_explored field), for reports. It does nothing when explore found no control or ran on another
// device.
func Annotate(scripted *metrics.Result, explored *Result) {
	if scripted == nil || explored == nil || explored.Shortest == nil || explored.Device != scripted.Device.Name {
		return
	}
	p := explored.Shortest
	note, longer := Compare(scripted, explored)
	s := &metrics.Shortest{ClicksToControl: p.ClicksToControl, HoversToControl: p.HoversToControl,
		LevelsToControl: p.LevelsToControl, Route: p.Route(), Control: p.Control.Label,
		ScriptedLonger: longer, Note: note, Steps: make([]string, 0, len(p.Steps)+1)}
	for _, st := range p.Steps {
		s.Steps = append(s.Steps, st.Action+" "+st.Target.String())
	}
	s.Steps = append(s.Steps, "click "+p.Control.Target.String()+" (control)")
	scripted.Shortest = s
}
