package main

import (
	"crypto/ed25519"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/cancelpath/cancelpath/evidence"
)

func newVerifyCmd() *cobra.Command {
	var keyFile string
	cmd := &cobra.Command{
		Use:   "verify DIR",
		Short: "Check evidence folders against their MANIFEST.sha256",
		Long: `verify re-hashes every file of an evidence folder (one holding MANIFEST.sha256), or of every
evidence folder below DIR, and reports each file that changed, is missing, or was added after the folder
was sealed. The same check works without cancelpath: cd into the folder and run
sha256sum -c MANIFEST.sha256 (which does not notice added files).

For each folder it prints the manifest's own SHA-256: record it somewhere the audited party cannot
change (a case file, a signed mail) and the manifest itself cannot be swapped unnoticed. With --key it
also checks each folder's MANIFEST.sha256.sig (written by audit --sign-key) against that public key: a
folder that is not signed, or whose signature does not hold, fails.

Exit codes: 0 intact, 1 anything changed, missing, added or not signed as asked, 2 no evidence folder found.

  cancelpath verify out/evidence
  cancelpath verify out/evidence/xingchen@mobile
  cancelpath verify --key cancelpath.pub out/evidence`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !fileExists(args[0]) {
				return usageErr("verify: %s does not exist", args[0])
			}
			var pub ed25519.PublicKey
			if keyFile != "" {
				data, err := os.ReadFile(keyFile)
				if err != nil {
					return usageErr("--key: %v", err)
				}
				if pub, err = evidence.ParsePublicKey(data); err != nil {
					return usageErr("--key %s: %v", keyFile, err)
				}
			}
			folders, err := evidence.VerifySigned(args[0], pub)
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
	cmd.Flags().StringVar(&keyFile, "key", "", "Ed25519 public key (PEM, from cancelpath keygen): also check each folder's signature")
	return cmd
}

func newKeygenCmd() *cobra.Command {
	var prefix string
	cmd := &cobra.Command{
		Use:   "keygen",
		Short: "Make an Ed25519 key pair to sign evidence with (audit --sign-key, verify --key)",
		Long: `keygen writes PREFIX.key, the private key (PKCS #8 PEM, readable by its owner only), and PREFIX.pub, the
public key (PKIX PEM), the forms openssl reads. Keep the private key with the auditor; hand the public key to
whoever must check the evidence. It never overwrites a file.`,
		Example: `  cancelpath keygen --out regulator-2026
  cancelpath audit --sign-key regulator-2026.key -o out scenarios/
  cancelpath verify --key regulator-2026.pub out/evidence`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			priv, pub, err := evidence.GenerateKey()
			if err != nil {
				return runtimeErr(err)
			}
			keyPath, pubPath := prefix+".key", prefix+".pub"
			for _, p := range []string{keyPath, pubPath} {
				if fileExists(p) {
					return usageErr("keygen: %s exists: choose another --out", p)
				}
			}
			if err := os.WriteFile(keyPath, priv, 0o600); err != nil {
				return runtimeErr(fmt.Errorf("keygen: %w", err))
			}
			if err := os.WriteFile(pubPath, pub, 0o644); err != nil {
				return runtimeErr(fmt.Errorf("keygen: %w", err))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (private: keep it) and %s (public: share it)\n", keyPath, pubPath)
			return nil
		},
	}
	cmd.Flags().StringVar(&prefix, "out", "cancelpath", "path prefix of the two key files")
	return cmd
}

// fileExists reports whether path names an existing file or folder.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
