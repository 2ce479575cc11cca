package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/cancelpath/cancelpath/reports"
	"github.com/cancelpath/cancelpath/results"
)

func newReportCmd() *cobra.Command {
	var (
		formats []string
		out     string
		lang    string
		width   int
	)
	cmd := &cobra.Command{
		Use:   "report RESULTS.json|RESULTS.jsonl",
		Short: "Render saved results again, without running a browser",
		Long: `report reads the results of an earlier audit (results.json, or the results.jsonl stream of an
interrupted sweep) and renders them again in any format:

  table     the rating table, for a terminal (default)
  json      the whole results document (schema in reports/SCHEMA.md)
  jsonl     one line per scenario × device
  csv       one row per scenario × device, for pandas or Excel (UTF-8 with BOM)
  markdown  a rating table with findings, for a report or a pull request comment
  junit     JUnit XML: a test case per rule per scenario
  sarif     SARIF 2.1.0, for code-scanning UIs
  html      a page with the screenshots of every step

  sheet-csv   the regulator's sheet for Excel: per site and device, whether a cancel control was found,
              whether cancelling takes the user to another site (a payment channel), the clicks, menu levels
              and retention screens to cancel, pre-ticked auto-renewal, the renewal terms next to the
              subscribe button, whether the cancellation took effect, each yes / no / not measured (with the
              reason) and the screenshot and archived page that show it, with the sweep's percentages;
              UTF-8 with BOM, like results.csv
  sheet-html  the same sheet as a printable A4 page

--lang sets the language of the words of table, markdown, html and the sheets. Without -o the formats are
written to stdout; with -o DIR each goes to its file in DIR (results.json, results.csv, report.md,
junit.xml, results.sarif, report.html, sheet.<lang>.csv, sheet.<lang>.html), by default all but the
table and the sheets (ask for those with --format).
Screenshots are looked up beside RESULTS (the audit's output folder): on stdout the HTML embeds them; with
-o it shows thumbnails written under DIR/thumbs, linked to the full images, and past 50 runs report.html
indexes one page per site under DIR/sites.

  cancelpath report out/results.json
  cancelpath report out/results.json --format html --lang zh -o out/zh
  cancelpath report out/results.jsonl --format csv > sweep.csv
  cancelpath report out/results.json --format sheet-html,sheet-csv --lang zh -o out`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fs, err := reports.ParseFormats(formats)
			if err != nil {
				return usageErr("report: %v", err)
			}
			if lang != "en" && lang != "zh" {
				return usageErr("report: --lang %q: want en or zh", lang)
			}
			doc, err := results.Load(args[0])
			if err != nil {
				return usageErr("report: %v", err)
			}
			opt := reports.Options{Lang: lang, Width: width, BaseDir: filepath.Dir(args[0])}
			stdout := cmd.OutOrStdout()
			if out == "" {
				if len(fs) == 0 {
					fs = []reports.Format{reports.FormatTable}
				}
				opt.Color = colorOK(stdout)
				for _, f := range fs {
					if err := reports.Render(stdout, doc, f, opt); err != nil {
						return runtimeErr(fmt.Errorf("report: %w", err))
					}
				}
				return nil
			}
			if len(fs) == 0 {
				fs = fileFormats()
			}
			paths, err := reports.WriteAll(out, doc, fs, opt)
			if err != nil {
				return runtimeErr(fmt.Errorf("report: %w", err))
			}
			for _, p := range paths {
				fmt.Fprintln(cmd.ErrOrStderr(), "wrote", p)
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVarP(&formats, "format", "f", nil, "output format (repeatable, or comma-separated): table, json, jsonl, csv, markdown, junit, sarif, html, sheet-csv, sheet-html")
	cmd.Flags().StringVarP(&out, "out", "o", "", "write the formats as files into this folder instead of stdout")
	cmd.Flags().StringVar(&lang, "lang", "en", "language of the report's own words (table, markdown, html, the sheets): en or zh")
	cmd.Flags().IntVar(&width, "width", 100, "width of the terminal table in columns")
	return cmd
}

// fileFormats are the formats report -o writes by default: every file format but the terminal table, the
// stream (which only an audit writes as it goes) and the formats written on request (the sheet).
func fileFormats() []reports.Format {
	var fs []reports.Format
	for _, f := range reports.AllFormats() {
		if f != reports.FormatTable && f != reports.FormatJSONL {
			fs = append(fs, f)
		}
	}
	return fs
}
