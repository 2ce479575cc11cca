package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/cancelpath/cancelpath/audit"
	"github.com/cancelpath/cancelpath/audit/browser"
	"github.com/cancelpath/cancelpath/audit/explore"
	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/rules"
	auditrun "github.com/cancelpath/cancelpath/audit/run"
	"github.com/cancelpath/cancelpath/audit/scenario"
	"github.com/cancelpath/cancelpath/reports"
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
}

func (f *auditFlags) register(cmd *cobra.Command, defaultOut, defaultFailOn string) {
	fl := cmd.Flags()
	fl.StringVar(&f.chrome, "chrome", "", "Chromium binary (default: $"+browser.EnvChrome+", then the system's chromium)")
	fl.StringArrayVar(&f.remotes, "browser", nil, "remote CDP browser to use instead of launching one (ws://… or http://host:port); repeat for several, which share the work")
	fl.StringVarP(&f.out, "out", "o", defaultOut, "folder for results, reports and evidence (screenshots, MHTML, MANIFEST.sha256)")
	fl.StringSliceVarP(&f.formats, "format", "f", nil, "formats to write: table, json, jsonl, csv, markdown, junit, sarif, html (repeatable; default: all into --out, or table to stdout without --out)")
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
}

// auditConfig is the validated form of the flags.
type auditConfig struct {
	auditFlags
	formats []reports.Format
	packs   []*rules.Pack // all packs known (bundled + files); selection is per scenario
	failOn  rules.Severity
	noFail  bool
	shard   *audit.Shard
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
	// Check --rules once up front, so a typo fails before any browser starts.
	if _, err := rules.Select(packs, f.rules, nil); err != nil {
		return nil, usageErr("--rules: %v", err)
	}
	return c, nil
}

// auditRun runs the scenarios, scores them, writes the reports and returns the exit status as an error
// (nil for exit 0). It is the whole of `audit`, and of `demo` once the sites are served.
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
	jobs := audit.Jobs(scs)
	packsFor := make(map[string][]*rules.Pack, len(scs))
	for _, sc := range scs {
		ps, err := rules.Select(c.packs, c.rules, sc.Jurisdictions)
		if err != nil {
			return usageErr("%s: %v", sc.File, err)
		}
		packsFor[sc.ID] = ps
	}

	doc := &reports.Document{SchemaVersion: reports.SchemaVersion, Tool: reports.Tool{Name: "cancelpath", Version: version},
		StartedAt: time.Now().UTC()}
	if c.shard != nil {
		doc.Shard = &reports.ShardInfo{Index: c.shard.Index, Total: c.shard.Total, Runs: []string{}}
		for _, j := range jobs {
			doc.Shard.Runs = append(doc.Shard.Runs, j.Key())
		}
	}
	var stream *reports.JSONLWriter
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
			doc.Results = append(doc.Results, prev...)
			jobs = skipFinished(jobs, prev)
			fmt.Fprintf(progress, "cancelpath: resuming: %d run(s) already in %s, %d to go\n", len(prev), path, len(jobs))
		}
		var err error
		stream, err = reports.NewJSONLWriter(path, c.resume)
		if err != nil {
			return runtimeErr(err)
		}
		defer stream.Close()
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
	defer pool.Close()

	entries := make([]reports.Entry, len(jobs))
	var streamErr error
	bar := newProgress(progress, len(jobs))
	results, sweepErr := audit.Sweep(ctx, pool, jobs, audit.SweepOptions{
		Parallel: c.parallel,
		Run:      auditrun.Options{OutDir: c.out},
		OnResult: func(i int, r *metrics.Result) {
			// A run that could not look (login failed, site down, browser lost) leaves explore nothing to
			// compare with, and would only spend its budget on the same failure.
			if c.explore && r.Status.CarriedOut() {
				compareExplored(ctx, pool, jobs[i].Scenario, r)
			}
			entries[i] = score(packsFor[r.ScenarioID], r)
			if stream != nil && streamErr == nil {
				streamErr = stream.Append(&entries[i])
			}
			if c.out != "" {
				sealEvidence(c.out, jobs[i].Scenario, r, pool.Version(), progress)
			}
			bar.done(r)
		},
	})
	bar.finish()
	doc.FinishedAt = time.Now().UTC()
	for i, r := range results {
		if r != nil {
			doc.Results = append(doc.Results, entries[i])
		}
	}
	packIDs := map[string]bool{}
	for _, sc := range scs { // in scenario order, so the same audit writes the same document
		for _, p := range packsFor[sc.ID] {
			if !packIDs[p.ID] {
				packIDs[p.ID] = true
				doc.Packs = append(doc.Packs, p.ID)
			}
		}
	}
	reports.RankEntries(doc.Results)
	if err := writeReports(c, doc, stdout, progress); err != nil {
		return runtimeErr(err)
	}
	if streamErr != nil {
		return runtimeErr(fmt.Errorf("results stream: %w", streamErr))
	}
	if sweepErr != nil {
		return runtimeErr(fmt.Errorf("%w: %d of %d runs finished and were written", sweepErr, len(doc.Results), len(jobs)))
	}
	return exitStatus(c, doc)
}

// compareExplored explores the site on the run's device and notes on the result when the scenario's path
// is longer than the shortest one found (issue: a scripted path only shows the path its author took).
func compareExplored(ctx context.Context, b auditrun.Browser, sc *scenario.Scenario, r *metrics.Result) {
	ex, err := explore.Explore(ctx, b, sc, explore.Options{Device: r.Device.Name})
	if err != nil {
		r.Notes = append(r.Notes, "explore: "+sc.Mask(err.Error()))
		return
	}
	explore.Annotate(r, ex)
	if r.Shortest != nil && r.Shortest.ScriptedLonger {
		r.Notes = append(r.Notes, sc.Mask(r.Shortest.Note))
	}
}

// score applies the packs to one result. A run that was not carried out keeps its verdicts (every one could
// not measure, and says why) but is not scored: a 0 or an F would blame the site for what the tool could not
// see (overall 0, grade "", no pack scores; reports/SCHEMA.md).
func score(packs []*rules.Pack, r *metrics.Result) reports.Entry {
	e := reports.Entry{Result: *r}
	e.Verdicts, e.Scores = rules.Evaluate(packs, r)
	if !r.Status.CarriedOut() {
		e.Scores = nil
		return e
	}
	e.Overall, e.Grade = rules.Overall(e.Scores)
	return e
}

// previousResults reads a results stream left by an earlier (perhaps killed) sweep; none is fine.
func previousResults(path string) ([]reports.Entry, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	prev, err := reports.ReadJSONL(path)
	if err != nil {
		return nil, fmt.Errorf("resume: %w", err)
	}
	return prev, nil
}

// skipFinished drops the jobs whose scenario@device already has a result.
func skipFinished(jobs []audit.Job, prev []reports.Entry) []audit.Job {
	done := make(map[string]bool, len(prev))
	for _, e := range prev {
		done[e.Key()] = true
	}
	var out []audit.Job
	for _, j := range jobs {
		if !done[j.Key()] {
			out = append(out, j)
		}
	}
	return out
}

// writeReports prints the table (or the chosen formats) to stdout and writes the files into --out.
func writeReports(c *auditConfig, doc *reports.Document, stdout, progress io.Writer) error {
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

// exitStatus: 3 when a run measured nothing about its cancel control (not carried out: out_of_reach,
// site_error, error; or failed at a step before the control), else 1 when a rule fails at or above --fail-on,
// else 0. A missing or blocked control is a finding, judged by the rules, never a 3.
func exitStatus(c *auditConfig, doc *reports.Document) error {
	var broken []string
	for i := range doc.Results {
		e := &doc.Results[i]
		switch {
		case !e.Status.CarriedOut():
			broken = append(broken, fmt.Sprintf("%s (%s)", e.Key(), e.Status))
		case e.Status == metrics.StatusFailed && !rules.ControlReached(&e.Result):
			broken = append(broken, fmt.Sprintf("%s (failed before the cancel control)", e.Key()))
		}
	}
	if len(broken) > 0 {
		return &exitError{exitRuntime, fmt.Errorf("%d run(s) measured nothing about the cancel control: %s",
			len(broken), strings.Join(broken, ", "))}
	}
	if c.noFail {
		return nil
	}
	var failing []string
	for _, e := range doc.Results {
		if rules.FailsAt(e.Verdicts, c.failOn) {
			failing = append(failing, e.Key())
		}
	}
	if len(failing) > 0 {
		return &exitError{exitFindings, fmt.Errorf("rules failed at or above %s in %d run(s): %s", c.failOn, len(failing), strings.Join(failing, ", "))}
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

// sealEvidence writes the run's metadata beside its evidence and seals the folder with MANIFEST.sha256.
// A failure to seal is reported, not fatal: the results themselves are already streamed.
func sealEvidence(out string, sc *scenario.Scenario, r *metrics.Result, browserVersion string, progress io.Writer) {
	dir := filepath.Join(out, auditrun.EvidenceDir(r.ScenarioID, r.Device.Name))
	if _, err := os.Stat(dir); err != nil {
		return // no evidence was taken (the run failed before its first screenshot)
	}
	meta := reports.EvidenceMeta{ScenarioID: r.ScenarioID, Device: r.Device.Name, ScenarioFile: sc.File,
		ScenarioSHA256: sc.SHA256, ToolVersion: version, Browser: browserVersion, StartedAt: r.StartedAt,
		FinishedAt: r.StartedAt.Add(time.Duration(r.DurationMS) * time.Millisecond), Status: r.Status}
	if err := reports.SealEvidence(dir, meta); err != nil {
		fmt.Fprintf(progress, "cancelpath: seal evidence of %s@%s: %v\n", r.ScenarioID, r.Device.Name, err)
	}
}
