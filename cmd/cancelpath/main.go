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

	exitInterruptedTwice = 130 // a second Ctrl-C: quit at once, as a shell reports SIGINT
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
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go interrupts(sigs, cancel, os.Exit, os.Stderr)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	signal.Stop(sigs)
	cancel()
	os.Exit(code)
}

// interrupts turns the first SIGINT/SIGTERM into a graceful stop (runs stop, finished results are written,
// every browser is closed) and a second one into quitting at once: someone who presses Ctrl-C twice does
// not want to wait. Leakless ends the browsers of a process that exits without closing them.
func interrupts(sigs <-chan os.Signal, stop context.CancelFunc, exit func(int), stderr io.Writer) {
	<-sigs
	fmt.Fprintln(stderr, "cancelpath: interrupted: stopping the runs and writing what finished (Ctrl-C again to quit at once)")
	stop()
	<-sigs
	fmt.Fprintln(stderr, "cancelpath: interrupted again: quitting now (results not yet written are lost)")
	exit(exitInterruptedTwice)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	return exitCode(root.ExecuteContext(ctx), stderr)
}

// exitCode prints err once and maps it to the exit code the README defines.
func exitCode(err error, stderr io.Writer) int {
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
	// Cobra's own rejections (a bad flag, arguments, an unknown command) are usage errors, made so in
	// usageErrors; anything else unclassified failed at run time.
	fmt.Fprintln(stderr, "cancelpath:", err)
	return exitRuntime
}

// usageErrors marks what cobra rejects before a command runs (flags, arguments, unknown commands) as usage
// errors, for every command in the tree.
func usageErrors(c *cobra.Command) {
	c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &exitError{exitUsage, err} })
	if args := c.Args; args != nil {
		c.Args = func(cmd *cobra.Command, a []string) error {
			if err := args(cmd, a); err != nil {
				return &exitError{exitUsage, err}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		usageErrors(sub)
	}
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
error, a login that failed included, or failed at a step before the control), the sweep was
interrupted, or anything else failed at run time; 130 Ctrl-C pressed twice (quit at once).`,
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
		newExportCmd(),
		newKeygenCmd(),
		newExploreCmd(),
		newMergeCmd(),
	)
	// Cobra calls an unknown subcommand a plain error; the root answers it itself, as a usage error.
	root.Args = cobra.ArbitraryArgs
	root.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return usageErr("unknown command %q for %q (see cancelpath --help)", args[0], cmd.CommandPath())
		}
		return cmd.Help()
	}
	usageErrors(root)
	return root
}
