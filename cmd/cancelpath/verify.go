package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/cancelpath/cancelpath/evidence"
)

func newVerifyCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "verify DIR",
		Short: "Check evidence folders against their MANIFEST.sha256",
		Long: `verify re-hashes every file of an evidence folder (one holding MANIFEST.sha256), or of every
evidence folder below DIR, and reports each file that changed, is missing, or was added after the folder
was sealed. The same check works without cancelpath: cd into the folder and run
sha256sum -c MANIFEST.sha256 (which does not notice added files).

For each folder it prints the manifest's own SHA-256: record it somewhere the audited party cannot
change (a case file, a signed mail) and the manifest itself cannot be swapped unnoticed.

Exit codes: 0 intact, 1 anything changed, missing or added, 2 no evidence folder found.

  cancelpath verify out/evidence
  cancelpath verify out/evidence/xingchen@mobile`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !fileExists(args[0]) {
				return usageErr("verify: %s does not exist", args[0])
			}
			folders, err := evidence.Verify(args[0])
			if err != nil {
				return usageErr("%v", err)
			}
			w := cmd.OutOrStdout()
			problems, failed := 0, 0
			for _, f := range folders {
				state := "intact"
				if !f.Intact() {
					state = "FAILED"
					problems += len(f.Problems)
					failed++
				}
				fmt.Fprintf(w, "%-6s  %s  (%d files; manifest sha256 %s)\n", state, f.Dir, f.Files, f.ManifestSHA256)
			}
			for _, f := range folders {
				for _, p := range f.Problems {
					fmt.Fprintln(w, "  "+p.String())
				}
			}
			if problems > 0 {
				return &exitError{exitFindings, fmt.Errorf("verify: %d problem(s) in %d of %d evidence folder(s)", problems, failed, len(folders))}
			}
			return nil
		},
	}
}

// fileExists reports whether path names an existing file or folder.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
