package scenario

import (
	"fmt"
	"strings"
)

// String describes the target briefly for reports: text="退订", role=button name="退订",
// css="#x" (within css=".menu") [nth=1].
func (t *Target) String() string {
	if t == nil {
		return "(no target)"
	}
	var b strings.Builder
	switch {
	case t.Text != "":
		fmt.Fprintf(&b, "text=%q", t.Text)
	case t.TextContains != "":
		fmt.Fprintf(&b, "text_contains=%q", t.TextContains)
	case t.TextRegex != "":
		fmt.Fprintf(&b, "text_regex=%q", t.TextRegex)
	case t.Role != "":
		fmt.Fprintf(&b, "role=%s", t.Role)
		if t.Name != "" {
			fmt.Fprintf(&b, " name=%q", t.Name)
		}
		if t.NameRegex != "" {
			fmt.Fprintf(&b, " name_regex=%q", t.NameRegex)
		}
	case t.CSS != "":
		fmt.Fprintf(&b, "css=%q", t.CSS)
	case t.XPath != "":
		fmt.Fprintf(&b, "xpath=%q", t.XPath)
	}
	if t.Within != nil {
		fmt.Fprintf(&b, " (within %s)", t.Within)
	}
	if t.Nth != 0 {
		fmt.Fprintf(&b, " [nth=%d]", t.Nth)
	}
	return b.String()
}

// String describes the condition: its target, or url=~"REGEX".
func (c Condition) String() string {
	if c.Target != nil {
		return c.Target.String()
	}
	return fmt.Sprintf("url=~%q", c.URL)
}

// String describes the step without its value (which may be secret): `click text="退订"`, `goto /login`,
// `press Enter`, `wait 2s`. A goto URL may hold an expanded variable: pass the result through Mask.
func (s *Step) String() string {
	switch s.Action {
	case Goto:
		return "goto " + s.URL
	case Press:
		return "press " + s.Value
	case Wait:
		return "wait " + s.Duration.String()
	case Screenshot:
		return "screenshot " + s.Name
	}
	out := string(s.Action) + " " + s.Target.String()
	if s.Absent {
		out += " (absent)"
	}
	return out
}
