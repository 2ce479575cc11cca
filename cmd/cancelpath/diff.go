package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cancelpath/cancelpath/reports"
	"github.com/cancelpath/cancelpath/results"
)

func newDiffCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "diff OLD.json NEW.json",
		Short: "Compare two audits and fail on a regression (the pre-release CI gate)",
		Long: `diff compares every scenario × device of an old audit (the last release) with the same one in a new
audit, metric by metric, and shows what got worse or better: a longer path (clicks, menu levels,
hovers, retention screens), a smaller or harder-to-hit control, a lower score or grade, a rule in
force that now fails, a status that is no longer ok. A scenario missing from the new audit is a
regression too: it was not checked.

Sub-pixel size changes (under 0.5 CSS px) and score moves under 0.05 are noise and not shown.

Exit codes: 0 no regression, 1 at least one regression, 2 bad input.

  cancelpath diff release-1.4/results.json out/results.json
  cancelpath diff old.json new.json --format markdown >> "$GITHUB_STEP_SUMMARY"`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case "table", "json", "markdown", "md":
			default:
				return usageErr("diff: --format %q: want table, json or markdown", format)
			}
			old, err := results.Load(args[0])
			if err != nil {
				return usageErr("diff: %v", err)
			}
			new, err := results.Load(args[1])
			if err != nil {
				return usageErr("diff: %v", err)
			}
			d := results.Diff(old, new)
			opt := reports.Options{Color: format == "table" && colorOK(cmd.OutOrStdout())}
			if err := reports.RenderDiff(cmd.OutOrStdout(), d, format, opt); err != nil {
				return runtimeErr(fmt.Errorf("diff: %w", err))
			}
			if n := len(d.Regressions()); n > 0 {
				return &exitError{exitFindings, fmt.Errorf("diff: %d regression(s) since %s", n, args[0])}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "table", "output format: table, json or markdown")
	return cmd
}
