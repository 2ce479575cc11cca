package explore

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// WriteText writes a summary for people: the shortest path step by step, the other candidates, how much
// was explored and what was left alone.
func (r *Result) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "cancelpath explore: %s (%s) on %s\n", r.Site, r.ScenarioID, r.Device)
	if p := r.Shortest; p != nil {
		fmt.Fprintf(bw, "found %q: %s\n", p.Control.Label, p.Summary())
		for i, s := range p.Steps {
			level := ""
			if s.Level {
				level = "  → level (" + s.LevelKind + ")"
			}
			fmt.Fprintf(bw, "  %d. %s %s%s  on %s%s\n", i+1, s.Action, s.Target, optionText(s.Option), s.URL, level)
		}
		where := ""
		if p.Control.InFrame {
			where += ", in an iframe"
		}
		if p.Control.InShadow {
			where += ", in a shadow root"
		}
		action := "click"
		if p.Control.Action != "" {
			action = p.Control.Action
		}
		fmt.Fprintf(bw, "  %d. %s %s%s  on %s  ← the cancel control (%s, matched %q%s)\n", len(p.Steps)+1, action,
			p.Control.Target, optionText(p.Control.Option), p.Control.URL, p.Control.Kind, p.Control.Match, where)
		if e := p.Control.Evidence; e != "" && e != EvidenceInPlace && e != EvidenceSwitchOn {
			fmt.Fprintf(bw, "  followed to %s: it %s\n", p.Control.LeadsTo, evidenceText(e, p.Control.Shows))
		}
		if !p.Verified {
			fmt.Fprintf(bw, "  not verified: %s\n", p.VerifyError)
		}
	} else {
		fmt.Fprintf(bw, "not found: %s\n", r.Reason)
	}
	for _, s := range r.Signposts {
		holds := "no cancel control, and starts no cancellation"
		if s.Holds != "" {
			holds = fmt.Sprintf("the control %q", s.Holds)
		}
		fmt.Fprintf(bw, "signpost %q on %s: leads to %s, which holds %s\n", s.Label, s.URL, s.LeadsTo, holds)
	}
	if len(r.Candidates) > 0 {
		fmt.Fprintln(bw, "other candidates:")
		for _, c := range r.Candidates {
			fmt.Fprintf(bw, "  - %q: %s via %s\n", c.Control.Label, c.Summary(), c.Route())
		}
	}
	ex := r.Explored
	fmt.Fprintf(bw, "explored: %s on %s, %s tried (%s replayed in %s), depth %d, %s\n",
		plural(ex.States, "screen"), plural(ex.Pages, "page"), plural(ex.Actions, "action"), plural(ex.Steps, "step"),
		plural(ex.Contexts, "fresh context"), ex.Depth, (time.Duration(ex.WallMS) * time.Millisecond).Round(100*time.Millisecond))
	if ex.Session != "" {
		fmt.Fprintf(bw, "replays: %s (%s); %d in a context reused, %d entered on a page of their path, %d started again from further back\n",
			sessionText(ex.Session), plural(ex.Logins, "login"), ex.Reused, ex.Shortcuts, ex.Fallbacks)
	}
	if len(ex.Skipped) > 0 {
		reasons := make([]string, 0, len(ex.Skipped))
		for k := range ex.Skipped {
			reasons = append(reasons, k)
		}
		slices.Sort(reasons)
		parts := make([]string, len(reasons))
		for i, k := range reasons {
			parts[i] = fmt.Sprintf("%d %s", ex.Skipped[k], k)
		}
		fmt.Fprintf(bw, "left alone: %s\n", strings.Join(parts, ", "))
	}
	if ex.Errors > 0 || ex.Dialogs > 0 {
		fmt.Fprintf(bw, "replays failed: %d; dialogs accepted: %d\n", ex.Errors, ex.Dialogs)
	}
	return bw.Flush()
}

func optionText(o string) string {
	if o == "" {
		return ""
	}
	return fmt.Sprintf(" option %q", o)
}

// evidenceText says in words what following a control showed.
func evidenceText(evidence, shows string) string {
	switch evidence {
	case EvidenceConfirmDialog:
		return fmt.Sprintf("asks to confirm (%q)", shows)
	case EvidenceFlowScreen:
		return fmt.Sprintf("starts the cancellation (%q)", shows)
	case EvidenceConfirmScreen:
		return fmt.Sprintf("asks to confirm the cancellation (%q)", shows)
	case EvidenceCancelForm:
		return fmt.Sprintf("opens the cancellation form (%q)", shows)
	case EvidenceSaysCancelled:
		return fmt.Sprintf("says the cancellation took effect (%q)", shows)
	}
	return evidence
}

func sessionText(mode string) string {
	switch mode {
	case SessionSaved:
		return "one login, then the session saved after it"
	case SessionReplayed:
		return "each new context logged in (the session did not hold)"
	case SessionScenario:
		return "from the scenario's session file"
	}
	return "no login"
}

// Summary is the path's counts in words: "2 clicks, 1 level, 0 hovers".
func (p *Path) Summary() string {
	levels := "levels not measured"
	if p.LevelsToControl != nil {
		levels = plural(*p.LevelsToControl, "level")
	}
	return fmt.Sprintf("%s, %s, %s", plural(p.ClicksToControl, "click"), levels, plural(p.HoversToControl, "hover"))
}

// Route is the path's labels: "我的 → 退订"; hovers are marked.
func (p *Path) Route() string {
	parts := make([]string, 0, len(p.Steps)+1)
	label := func(l, option string) string {
		if option != "" {
			return l + ": " + option
		}
		return l
	}
	for _, s := range p.Steps {
		if s.Action == "hover" {
			parts = append(parts, "(hover) "+s.Label)
		} else {
			parts = append(parts, label(s.Label, s.Option))
		}
	}
	return strings.Join(append(parts, label(p.Control.Label, p.Control.Option)), " → ")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
