package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cancelpath/cancelpath/audit"
	"github.com/cancelpath/cancelpath/audit/rules"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

func newAuditCmd() *cobra.Command {
	var f auditFlags
	var envFiles, schemes []string
	cmd := &cobra.Command{
		Use:   "audit [flags] PATH...",
		Short: "Run scenarios in Chromium, score them and write the rating table and evidence",
		Long: `audit runs every scenario (files, or folders of *.yaml) on each of its devices in a headless
Chromium, measures the path to the cancel control, applies the rule packs and prints the rating table.

With --out DIR it also writes results.json, results.jsonl (streamed as each run ends), results.csv,
report.md, report.html, junit.xml, results.sarif and an evidence folder per run, sealed with
MANIFEST.sha256, its history in an append-only CUSTODY.jsonl (check both with 'cancelpath verify DIR').
--sign-key signs each manifest (who sealed it); --tsa URL has an RFC 3161 time-stamping authority
timestamp it (when). A TSA that fails or cannot be reached leaves the folder sealed but not timestamped:
the result is kept, and a warning on stderr and a note on the result say so.

Progress goes to stderr (a progress line on a terminal), data to stdout. Exit codes: 0 all pass,
1 a rule failed at or above --fail-on, 2 usage or scenario errors (nothing runs), 3 a run measured
nothing about its cancel control (out_of_reach, site_error, error — a failed login included — or
failed before the control) or the sweep was interrupted.`,
		Example: `  cancelpath audit scenarios/mysite.yaml
  cancelpath audit --env-file .env -o out --fail-on major scenarios/
  cancelpath audit --format json scenarios/ > results.json
  cancelpath audit --parallel 4 --shard 2/8 --resume -o out scenarios/
  cancelpath audit --sign-key me.key --tsa https://tsa.example/ -o out scenarios/`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.validate()
			if err != nil {
				return err
			}
			env, err := envLookup(envFiles, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			scs, err := audit.Load(args, scenario.Options{Env: env, AllowSchemes: schemes,
				Jurisdictions: rules.Jurisdictions(c.packs)}) // a --rules-file pack can add one
			if err != nil {
				problems, files := printProblems(cmd.ErrOrStderr(), err)
				return &exitError{exitUsage, fmt.Errorf("%s in %s: nothing was run", plural(problems, "problem"), plural(files, "scenario file"))}
			}
			return auditRun(cmd.Context(), c, scs, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f.register(cmd, "", "major")
	cmd.Flags().StringArrayVar(&envFiles, "env-file", nil, "read ${VAR} values from this KEY=VALUE file (repeatable; they win over the environment)")
	cmd.Flags().StringSliceVar(&schemes, "allow-scheme", nil, "also accept URLs with this scheme in url, start and goto, e.g. file (repeatable)")
	return cmd
}
