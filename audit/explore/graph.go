package explore

import (
	"bufio"
	"fmt"
	"io"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Graph is the part of the site the search saw: screens (nodes), the actions tried between them (edges),
// and the controls it left alone on purpose (Skipped).
type Graph struct {
	Nodes   []GraphNode      `json:"nodes"`
	Edges   []GraphEdge      `json:"edges"`
	Skipped []SkippedControl `json:"skipped"`
}

// GraphNode is one screen: a URL with a set of visible controls. A menu opened on a page is a screen of its
// own.
type GraphNode struct {
	ID       int      `json:"id"`
	URL      string   `json:"url"`
	Title    string   `json:"title"`
	Depth    int      `json:"depth"`    // actions from the landing page (node 0)
	Controls int      `json:"controls"` // visible controls on it
	Goals    []string `json:"goals,omitempty"`
}

// Edge outcomes.
const (
	OutcomeNew     = "new"      // led to a screen not seen before
	OutcomeKnown   = "known"    // led to a screen seen before (To is that screen)
	OutcomeError   = "error"    // the replay failed (see Error); To is -1
	OutcomeOffSite = "off_site" // a script took the page off the site; To is -1
	// OutcomeFlow: the action was a cancel-named control that led into the cancellation (its confirmation, a
	// retention offer): the control, whose page is not searched further; To is -1
	OutcomeFlow = "cancel_flow"
)

// GraphEdge is one action tried on a screen.
type GraphEdge struct {
	From    int    `json:"from"`
	To      int    `json:"to"`
	Action  string `json:"action"` // click or hover
	Target  string `json:"target"` // the locator, described
	Label   string `json:"label"`
	Outcome string `json:"outcome"`
	Error   string `json:"error,omitempty"`
}

// SkippedControl is a control the search did not activate, with the reason (see Explored.Skipped; links to
// known pages and form fields are only counted).
type SkippedControl struct {
	Node   int    `json:"node"`
	Label  string `json:"label"`
	Reason string `json:"reason"`
	Detail string `json:"detail,omitempty"` // the deny term, the off-site host, the scheme
	Href   string `json:"href,omitempty"`
}

// WriteDOT writes the graph in Graphviz DOT: screens as boxes (the landing page bold, screens with a cancel
// control red with the control as an octagon), actions as edges labelled with the control (hovers dashed,
// failed replays and off-site jumps to small grey notes).
func (g *Graph) WriteDOT(w io.Writer, name string) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "digraph %s {\n", dotQuote("explore "+name))
	_, _ = bw.WriteString("  rankdir=LR;\n  node [shape=box, fontname=\"Noto Sans CJK SC\", fontsize=10];\n" +
		"  edge [fontname=\"Noto Sans CJK SC\", fontsize=9];\n")
	for _, n := range g.Nodes {
		attrs := []string{"label=" + dotQuote(shorten(n.Title, 30)+"\n"+urlTail(n.URL))}
		if n.ID == 0 {
			attrs = append(attrs, "style=bold")
		}
		if len(n.Goals) > 0 {
			attrs = append(attrs, "color=red")
		}
		fmt.Fprintf(bw, "  n%d [%s];\n", n.ID, strings.Join(attrs, ", "))
		for i, goal := range n.Goals {
			fmt.Fprintf(bw, "  g%d_%d [shape=doubleoctagon, color=red, label=%s];\n  n%d -> g%d_%d [color=red, style=bold];\n",
				n.ID, i, dotQuote(shorten(goal, 30)), n.ID, n.ID, i)
		}
	}
	for i, e := range g.Edges {
		attrs := []string{"label=" + dotQuote(shorten(e.Label, 24))}
		if e.Action == "hover" {
			attrs = append(attrs, "style=dashed")
		}
		to := fmt.Sprintf("n%d", e.To)
		switch e.Outcome {
		case OutcomeKnown:
			attrs = append(attrs, "color=gray50")
		case OutcomeError, OutcomeOffSite, OutcomeFlow:
			to = fmt.Sprintf("x%d", i)
			fmt.Fprintf(bw, "  %s [shape=note, color=gray60, fontcolor=gray40, label=%s];\n", to, dotQuote(strings.ReplaceAll(e.Outcome, "_", "-")))
			attrs = append(attrs, "color=gray60")
		}
		fmt.Fprintf(bw, "  n%d -> %s [%s];\n", e.From, to, strings.Join(attrs, ", "))
	}
	_, _ = bw.WriteString("}\n")
	return bw.Flush() // and with it any error of the writes above
}

// dotQuote quotes s as a DOT string; "\n" stays a line break.
func dotQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", "")
	return `"` + r.Replace(s) + `"`
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// urlTail is the path, query and fragment of a URL (the host is the same for most screens).
func urlTail(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return shorten(raw, 40)
	}
	tail := u.Path
	if u.RawQuery != "" {
		tail += "?" + u.RawQuery
	}
	if u.Fragment != "" {
		tail += "#" + u.Fragment
	}
	return shorten(u.Host+tail, 40)
}
