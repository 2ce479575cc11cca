package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/olekukonko/tablewriter"
	"github.com/spf13/cobra"

	"github.com/cancelpath/cancelpath/audit/scenario"
	"github.com/cancelpath/cancelpath/demo"
	"github.com/cancelpath/cancelpath/evidence"
	"github.com/cancelpath/cancelpath/evidence/tsa"
	"github.com/cancelpath/cancelpath/reports"
	"github.com/cancelpath/cancelpath/results"
	"github.com/cancelpath/cancelpath/scenarios"
)

// demoOptions are the flags of `cancelpath demo`: those it shares with `audit`, plus serving.
type demoOptions struct {
	auditFlags
	serve           bool
	addr            string
	latency, jitter time.Duration
}

func newDemoCmd() *cobra.Command {
	var opts demoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Serve the bundled fictional 卡盟 sites on 127.0.0.1 and audit them",
		Long: `demo serves nine small fictional card shops (卡盟) built into the binary, each showing one thing
consumers complain about when cancelling an auto-renewing 会员 (a help-center maze, a 12×12 px button on
phones, retention screens, a "review" that never ends, a payment channel you must find yourself, a
false success, no cancel control at all but a customer-service bot) or doing it right (a compliant
Chinese shop and a German one with the §312k BGB cancellation button), and audits them with the bundled
scenarios.

With -o DIR (default ./cancelpath-out) it writes what audit -o writes (results.json, results.csv, report.md,
report.html, junit.xml, results.sarif, the evidence) and the regulator's sheet in Chinese and English:
sheet.zh.html, sheet.en.html (printable) and sheet.zh.csv, sheet.en.csv (for Excel).

With --serve it only serves the sites and prints their URLs and the test account, so that you can
click through them and write scenarios; it stops on Ctrl-C. The sites listen on loopback only.

The evidence is timestamped as audit --tsa does it. Without --tsa the demo starts its own RFC 3161
time-stamping authority on 127.0.0.1, with a key and a self-signed certificate made for this run: an
UNTRUSTED demo authority, which shows the mechanism and proves nothing about time. Its certificate is
written to OUT/demo-tsa.pem, for 'cancelpath verify --tsa-cert OUT/demo-tsa.pem OUT'. The evidence is
signed as audit --sign-key does it; without --sign-key, with a key pair made for this run whose private
half is never written: its public key is OUT/demo-signing.pub, for 'cancelpath verify --key'.`,
		Example: `  cancelpath demo -o out
  cancelpath demo --serve --addr 127.0.0.1:8080
  cancelpath demo --serve --latency 200ms --jitter 50ms`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			var c *auditConfig
			if !opts.serve {
				if c, err = opts.auditFlags.validate(); err != nil {
					return err
				}
			}
			if opts.jitter > opts.latency || opts.latency < 0 || opts.jitter < 0 {
				return usageErr("--jitter %s: must be between 0 and --latency (%s)", opts.jitter, opts.latency)
			}
			srv, err := demo.StartWith(opts.addr, demo.Options{Latency: opts.latency, Jitter: opts.jitter})
			if errors.Is(err, demo.ErrAddr) {
				return usageErr("--addr: %v", err)
			} else if err != nil {
				return runtimeErr(err)
			}
			defer func() {
				if cerr := srv.Close(); cerr != nil && err == nil {
					err = runtimeErr(cerr)
				}
			}()
			if opts.serve {
				return serveDemo(cmd.Context(), srv, cmd.OutOrStdout())
			}
			return runDemoAudit(cmd, srv, c)
		},
	}
	opts.register(cmd, "./cancelpath-out", "none")
	cmd.Flags().Lookup("tsa").Usage = "RFC 3161 time-stamping authority (http(s) URL) for the evidence (default: a local, untrusted demo TSA on 127.0.0.1)"
	cmd.Flags().BoolVar(&opts.serve, "serve", false, "only serve the sites and print their URLs and the test account, until Ctrl-C")
	cmd.Flags().StringVar(&opts.addr, "addr", "127.0.0.1:0", "loopback address for the sites (port 0: a free one); the payment channel takes the next port")
	cmd.Flags().DurationVar(&opts.latency, "latency", 0, "wait this long before every response, as a real site's network and server time (e.g. 200ms)")
	cmd.Flags().DurationVar(&opts.jitter, "jitter", 0, "spread --latency uniformly over latency ± jitter")
	return cmd
}

// runDemoAudit audits the served sites with the bundled scenarios (scenarios.Demo, with srv.Env() as
// their ${VAR}s) and writes the rating table and the reports to c.out.
func runDemoAudit(cmd *cobra.Command, srv *demo.Server, c *auditConfig) error {
	files, err := scenarios.DemoScenarios()
	if err != nil {
		return runtimeErr(err)
	}
	env := srv.Env()
	opts := scenario.Options{Env: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	var scs []*scenario.Scenario
	for _, f := range files {
		data, err := fs.ReadFile(scenarios.Demo, f)
		if err != nil {
			return runtimeErr(err)
		}
		// Named as in the source tree, so messages and reports point at the file a reader can open.
		sc, err := scenario.Parse(path.Join("scenarios", f), data, opts)
		if err != nil {
			printProblems(cmd.ErrOrStderr(), err)
			return runtimeErr(fmt.Errorf("demo: bundled scenario %s does not load", f))
		}
		scs = append(scs, sc)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "cancelpath: serving %d demo sites at %s (payment channel %s); auditing them…\n",
		len(srv.Sites()), srv.URL(), srv.PayURL())
	if c.tsa == nil && c.out != "" {
		stop, err := startDemoTSA(c, cmd.ErrOrStderr())
		if err != nil {
			return runtimeErr(err)
		}
		defer stop()
	}
	if c.signKey == nil && c.out != "" {
		if err := demoSigningKey(c, cmd.ErrOrStderr()); err != nil {
			return runtimeErr(err)
		}
	}
	start := time.Now()
	err = auditRun(cmd.Context(), c, scs, cmd.OutOrStdout(), cmd.ErrOrStderr())
	if serr := writeDemoSheets(c, start, cmd.ErrOrStderr()); serr != nil && err == nil {
		err = runtimeErr(fmt.Errorf("demo: %w", serr))
	}
	return err
}

// demoTSACert is the file in the output folder that holds the demo TSA's certificate.
const demoTSACert = "demo-tsa.pem"

// startDemoTSA serves an untrusted time-stamping authority on 127.0.0.1 for the demo's evidence, as the
// demo serves its sites: the whole evidence path works offline. Its certificate goes into the output
// folder, so that the tokens can be checked after the authority is gone.
func startDemoTSA(c *auditConfig, stderr io.Writer) (stop func(), err error) {
	ts, err := tsa.Start()
	if err != nil {
		return nil, fmt.Errorf("demo TSA: %w", err)
	}
	stop = func() { _ = ts.Close() } // the audit is over: nothing asks it any more
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		stop()
		return nil, fmt.Errorf("output folder: %w", err)
	}
	certPath := filepath.Join(c.out, demoTSACert)
	if err := os.WriteFile(certPath, ts.CertificatePEM(), 0o644); err != nil {
		stop()
		return nil, fmt.Errorf("demo TSA: %w", err)
	}
	c.tsa = &evidence.TSA{URL: ts.URL}
	fmt.Fprintf(stderr, "cancelpath: timestamping the evidence with a local demo TSA at %s (UNTRUSTED, made for this run; "+
		"its certificate: %s, for verify --tsa-cert)\n", ts.URL, certPath)
	return stop, nil
}

// demoSigningPub is the file in the output folder that holds the public half of the demo's signing key.
const demoSigningPub = "demo-signing.pub"

// demoSigningKey makes a key pair for this demo run: the evidence is signed as with --sign-key, the public
// key goes into the output folder, and the private key lives only in memory, so nothing else can sign
// with it once the demo is over.
func demoSigningKey(c *auditConfig, stderr io.Writer) error {
	privPEM, pubPEM, err := evidence.GenerateKey()
	if err != nil {
		return fmt.Errorf("demo signing key: %w", err)
	}
	if c.signKey, err = evidence.ParsePrivateKey(privPEM); err != nil {
		return fmt.Errorf("demo signing key: %w", err)
	}
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return fmt.Errorf("output folder: %w", err)
	}
	pubPath := filepath.Join(c.out, demoSigningPub)
	if err := os.WriteFile(pubPath, pubPEM, 0o644); err != nil {
		return fmt.Errorf("demo signing key: %w", err)
	}
	fmt.Fprintf(stderr, "cancelpath: signing the evidence with a key made for this run (its public key: %s, for verify --key)\n", pubPath)
	return nil
}

// writeDemoSheets writes the regulator's sheet (reports.OnRequestFormats) in both languages beside the
// reports, from the results.json this audit wrote: none when there is no output folder, when --format left
// json out, or when the file is an earlier audit's (this one stopped before writing results).
func writeDemoSheets(c *auditConfig, since time.Time, stderr io.Writer) error {
	if c.out == "" {
		return nil
	}
	doc, err := results.ReadDocument(filepath.Join(c.out, reports.FileName(reports.FormatJSON)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	if doc.FinishedAt.Before(since) {
		return nil
	}
	var paths []string
	for _, lang := range []string{"zh", "en"} {
		written, err := reports.WriteAll(c.out, doc, reports.OnRequestFormats(), reports.Options{Lang: lang, BaseDir: c.out})
		paths = append(paths, written...)
		if err != nil {
			return err
		}
	}
	if !c.quiet {
		fmt.Fprintf(stderr, "cancelpath: wrote %s\n", strings.Join(paths, ", "))
	}
	return nil
}

// serveDemo prints the sites, the account and the scenario variables, then serves until ctx ends.
func serveDemo(ctx context.Context, srv *demo.Server, w io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := printDemoSites(srv, w); err != nil {
		return runtimeErr(fmt.Errorf("demo: %w", err))
	}
	<-ctx.Done()
	fmt.Fprintln(w, "Stopped.")
	return nil
}

func printDemoSites(srv *demo.Server, w io.Writer) error {
	t := tablewriter.NewTable(w)
	t.Header("#", "id", "site", "URL", "what it shows")
	for i, s := range srv.Sites() {
		if err := t.Append(fmt.Sprint(i+1), s.ID, s.Name, s.URL, s.Demonstrates); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	env := srv.Env()
	fmt.Fprintf(w, "\nPayment channel (银河支付, reached from site 6): %s/\n", srv.PayURL())
	fmt.Fprintf(w, "Account on every site: %s / %s (every login starts a fresh account with an active auto-renewing 会员)\n",
		env["DEMO_USER"], env["DEMO_PASS"])
	fmt.Fprintln(w, "\nVariables of the scenarios in scenarios/demo/ (e.g. for 'cancelpath audit --env-file'):")
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%s=%s\n", k, env[k])
	}
	fmt.Fprintln(w, "\nServing until Ctrl-C.")
	return nil
}
