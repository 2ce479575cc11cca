package main

import (
	"github.com/spf13/cobra"

	"github.com/cancelpath/cancelpath/audit"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

func newAuditCmd() *cobra.Command {
	var f auditFlags
	var envFile string
	cmd := &cobra.Command{
		Use:   "audit [flags] PATH...",
		Short: "Run scenarios in Chromium, score them and write the rating table and evidence",
		Long: `audit runs every scenario (files, or folders of *.yaml) on each of its devices in a headless
Chromium, measures the path to the cancel control, applies the rule packs and prints the rating table.

With --out DIR it also writes results.json, results.jsonl (streamed as each run ends), results.csv,
report.md, report.html, junit.xml, results.sarif and an evidence folder per run, sealed with
MANIFEST.sha256 (check it with 'cancelpath verify DIR').

Progress goes to stderr, data to stdout. Exit codes: 0 all pass, 1 a rule failed at or above
--fail-on, 2 usage or scenario errors (nothing runs), 3 a run could not be carried out.`,
		Example: `  cancelpath audit scenarios/mysite.yaml
  cancelpath audit --env-file .env -o out --fail-on major scenarios/
  cancelpath audit --format json scenarios/ > results.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.validate()
			if err != nil {
				return err
			}
			opts := scenario.Options{}
			if envFile != "" {
				vars, err := scenario.ReadEnvFile(envFile)
				if err != nil {
					return usageErr("%v", err)
				}
				opts.Env = envChain(vars)
			}
			scs, err := audit.Load(args, opts)
			if err != nil {
				return usageErr("%v", err)
			}
			return auditRun(cmd.Context(), c, scs, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f.register(cmd, "", "major")
	cmd.Flags().StringVar(&envFile, "env-file", "", "file of KEY=VALUE lines for ${VAR} in scenarios (before the environment)")
	return cmd
}
