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

Without -o the formats are written to stdout; with -o DIR each goes to its file in DIR (results.json,
results.csv, report.md, junit.xml, results.sarif, report.html, ...), by default all but the table.
Screenshots are looked up beside RESULTS (the audit's output folder): on stdout the HTML embeds them; with
-o it shows thumbnails written under DIR/thumbs, linked to the full images, and past 50 runs report.html
indexes one page per site under DIR/sites.

  cancelpath report out/results.json
  cancelpath report out/results.json --format html --lang zh -o out/zh
  cancelpath report out/results.jsonl --format csv > sweep.csv`,
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
	cmd.Flags().StringArrayVarP(&formats, "format", "f", nil, "output format (repeatable, or comma-separated): table, json, jsonl, csv, markdown, junit, sarif, html")
	cmd.Flags().StringVarP(&out, "out", "o", "", "write the formats as files into this folder instead of stdout")
	cmd.Flags().StringVar(&lang, "lang", "en", "language of the report's own words: en or zh")
	cmd.Flags().IntVar(&width, "width", 100, "width of the terminal table in columns")
	return cmd
}

// fileFormats are the formats report -o writes by default: every file format but the terminal table and the
// stream (which only an audit writes as it goes).
func fileFormats() []reports.Format {
	var fs []reports.Format
	for _, f := range reports.AllFormats() {
		if f != reports.FormatTable && f != reports.FormatJSONL {
			fs = append(fs, f)
		}
	}
	return fs
}
