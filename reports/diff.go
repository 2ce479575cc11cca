package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/cancelpath/cancelpath/internal/jsonesc"
	"github.com/cancelpath/cancelpath/results"
)

// RenderDiff writes a diff (results.Diff) as a text table ("table"), JSON ("json") or Markdown ("markdown").
func RenderDiff(w io.Writer, d *results.DiffResult, format string, opt Options) error {
	switch format {
	case "", "table":
		return renderDiffTable(w, d, opt)
	case "json":
		js, err := json.MarshalIndent(d.Normalized(), "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(jsonesc.Escape(js), '\n'))
		return err
	case "markdown", "md":
		return renderDiffMarkdown(w, d)
	}
	return fmt.Errorf("unknown diff format %q (want table, json or markdown)", format)
}

// diffSummary is one line: how many regressions, improvements and unchanged pairs.
func diffSummary(d *results.DiffResult) string {
	return fmt.Sprintf("%d regression(s), %d improvement(s), %d other change(s), %d added; %d of %d site×device pair(s) unchanged.",
		len(d.Regressions()), d.Count(results.Better), d.Count(results.Changed), d.Count(results.Added), d.Unchanged, d.Compared)
}

func changeMark(c results.Change, color bool) string {
	mark := map[results.Change]string{results.Worse: "▼ worse", results.Better: "▲ better", results.Changed: "~ changed",
		results.Added: "+ added", results.Removed: "- removed"}[c]
	if !color {
		return mark
	}
	switch c {
	case results.Worse, results.Removed:
		return ansiRed + mark + ansiReset
	case results.Better:
		return ansiGreen + mark + ansiReset
	}
	return mark
}

func renderDiffTable(w io.Writer, d *results.DiffResult, opt Options) error {
	if len(d.Rows) > 0 {
		siteW := max(minSiteCols, opt.width()-76)
		table := tablewriter.NewTable(w,
			tablewriter.WithHeaderAutoFormat(tw.Off),
			tablewriter.WithHeaderAutoWrap(tw.WrapNone),
			tablewriter.WithRowAutoWrap(tw.WrapNone),
			tablewriter.WithHeaderAlignment(tw.AlignLeft),
		)
		table.Header("Site", "Device", "Metric", "Old", "New", "Change")
		for _, r := range d.Rows {
			row := []string{CleanCut(r.Site, siteW), CleanCut(r.Device, 8), CleanCut(r.Metric, 30),
				CleanCut(dashIfEmpty(r.Old), 12), CleanCut(dashIfEmpty(r.New), 12), changeMark(r.Change, opt.Color)}
			if err := table.Append(row); err != nil {
				return fmt.Errorf("diff table: %w", err)
			}
		}
		if err := table.Render(); err != nil {
			return fmt.Errorf("diff table: %w", err)
		}
	}
	_, err := fmt.Fprintln(w, diffSummary(d))
	return err
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func renderDiffMarkdown(w io.Writer, d *results.DiffResult) error {
	var b strings.Builder
	b.WriteString("### cancelpath diff\n\n")
	b.WriteString(mdEscape(diffSummary(d)) + "\n\n")
	if len(d.Rows) > 0 {
		b.WriteString("|Site|Device|Metric|Old|New|Change|\n|---|---|---|--:|--:|---|\n")
		for _, r := range d.Rows {
			fmt.Fprintf(&b, "|%s|%s|%s|%s|%s|%s|\n", mdEscape(r.Site), mdEscape(r.Device), mdEscape(r.Metric),
				mdEscape(dashIfEmpty(r.Old)), mdEscape(dashIfEmpty(r.New)), changeMark(r.Change, false))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
