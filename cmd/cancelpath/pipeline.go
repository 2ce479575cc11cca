package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/cancelpath/cancelpath/audit"
	"github.com/cancelpath/cancelpath/audit/browser"
	"github.com/cancelpath/cancelpath/audit/rules"
	auditrun "github.com/cancelpath/cancelpath/audit/run"
	"github.com/cancelpath/cancelpath/audit/scenario"
	"github.com/cancelpath/cancelpath/evidence"
	"github.com/cancelpath/cancelpath/reports"
	"github.com/cancelpath/cancelpath/results"
)

// auditFlags are the flags `audit` and `demo` share.
type auditFlags struct {
	chrome    string
	remotes   []string
	out       string
	formats   []string
	rules     []string
	ruleFiles []string
	failOn    string
	devices   []string
	parallel  int
	browsers  int
	shard     string
	resume    bool
	explore   bool
	lang      string
	quiet     bool
	signKey   string
	tsa       string
}

func (f *auditFlags) register(cmd *cobra.Command, defaultOut, defaultFailOn string) {
	fl := cmd.Flags()
	fl.StringVar(&f.chrome, "chrome", "", "Chromium binary (default: $"+browser.EnvChrome+", then the system's chromium)")
	fl.StringArrayVar(&f.remotes, "browser", nil, "remote CDP browser to use instead of launching one (ws://… or http://host:port); repeat for several, which share the work")
	fl.StringVarP(&f.out, "out", "o", defaultOut, "folder for results, reports and evidence (screenshots, MHTML, MANIFEST.sha256)")
	fl.StringSliceVarP(&f.formats, "format", "f", nil, "formats to write: table, json, jsonl, csv, markdown, junit, sarif, html, and on request the regulator's sheet-csv, sheet-html (in --lang) (repeatable; default: all but the sheets into --out, or table to stdout without --out)")
	fl.StringSliceVar(&f.rules, "rules", nil, "rule packs to apply, e.g. cn,de,wcag (default: the packs of each scenario's jurisdictions, plus wcag)")
	fl.StringArrayVar(&f.ruleFiles, "rules-file", nil, "extra rule pack file (repeatable)")
	fl.StringVar(&f.failOn, "fail-on", defaultFailOn, "exit 1 when a rule fails at or above this severity: info, minor, major, critical, or none")
	fl.StringSliceVar(&f.devices, "device", nil, "run only these devices (desktop, mobile), whatever the scenarios ask")
	fl.IntVar(&f.parallel, "parallel", 1, "scenarios run at once, each in its own browser context")
	fl.IntVar(&f.browsers, "browsers", 1, "browsers to spread the parallel contexts over")
	fl.StringVar(&f.shard, "shard", "", "run only shard i of n (e.g. 2/8), a stable split by scenario id; default from JOB_COMPLETION_INDEX and "+audit.EnvShardTotal)
	fl.BoolVar(&f.resume, "resume", false, "skip runs already finished in --out's results.jsonl and append to it")
	fl.BoolVar(&f.explore, "explore", false, "also search each site for its shortest path to a cancel control, and say when the scripted path is longer (runs that were carried out only)")
	fl.StringVar(&f.lang, "lang", "en", "language of the reports' own words: en or zh")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress on stderr")
	fl.StringVar(&f.signKey, "sign-key", "", "Ed25519 private key (PEM, from cancelpath keygen) to sign each evidence folder's MANIFEST.sha256 with")
	fl.StringVar(&f.tsa, "tsa", "", "RFC 3161 time-stamping authority (http(s) URL) to timestamp each evidence folder's MANIFEST.sha256 with; one that fails leaves the folder sealed and says so")
}

// auditConfig is the validated form of the flags.
type auditConfig struct {
	auditFlags
	formats []reports.Format
	packs   []*rules.Pack // all packs known (bundled + files); selection is per scenario
	failOn  rules.Severity
	noFail  bool
	shard   *audit.Shard
	signKey ed25519.PrivateKey // nil: evidence sealed, not signed
	tsa     *evidence.TSA      // nil: evidence not timestamped
}

func (f *auditFlags) validate() (*auditConfig, error) {
	c := &auditConfig{auditFlags: *f}
	if f.parallel < 1 || f.browsers < 1 {
		return nil, usageErr("--parallel and --browsers must be at least 1")
	}
	if f.resume && f.out == "" {
		return nil, usageErr("--resume needs --out: it continues the results.jsonl there")
	}
	if f.shard != "" {
		sh, err := audit.ParseShard(f.shard)
		if err != nil {
			return nil, usageErr("--shard: %v", err)
		}
		c.shard = &sh
	} else if sh, ok, err := audit.ShardFromEnv(os.Getenv); err != nil {
		return nil, usageErr("%v", err)
	} else if ok {
		c.shard = &sh
	}
	if f.lang != "en" && f.lang != "zh" {
		return nil, usageErr("--lang must be en or zh, not %q", f.lang)
	}
	for _, d := range f.devices {
		if _, err := browser.LookupDevice(d); err != nil {
			return nil, usageErr("--device: %v", err)
		}
	}
	if len(f.formats) > 0 {
		fs, err := reports.ParseFormats(f.formats)
		if err != nil {
			return nil, usageErr("--format: %v", err)
		}
		c.formats = fs
	}
	if strings.EqualFold(f.failOn, "none") {
		c.noFail = true
	} else {
		sev, err := rules.ParseSeverity(f.failOn)
		if err != nil {
			return nil, usageErr("--fail-on: %v", err)
		}
		c.failOn = sev
	}
	packs, err := rules.Bundled()
	if err != nil {
		return nil, runtimeErr(fmt.Errorf("bundled rule packs: %w", err))
	}
	for _, path := range f.ruleFiles {
		p, err := rules.LoadPackFile(path)
		if err != nil {
			return nil, usageErr("%v", err)
		}
		packs = append(packs, p)
	}
	c.packs = packs
	if f.signKey != "" {
		if f.out == "" {
			return nil, usageErr("--sign-key needs --out: it signs the evidence written there")
		}
		data, err := os.ReadFile(f.signKey)
		if err != nil {
			return nil, usageErr("--sign-key: %v", err)
		}
		if c.signKey, err = evidence.ParsePrivateKey(data); err != nil {
			return nil, usageErr("--sign-key %s: %v", f.signKey, err)
		}
	}
	if f.tsa != "" {
		if f.out == "" {
			return nil, usageErr("--tsa needs --out: it timestamps the evidence written there")
		}
		u, err := url.Parse(f.tsa)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, usageErr("--tsa %q: not an http or https URL", f.tsa)
		}
		c.tsa = &evidence.TSA{URL: f.tsa}
	}
	// Check --rules once up front, so a typo fails before any browser starts.
	if _, err := rules.Select(packs, f.rules, nil); err != nil {
		return nil, usageErr("--rules: %v", err)
	}
	return c, nil
}

// auditRun is the CLI over audit.Auditor: flags in, the rating table and files out, the outcome mapped to
// the exit codes of the README.
func auditRun(ctx context.Context, c *auditConfig, scs []*scenario.Scenario, stdout, stderr io.Writer) error {
	progress := stderr
	if c.quiet {
		progress = io.Discard
	}
	if len(c.devices) > 0 {
		for _, sc := range scs {
			sc.Devices = c.devices
		}
	}
	if c.shard != nil {
		scs = c.shard.Filter(scs)
	}
	a := &audit.Auditor{Packs: c.packs, Rules: c.rules, Parallel: c.parallel, Run: auditrun.Options{OutDir: c.out},
		Explore: c.explore, FailOn: c.failOn, Tool: results.Tool{Name: "cancelpath", Version: version}, SignKey: c.signKey, TSA: c.tsa}

	var stream *results.JSONLWriter
	if c.out != "" {
		if err := os.MkdirAll(c.out, 0o755); err != nil {
			return runtimeErr(fmt.Errorf("output folder: %w", err))
		}
		path := filepath.Join(c.out, reports.FileName(reports.FormatJSONL))
		if c.resume {
			prev, err := previousResults(path)
			if err != nil {
				return runtimeErr(err)
			}
			a.Previous = prev
			fmt.Fprintf(progress, "cancelpath: resuming: %d run(s) already in %s, %d to go\n", len(prev), path,
				len(a.Pending(scs)))
		}
		var err error
		stream, err = results.NewJSONLWriter(path, c.resume)
		if err != nil {
			return runtimeErr(err)
		}
		defer func() { _ = stream.Close() }() // each line was synced as it was appended
		a.Sinks = append(a.Sinks, audit.SinkFunc(stream.Append))
	}

	// Several remote endpoints each get a browser slot (or more, with --browsers above their number).
	slots := max(c.browsers, len(c.remotes))
	pool, err := audit.NewPool(ctx, slots, func(ctx context.Context, slot int) (*browser.Browser, error) {
		o := audit.BrowserOptions{Chrome: c.chrome}
		if len(c.remotes) > 0 {
			o.Remote = c.remotes[slot%len(c.remotes)]
		}
		return audit.OpenBrowser(ctx, o)
	})
	if err != nil {
		if errors.Is(err, browser.ErrNotFound) {
			return usageErr("%v", err)
		}
		return runtimeErr(err)
	}
	defer func() { _ = pool.Close() }() // waits for its browsers: no deadline, no error
	a.Browser = pool

	bar := newProgress(progress, len(a.Pending(scs)))
	a.Sinks = append(a.Sinks, audit.SinkFunc(func(e *results.Entry) error { bar.done(&e.Result); return nil }),
		evidenceWarnings(stderr))
	doc, outcome, err := a.Audit(ctx, scs)
	bar.finish()
	if errors.Is(err, audit.ErrConfig) {
		return usageErr("%v", err)
	}
	if doc != nil && c.shard != nil {
		doc.Shard = &results.ShardInfo{Index: c.shard.Index, Total: c.shard.Total, Runs: []string{}}
		for _, j := range audit.Jobs(scs) {
			doc.Shard.Runs = append(doc.Shard.Runs, j.Key())
		}
	}
	if doc != nil {
		if werr := writeReports(c, doc, stdout, progress); werr != nil {
			return runtimeErr(werr)
		}
	}
	if err != nil {
		return runtimeErr(err)
	}
	return exitStatus(c, outcome)
}

// evidenceWarnings says on stderr, once each, that a run's evidence is not sealed, timestamped or recorded
// as asked (even with --quiet): the result is kept, with the same note, but whoever relies on the evidence
// must learn it now, not from a report.
func evidenceWarnings(w io.Writer) audit.Sink {
	seen := map[string]bool{}
	return audit.SinkFunc(func(e *results.Entry) error {
		for _, n := range e.Notes {
			if (strings.HasPrefix(n, "evidence not ") || strings.HasPrefix(n, "custody log: ")) && !seen[n] {
				seen[n] = true
				fmt.Fprintf(w, "cancelpath: warning: %s: %s\n", e.Key(), n)
			}
		}
		return nil
	})
}

// previousResults reads a results stream left by an earlier (perhaps killed) sweep; none is fine.
func previousResults(path string) ([]results.Entry, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	prev, err := results.ReadJSONL(path)
	if err != nil {
		return nil, fmt.Errorf("resume: %w", err)
	}
	return prev, nil
}

// writeReports prints the table (or the chosen formats) to stdout and writes the files into --out.
func writeReports(c *auditConfig, doc *results.Document, stdout, progress io.Writer) error {
	opt := reports.Options{Lang: c.lang, Color: colorOK(stdout), BaseDir: c.out}
	if c.out == "" {
		formats := c.formats
		if len(formats) == 0 {
			formats = []reports.Format{reports.FormatTable}
		}
		for _, f := range formats {
			if err := reports.Render(stdout, doc, f, opt); err != nil {
				return err
			}
		}
		return nil
	}
	formats := c.formats
	if len(formats) == 0 {
		formats = reports.AllFormats()
	}
	var files []reports.Format
	for _, f := range formats {
		if f != reports.FormatJSONL { // streamed as the runs finished
			files = append(files, f)
		}
	}
	paths, err := reports.WriteAll(c.out, doc, files, opt)
	if err != nil {
		return err
	}
	if err := reports.Render(stdout, doc, reports.FormatTable, opt); err != nil {
		return err
	}
	fmt.Fprintf(progress, "cancelpath: wrote %s\n", strings.Join(paths, ", "))
	return nil
}

// exitStatus maps the outcome to the README's exit codes: 3 when a run measured nothing about its cancel
// control, else 1 when a rule fails at or above --fail-on (unless --fail-on none), else 0. A missing or
// blocked control is a finding, judged by the rules, never a 3.
func exitStatus(c *auditConfig, o audit.Outcome) error {
	switch o.Kind() {
	case audit.Unmeasured:
		return &exitError{exitRuntime, errors.New(o.Summary(c.failOn))}
	case audit.Findings:
		if !c.noFail {
			return &exitError{exitFindings, errors.New(o.Summary(c.failOn))}
		}
	}
	return nil
}

// colorOK: colour only on a terminal, never with NO_COLOR (https://no-color.org).
func colorOK(w io.Writer) bool {
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		return false
	}
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}
