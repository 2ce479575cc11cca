// Command cancelpath audits how hard it is to cancel a subscription. See README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Exit codes, as the README defines them.
const (
	exitOK       = 0 // everything passed
	exitFindings = 1 // rule failures at or above --fail-on (or a regression in diff)
	exitUsage    = 2 // usage or scenario errors
	exitRuntime  = 3 // runtime errors: a run not carried out, or failed before its control; an interrupted sweep
)

// exitError carries an exit code up to main; the message is printed once, on stderr.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, a ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, a...)}
}

func runtimeErr(err error) error { return &exitError{exitRuntime, err} }

func main() {
	// SIGINT/SIGTERM cancel the context: runs stop, results are flushed and every browser is closed.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(stderr, "cancelpath:", ee.err)
		}
		return ee.code
	}
	// Anything cobra itself rejects (unknown flag or command) is a usage error.
	fmt.Fprintln(stderr, "cancelpath:", err)
	return exitUsage
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "cancelpath",
		Short: "Audit how hard it is to cancel a subscription",
		Long: `cancelpath drives a real headless Chromium through YAML scenarios that log into a subscription
site, measures the clicks, menu levels, retention screens and button sizes between login and the
cancel control, scores them against auto-renewal and cancellation rules, and writes rating tables
and evidence.

Exit codes: 0 all pass; 1 a rule failed at or above --fail-on (a missing or blocked cancel
control is such a finding), or diff found a regression; 2 usage or scenario errors (nothing
runs); 3 a run measured nothing about its cancel control (status out_of_reach, site_error or
error, a login that failed included, or failed at a step before the control), or the sweep
was interrupted.`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(
		newAuditCmd(),
		newValidateCmd(),
		newDemoCmd(),
		newRulesCmd(),
		newReportCmd(),
		newDiffCmd(),
		newVerifyCmd(),
		newExploreCmd(),
		newMergeCmd(),
	)
	return root
}
