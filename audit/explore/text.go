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
			fmt.Fprintf(bw, "  %d. %s %s  on %s%s\n", i+1, s.Action, s.Target, s.URL, level)
		}
		where := ""
		if p.Control.InFrame {
			where += ", in an iframe"
		}
		if p.Control.InShadow {
			where += ", in a shadow root"
		}
		fmt.Fprintf(bw, "  %d. click %s  on %s  ← the cancel control (%s, matched %q%s)\n", len(p.Steps)+1,
			p.Control.Target, p.Control.URL, p.Control.Kind, p.Control.Match, where)
		if !p.Verified {
			fmt.Fprintf(bw, "  not verified: %s\n", p.VerifyError)
		}
	} else {
		fmt.Fprintf(bw, "not found: %s\n", r.Reason)
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
	for _, s := range p.Steps {
		if s.Action == "hover" {
			parts = append(parts, "(hover) "+s.Label)
		} else {
			parts = append(parts, s.Label)
		}
	}
	return strings.Join(append(parts, p.Control.Label), " → ")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
