package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cancelpath/cancelpath/evidence"
)

func newVerifyCmd() *cobra.Command {
	var keyFile, tsaCertFile string
	var allowNoCustody, record bool
	cmd := &cobra.Command{
		Use:   "verify DIR",
		Short: "Check evidence folders: manifest, signature, time-stamp and custody log",
		Long: `verify re-hashes every file of an evidence folder (one holding MANIFEST.sha256), or of every
evidence folder below DIR, and reports each file that changed, is missing, or was added after the folder
was sealed. The same check works without cancelpath: cd into the folder and run
sha256sum -c MANIFEST.sha256 (which does not notice added files).

For each folder it prints the manifest's own SHA-256: record it somewhere the audited party cannot
change (a case file, a signed mail) and the manifest itself cannot be swapped unnoticed. It also checks:

  signature   with --key, each folder's MANIFEST.sha256.sig (audit --sign-key) must hold under that
              public key (problems: unsigned, signature).
  time-stamp  a folder's MANIFEST.sha256.tsr (audit --tsa URL), an RFC 3161 token, must be signed under
              the certificate it carries, that certificate must be for time-stamping, and the token must
              be over the manifest as it is now (problems: timestamp, timestamp-mismatch). Its time and
              TSA are printed. With --tsa-cert, every folder must have one, and its certificate must
              chain to one of the given certificates at the token's time (problem: untimestamped).
              Without --tsa-cert a token only shows it agrees with itself: anyone can make one.
  custody     CUSTODY.jsonl, the folder's append-only log (created, sealed, signed, timestamped,
              verified, exported), must be whole: each line an entry linked to the line before by its
              SHA-256, numbered in order, starting with created; its last sealed, signed or timestamped
              entry must name the manifest on disk; a signature or token it records since the last
              sealing must still be there (problems: custody, unsigned, untimestamped). A folder without
              a log fails (no-custody): folders sealed by cancelpath before it kept logs have none, and
              --allow-no-custody accepts them.

With --record it appends a "verified" entry with the outcome to each folder's custody log (a folder
without one is left as it is, and said so on stderr).

Outside cancelpath, a token is checked with openssl:
  openssl ts -verify -data MANIFEST.sha256 -in MANIFEST.sha256.tsr -token_in -CAfile TSA.pem

Exit codes: 0 intact, 1 anything changed, missing, added, not signed or timestamped as asked, or a
broken custody log, 2 no evidence folder found, 3 a verification could not be recorded.

  cancelpath verify out/evidence
  cancelpath verify out/evidence/xingchen@mobile
  cancelpath verify --key cancelpath.pub --tsa-cert tsa-roots.pem --record out/evidence`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !fileExists(args[0]) {
				return usageErr("verify: %s does not exist", args[0])
			}
			opts, err := verifyOptions(keyFile, tsaCertFile)
			if err != nil {
				return err
			}
			opts.RequireCustody = !allowNoCustody
			folders, err := evidence.VerifyWith(args[0], opts)
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
				if ts := f.Timestamp; ts != nil {
					fmt.Fprintf(w, "        timestamped %s by %s\n", ts.Time.Format(time.RFC3339), ts.TSA)
				}
				if n := len(f.Custody); n > 0 {
					last := f.Custody[n-1]
					fmt.Fprintf(w, "        custody log: %d entries, the last %s at %s\n", n, last.Event, last.Time)
				}
			}
			for _, f := range folders {
				for _, p := range f.Problems {
					fmt.Fprintln(w, "  "+p.String())
				}
			}
			var recordErr error
			if record {
				recordErr = recordVerified(folders, opts, cmd.ErrOrStderr())
			}
			if problems > 0 {
				return &exitError{exitFindings, fmt.Errorf("verify: %d problem(s) in %d of %d evidence folder(s)", problems, failed, len(folders))}
			}
			if recordErr != nil {
				return runtimeErr(recordErr)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&keyFile, "key", "", "Ed25519 public key (PEM, from cancelpath keygen): also check each folder's signature")
	cmd.Flags().StringVar(&tsaCertFile, "tsa-cert", "", "PEM certificates of the time-stamping authorities (or their roots) to trust: every folder must have a token that chains to one")
	cmd.Flags().BoolVar(&allowNoCustody, "allow-no-custody", false, "accept folders without a custody log (sealed before cancelpath kept one); a log that is there is still checked")
	cmd.Flags().BoolVar(&record, "record", false, "append a \"verified\" entry with the outcome to each folder's custody log")
	return cmd
}

// recordVerified appends the outcome of each folder's check to its custody log. A folder without a log
// gets none (a log that began with "verified" would not show where the folder came from); an entry that
// cannot be written is said on stderr and makes the error.
func recordVerified(folders []evidence.Folder, opts evidence.VerifyOptions, stderr io.Writer) error {
	checked := []string{"manifest"}
	if opts.Key != nil {
		checked = append(checked, "signature under public key sha256 "+evidence.KeyID(opts.Key))
	}
	if opts.TSARoots != nil {
		checked = append(checked, "time-stamp against --tsa-cert")
	} else {
		checked = append(checked, "time-stamp (if any) against its own certificate")
	}
	checked = append(checked, "custody log")
	var failed int
	for _, f := range folders {
		if !f.HasCustody {
			fmt.Fprintf(stderr, "cancelpath: --record: %s has no %s: nothing recorded\n", f.Dir, evidence.CustodyName)
			continue
		}
		outcome := "intact"
		if !f.Intact() {
			var kinds []string
			for _, p := range f.Problems {
				kinds = append(kinds, string(p.Kind)+" "+p.File)
			}
			outcome = fmt.Sprintf("FAILED: %d problem(s): %s", len(f.Problems), strings.Join(kinds, "; "))
		}
		detail := outcome + " (checked: " + strings.Join(checked, ", ") + ")"
		if err := evidence.AppendCustody(f.Dir, evidence.Event{Event: evidence.CustodyVerified, ToolVersion: version, Detail: detail}); err != nil {
			fmt.Fprintf(stderr, "cancelpath: --record: %v\n", err)
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("verify --record: %d of %d verification(s) not recorded", failed, len(folders))
	}
	return nil
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

// verifyOptions reads --key and --tsa-cert (verify, export) into the options of a check.
func verifyOptions(keyFile, tsaCertFile string) (evidence.VerifyOptions, error) {
	var opts evidence.VerifyOptions
	if keyFile != "" {
		data, err := os.ReadFile(keyFile)
		if err != nil {
			return opts, usageErr("--key: %v", err)
		}
		if opts.Key, err = evidence.ParsePublicKey(data); err != nil {
			return opts, usageErr("--key %s: %v", keyFile, err)
		}
	}
	if tsaCertFile != "" {
		data, err := os.ReadFile(tsaCertFile)
		if err != nil {
			return opts, usageErr("--tsa-cert: %v", err)
		}
		if opts.TSARoots, err = evidence.ParseTSARoots(data); err != nil {
			return opts, usageErr("--tsa-cert %s: %v", tsaCertFile, err)
		}
	}
	return opts, nil
}
