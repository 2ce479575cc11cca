package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/rules"
	"github.com/cancelpath/cancelpath/results"
)

// markdownRenderer writes a rating table and the findings under it, ready to paste into a report or a pull
// request comment (GitHub-flavoured Markdown).
type markdownRenderer struct{}

func (markdownRenderer) Render(w io.Writer, doc *results.Document, opt Options) error {
	wd, err := lookupWords(opt.Lang)
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "## %s\n\n", mdEscape(wd.Title))
	if doc.Tool.Name != "" {
		fmt.Fprintf(&b, "%s\n\n", mdEscape(generatedLine(doc, wd)))
	}
	if packs := doc.Packs; len(packs) > 0 {
		fmt.Fprintf(&b, "%s %s\n\n", mdEscape(wd.Packs), mdEscape(strings.Join(packs, ", ")))
	}
	head := []string{wd.Rank, wd.Site, wd.Device, wd.Clicks, wd.Levels, wd.Hovers, wd.Interstitials,
		wd.Control, wd.Target, wd.Effect, wd.Score, wd.Grade}
	align := []string{"--:", "---", "---", "--:", "--:", "--:", "--:", "--:", "---", "---", "--:", ":-:"}
	mdRow(&b, head)
	b.WriteString("|" + strings.Join(align, "|") + "|\n")
	for _, e := range results.Ranked(doc) {
		cells := tableRow(e, wd)
		row := make([]string, len(cells))
		for i, c := range cells {
			row[i] = c.text
		}
		row[colGrade] = "**" + mdEscape(row[colGrade]) + "**"
		for i := range row {
			if i != colGrade {
				row[i] = mdEscape(row[i])
			}
		}
		b.WriteString("|" + strings.Join(row, "|") + "|\n")
	}
	b.WriteString("\n")
	writeMarkdownFindings(&b, doc, wd)
	_, err = io.WriteString(w, b.String())
	return err
}

func mdRow(b *strings.Builder, cells []string) {
	esc := make([]string, len(cells))
	for i, c := range cells {
		esc[i] = mdEscape(c)
	}
	b.WriteString("|" + strings.Join(esc, "|") + "|\n")
}

func writeMarkdownFindings(b *strings.Builder, doc *results.Document, wd *words) {
	fmt.Fprintf(b, "### %s\n\n", mdEscape(wd.Findings))
	any := false
	for _, e := range results.Ranked(doc) {
		probs := append(problems(e), notInForce(e)...)
		if e.Status == metrics.StatusOK && len(probs) == 0 {
			continue
		}
		any = true
		fmt.Fprintf(b, "- **%s** (%s)", mdEscape(Clean(e.Site)), mdEscape(wd.device(e.Device.Name)))
		if e.Status != metrics.StatusOK {
			fmt.Fprintf(b, ": %s", mdEscape(wd.status(e.Status)))
			if r := Clean(e.Reason); r != "" {
				fmt.Fprintf(b, " — %s", mdEscape(r))
			}
		}
		b.WriteString("\n")
		for _, v := range probs {
			fmt.Fprintf(b, "  - %s %s: %s", verdictMark(&v), mdEscape(v.RuleID), mdEscape(v.Title))
			if m := measuredText(&v, wd); m != "" {
				fmt.Fprintf(b, " — %s", mdEscape(m))
			}
			if c := Clean(v.Citation); c != "" {
				fmt.Fprintf(b, " — *%s*", mdEscape(c))
			}
			// The rule's legal status on the run's date: what applied, for a reader years later.
			switch note := Clean(v.StatusNote); {
			case !results.InForce(&v):
				fmt.Fprintf(b, " (%s: %s)", mdEscape(wd.NotInForce), mdEscape(note))
			case note != "":
				fmt.Fprintf(b, " (%s: %s)", mdEscape(wd.LegalStatus), mdEscape(note))
			}
			b.WriteString("\n")
		}
	}
	if !any {
		b.WriteString(mdEscape(wd.NoFindings) + "\n")
	}
}

// verdictMark: a failure, a failure of a rule not in force (reference only), or a check that could not
// be made.
func verdictMark(v *rules.Verdict) string {
	switch {
	case v.Outcome != rules.Fail:
		return "❔"
	case !results.InForce(v):
		return "⚪"
	}
	return "❌"
}

// mdEscape makes cleaned text literal in GitHub-flavoured Markdown: HTML is entity-escaped (GitHub renders
// some inline HTML) and the characters that make emphasis, code, links and table cells are
// backslash-escaped. Characters that only matter at the start of a line (#, -, +) never start one here:
// every line this package writes begins with its own markup.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range Clean(s) {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '\\', '`', '*', '_', '[', ']', '|', '~':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// generatedLine says which tool made the document, from how many runs, when.
func generatedLine(doc *results.Document, wd *words) string {
	return fmt.Sprintf(wd.Generated, Clean(doc.Tool.Name), Clean(doc.Tool.Version), len(doc.Results),
		rfc3339Seconds(doc.StartedAt), rfc3339Seconds(doc.FinishedAt))
}
