package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/cancelpath/cancelpath/reports"
	"github.com/cancelpath/cancelpath/results"
)

func newMergeCmd() *cobra.Command {
	var out string
	var allowGaps bool
	cmd := &cobra.Command{
		Use:   "merge [-o merged.json] RESULTS...",
		Short: "Join the results of a sharded sweep into one document",
		Long: `merge reads the results (results.json or results.jsonl) of the shards of a sweep — a CI matrix or
a Kubernetes Indexed Job run with --shard — and writes one results document, ranked again, to -o or
stdout. Render it with 'cancelpath report'.

Two inputs holding the same scenario@device are refused (exit 2): which is right cannot be told.
Shards that are missing, and runs a shard was to do but did not finish, are named on stderr and make
the exit status 3, unless --allow-gaps.`,
		Example: `  cancelpath merge -o all.json shard-*/results.json
  cancelpath report all.json --format html -o report`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			docs := make([]*results.Document, len(args))
			for i, a := range args {
				d, err := results.Load(a)
				if err != nil {
					return usageErr("merge: %v", err)
				}
				docs[i] = d
			}
			merged, gaps, err := results.Merge(args, docs)
			if err != nil {
				return usageErr("merge: %v", err)
			}
			var buf bytes.Buffer
			if err := reports.Render(&buf, merged, reports.FormatJSON, reports.Options{}); err != nil {
				return runtimeErr(err)
			}
			if out == "" {
				_, err = cmd.OutOrStdout().Write(buf.Bytes())
			} else {
				err = os.WriteFile(out, buf.Bytes(), 0o644)
			}
			if err != nil {
				return runtimeErr(fmt.Errorf("merge: %w", err))
			}
			if !gaps.Empty() {
				if allowGaps {
					fmt.Fprintln(cmd.ErrOrStderr(), "cancelpath: merge:", gaps)
					return nil
				}
				return runtimeErr(fmt.Errorf("merge: incomplete sweep: %s", gaps))
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "file to write (default: stdout)")
	cmd.Flags().BoolVar(&allowGaps, "allow-gaps", false, "exit 0 even when shards or runs are missing (they are still named)")
	return cmd
}
