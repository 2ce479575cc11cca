package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"time"

	"github.com/olekukonko/tablewriter"
	"github.com/spf13/cobra"

	"github.com/cancelpath/cancelpath/audit/scenario"
	"github.com/cancelpath/cancelpath/demo"
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

With --serve it only serves the sites and prints their URLs and the test account, so that you can
click through them and write scenarios; it stops on Ctrl-C. The sites listen on loopback only.`,
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
	return auditRun(cmd.Context(), c, scs, cmd.OutOrStdout(), cmd.ErrOrStderr())
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
