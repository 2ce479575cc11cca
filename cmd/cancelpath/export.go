package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cancelpath/cancelpath/evidence"
)

func newExportCmd() *cobra.Command {
	var out, keyFile, tsaCertFile string
	cmd := &cobra.Command{
		Use:   "export DIR --out FILE.zip",
		Short: "Hand evidence folders on as one zip, the hand-over recorded in their custody logs",
		Long: `export checks the evidence folders at or below DIR as verify does (a custody log required; with --key
and --tsa-cert, the signature and the time-stamp too) and, only if every one is intact, appends an
"exported" entry naming the zip to each folder's CUSTODY.jsonl and writes the folders into FILE.zip, the
paths relative to DIR's parent (evidence/<scenario>@<device>/… for an audit's evidence folder). The copy
carries its own hand-over: 'cancelpath verify' of the unzipped folders shows it as the last entry.

It prints the zip's SHA-256: give it with the file (a receipt, a case record), so the recipient can check
what they received. The zip is never written over, nor inside the evidence.

Exit codes: 0 exported, 1 a folder is not intact (nothing exported; the problems are listed), 2 usage
(no evidence folder, FILE exists), 3 the zip could not be written.`,
		Example: `  cancelpath export --out case-2026-001.zip out/evidence
  cancelpath export --key regulator.pub --tsa-cert tsa.pem --out xingchen.zip out/evidence/xingchen@mobile`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageErr("export: --out FILE.zip is required")
			}
			if !fileExists(args[0]) {
				return usageErr("export: %s does not exist", args[0])
			}
			if fileExists(out) {
				return usageErr("export: %s exists: choose another file", out)
			}
			opts, err := verifyOptions(keyFile, tsaCertFile)
			if err != nil {
				return err
			}
			folders, sum, err := evidence.Export(args[0], out, version, opts)
			if err != nil {
				bad := 0
				for _, f := range folders {
					for _, p := range f.Problems {
						fmt.Fprintln(cmd.ErrOrStderr(), "  "+p.String())
						bad++
					}
				}
				if bad > 0 {
					return &exitError{exitFindings, err}
				}
				if len(folders) == 0 {
					return usageErr("%v", err)
				}
				return runtimeErr(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "exported %d evidence folder(s) to %s\nsha256 %s\n", len(folders), out, sum)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "the zip file to write (must not exist)")
	cmd.Flags().StringVar(&keyFile, "key", "", "Ed25519 public key (PEM): each folder must be signed under it")
	cmd.Flags().StringVar(&tsaCertFile, "tsa-cert", "", "trusted TSA certificates (PEM): each folder must be timestamped under one")
	return cmd
}
