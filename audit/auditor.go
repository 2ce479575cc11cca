package audit

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/cancelpath/cancelpath/audit/explore"
	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/rules"
	"github.com/cancelpath/cancelpath/audit/run"
	"github.com/cancelpath/cancelpath/audit/scenario"
	"github.com/cancelpath/cancelpath/evidence"
	"github.com/cancelpath/cancelpath/results"
)

// Auditor is the audit pipeline as a library: a platform's own `go test`, a CI job or the CLI configures one
// and runs it over scenarios. Every job (scenario × device) is run; a finished run is explored (when asked,
// on workers of its own, so the runs go on), scored against the rule packs of its jurisdictions, its
// evidence sealed, and handed to the sinks as soon as it is final; the document holds them all, ranked.
//
// The zero value is not usable: Browser and Packs are required.
type Auditor struct {
	// Browser runs the jobs: a *Pool (a crashed browser is relaunched and its run retried) or one browser.
	Browser run.Browser
	// Packs are the rule packs loaded (rules.Bundled, rules.LoadAll). Rules chooses among them by id
	// ("default" or nil: the packs of each scenario's jurisdictions; see rules.Select).
	Packs []*rules.Pack
	Rules []string
	// Parallel is the number of runs at once (default 1).
	Parallel int
	// Run tunes each run; Run.OutDir set: evidence is taken, written there and sealed.
	Run run.Options
	// Explore searches each site for its shortest path to the cancel control too, and notes a scripted
	// path that is longer.
	Explore bool
	// FailOn: a rule in force failing at this severity or above makes the outcome Findings (default major).
	FailOn rules.Severity
	// Tool names the program in the document and the evidence (default "cancelpath", version "dev").
	Tool results.Tool
	// Previous are results of an earlier sweep (a resumed one): their jobs are not run again, and they are
	// in the document.
	Previous []results.Entry
	// Sinks receive every new result once it is final, one at a time, in completion order.
	Sinks []Sink
	// SignKey, when set, signs each sealed evidence folder's manifest (evidence.Sign): who sealed it.
	SignKey ed25519.PrivateKey
	// TSA, when set, has each sealed folder's manifest timestamped (RFC 3161): when it was sealed, vouched
	// for by a third party. A TSA that fails leaves the folder sealed, untimestamped, and a note on the result.
	TSA *evidence.TSA

	tsaFailures int // TSA failures in a row in this audit; only the finisher's goroutine seals
	archives    archiveMaskings
}

// Sink takes the results of an audit as they become final: a JSONL stream, a progress bar, a database. An
// error stops that sink (not the audit); Audit returns it at the end.
type Sink interface {
	Put(e *results.Entry) error
}

// SinkFunc is a function as a Sink.
type SinkFunc func(e *results.Entry) error

// Put calls f.
func (f SinkFunc) Put(e *results.Entry) error { return f(e) }

// ErrConfig marks an audit that could not start: a scenario's jurisdictions name no loaded pack, a rule pack
// id is unknown. Nothing ran.
var ErrConfig = errors.New("audit configuration")

// Outcome is how an audit reads for a gate (a CI job, the CLI's exit status).
type Outcome struct {
	// NotMeasured lists the runs that measured nothing about their cancel control ("site@device (status)"):
	// not carried out (out_of_reach, site_error, error), or failed at a step before the control.
	NotMeasured []string
	// Failing lists the runs with a rule in force failing at FailOn or above.
	Failing []string
}

// Kind of an outcome, from the worst: a run that measured nothing says nothing of the site, so it outranks
// findings.
type Kind int

const (
	Passed     Kind = iota // every run measured, no rule failed at FailOn
	Findings               // a rule failed at FailOn or above (a missing or blocked control included)
	Unmeasured             // a run measured nothing about its cancel control
)

// Kind classifies the outcome. An interrupted sweep is Audit's error (ErrInterrupted), not a kind.
func (o Outcome) Kind() Kind {
	switch {
	case len(o.NotMeasured) > 0:
		return Unmeasured
	case len(o.Failing) > 0:
		return Findings
	}
	return Passed
}

// Audit runs the scenarios on their devices and returns the document (previous and new results, ranked)
// and its outcome. Its error is ErrConfig (nothing ran), ErrInterrupted (what finished is in the document
// and went to the sinks), or a sink's first error.
func (a *Auditor) Audit(ctx context.Context, scs []*scenario.Scenario) (*results.Document, Outcome, error) {
	if a.Browser == nil {
		return nil, Outcome{}, fmt.Errorf("%w: no browser", ErrConfig)
	}
	a.tsaFailures = 0 // each audit gives the TSA a fresh chance
	packsFor := make(map[string][]*rules.Pack, len(scs))
	var packIDs []string
	seen := map[string]bool{}
	for _, sc := range scs { // in scenario order, so the same audit writes the same document
		ps, err := rules.Select(a.Packs, a.Rules, sc.Jurisdictions)
		if err != nil {
			return nil, Outcome{}, fmt.Errorf("%w: %s: %w", ErrConfig, sc.File, err)
		}
		packsFor[sc.ID] = ps
		for _, p := range ps {
			if !seen[p.ID] {
				seen[p.ID] = true
				packIDs = append(packIDs, p.ID)
			}
		}
	}
	tool := a.Tool
	if tool.Name == "" {
		tool = results.Tool{Name: "cancelpath", Version: "dev"}
	}
	doc := &results.Document{SchemaVersion: results.SchemaVersion, Tool: tool, StartedAt: time.Now().UTC(),
		Packs: packIDs, Results: append([]results.Entry(nil), a.Previous...)}

	jobs := a.Pending(scs)
	entries := make([]*results.Entry, len(jobs))
	f := a.finisher(jobs, packsFor, entries)
	ex := a.explorer(ctx, jobs, f.in)
	runOpt := a.Run
	if runOpt.ToolVersion == "" {
		runOpt.ToolVersion = tool.Version
	}
	onArchive := runOpt.OnArchive
	runOpt.OnArchive = func(r *metrics.Result, arch run.Archive) {
		a.archives.put(r, arch.Masking) // declared in meta.json when the folder is sealed
		if onArchive != nil {
			onArchive(r, arch)
		}
	}
	_, sweepErr := Sweep(ctx, a.Browser, jobs, SweepOptions{Parallel: a.Parallel, Run: runOpt,
		OnResult: func(i int, r *metrics.Result) { ex.in <- finishedRun{i, r} }})
	ex.close()
	sinkErr := f.close()

	doc.FinishedAt = time.Now().UTC()
	for _, e := range entries {
		if e != nil {
			doc.Results = append(doc.Results, *e)
		}
	}
	results.RankEntries(doc.Results)
	out := a.outcome(doc)
	switch {
	case sweepErr != nil:
		return doc, out, fmt.Errorf("%w: %d of %d runs finished", sweepErr, len(doc.Results)-len(a.Previous), len(jobs))
	case sinkErr != nil:
		return doc, out, sinkErr
	}
	return doc, out, nil
}

// finishedRun is a run's result on its way through explore and scoring; i indexes the jobs.
type finishedRun struct {
	i int
	r *metrics.Result
}

// explorer runs explore on finished results on workers of its own (Parallel of them), so that a slow
// exploration holds up neither the runs nor the results of other sites; without Explore it only passes
// the results on.
type explorer struct {
	in   chan finishedRun
	wg   sync.WaitGroup
	next chan<- finishedRun
}

func (a *Auditor) explorer(ctx context.Context, jobs []Job, next chan<- finishedRun) *explorer {
	ex := &explorer{in: make(chan finishedRun, len(jobs)), next: next}
	workers := 1
	if a.Explore {
		workers = max(1, a.Parallel)
	}
	for w := 0; w < workers; w++ {
		ex.wg.Add(1)
		go func() {
			defer ex.wg.Done()
			for f := range ex.in {
				// A run that could not look (login failed, site down, browser lost) leaves explore nothing
				// to compare with, and would only spend its budget on the same failure.
				if a.Explore && f.r.Status.CarriedOut() {
					compareExplored(ctx, a.Browser, jobs[f.i].Scenario, f.r)
				}
				next <- f
			}
		}()
	}
	return ex
}

func (ex *explorer) close() {
	close(ex.in)
	ex.wg.Wait()
	close(ex.next)
}

// finisher scores the results, seals their evidence and hands them to the sinks, one at a time.
type finisher struct {
	in   chan finishedRun
	done chan struct{}
	err  error
}

func (a *Auditor) finisher(jobs []Job, packsFor map[string][]*rules.Pack, entries []*results.Entry) *finisher {
	f := &finisher{in: make(chan finishedRun, len(jobs)), done: make(chan struct{})}
	failed := make([]bool, len(a.Sinks))
	go func() {
		defer close(f.done)
		for fr := range f.in {
			e := Score(packsFor[fr.r.ScenarioID], fr.r)
			entries[fr.i] = &e
			if a.Run.OutDir != "" {
				notes, err := a.seal(jobs[fr.i].Scenario, fr.r)
				e.Notes = append(e.Notes, notes...)
				if err != nil {
					e.Notes = append(e.Notes, "evidence not sealed: "+err.Error())
				}
			}
			for k, s := range a.Sinks {
				if failed[k] {
					continue
				}
				if err := s.Put(&e); err != nil {
					failed[k] = true
					if f.err == nil {
						f.err = fmt.Errorf("result sink: %w", err)
					}
				}
			}
		}
	}()
	return f
}

func (f *finisher) close() error {
	<-f.done
	return f.err
}

// Score applies the packs to one result. A run that was not carried out keeps its verdicts (every one could
// not measure, and says why) but is not scored: a 0 or an F would blame the site for what the tool could not
// see (overall 0, grade "", no pack scores; reports/SCHEMA.md).
func Score(packs []*rules.Pack, r *metrics.Result) results.Entry {
	e := results.Entry{Result: *r}
	e.Verdicts, e.Scores = rules.Evaluate(packs, r)
	if !r.Status.CarriedOut() {
		e.Scores = nil
		return e
	}
	e.Overall, e.Grade = rules.Overall(e.Scores)
	return e
}

func (a *Auditor) outcome(doc *results.Document) Outcome { return OutcomeOf(doc, a.FailOn) }

// OutcomeOf reads a document as a gate does, with rule failures counted at failOn or above (default major).
func OutcomeOf(doc *results.Document, failOn rules.Severity) Outcome {
	if failOn == "" {
		failOn = rules.Major
	}
	var o Outcome
	for i := range doc.Results {
		e := &doc.Results[i]
		switch {
		case !e.Status.CarriedOut():
			o.NotMeasured = append(o.NotMeasured, fmt.Sprintf("%s (%s)", e.Key(), e.Status))
		case e.Status == metrics.StatusFailed && !rules.ControlReached(&e.Result):
			o.NotMeasured = append(o.NotMeasured, fmt.Sprintf("%s (failed before the cancel control)", e.Key()))
		}
		if rules.FailsAt(e.Verdicts, failOn) {
			o.Failing = append(o.Failing, e.Key())
		}
	}
	return o
}

// compareExplored explores the site on the run's device and notes on the result when the scenario's path
// is longer than the shortest one found (a scripted path only shows the path its author took).
func compareExplored(ctx context.Context, b run.Browser, sc *scenario.Scenario, r *metrics.Result) {
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

// seal writes the run's metadata beside its evidence and seals the folder with MANIFEST.sha256, then signs
// and timestamps it when asked, recording each step in the folder's custody log. What went wrong after
// sealing (a TSA that failed, an entry not recorded) comes back as notes: the folder stays sealed.
func (a *Auditor) seal(sc *scenario.Scenario, r *metrics.Result) (notes []string, err error) {
	dir := filepath.Join(a.Run.OutDir, evidence.Dir(r.ScenarioID, r.Device.Name))
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil, nil // no evidence was taken (the run failed before its first screenshot)
	} else if err != nil {
		return nil, err
	}
	tool := a.Tool
	if tool.Version == "" {
		tool.Version = "dev"
	}
	// A custody entry not written is a note, not a reason to leave the folder unsealed: verify then shows
	// the gap in the chain.
	custody := func(ev evidence.CustodyEvent, detail string) {
		if err := evidence.AppendCustody(dir, evidence.Event{Event: ev, ToolVersion: tool.Version, Detail: detail}); err != nil {
			notes = append(notes, "custody log: "+err.Error())
		}
	}
	// The log starts when the folder is first sealed; a folder sealed before (a run repeated into the
	// same output) keeps its history.
	if _, err := os.Stat(filepath.Join(dir, evidence.CustodyName)); errors.Is(err, fs.ErrNotExist) {
		custody(evidence.CustodyCreated, fmt.Sprintf("evidence of %s@%s, run started %s", r.ScenarioID, r.Device.Name,
			r.StartedAt.UTC().Format(time.RFC3339)))
	}
	meta := evidence.Meta{ScenarioID: r.ScenarioID, Device: r.Device.Name, ScenarioFile: sc.File,
		ScenarioSHA256: sc.SHA256, ToolVersion: tool.Version, Browser: a.Browser.Version(), StartedAt: r.StartedAt,
		FinishedAt: r.StartedAt.Add(time.Duration(r.DurationMS) * time.Millisecond), Status: r.Status,
		Steps: r.Steps, Provenance: a.provenance(tool.Version, r, time.Now()), Masking: masking(sc, a.archives.take(r))}
	if err := evidence.Seal(dir, meta); err != nil {
		return notes, err
	}
	custody(evidence.CustodySealed, "meta.json and MANIFEST.sha256 written; run status "+string(r.Status))
	if a.SignKey != nil {
		if err := evidence.Sign(dir, a.SignKey); err != nil {
			return notes, err
		}
		custody(evidence.CustodySigned, "Ed25519, public key sha256 "+evidence.KeyID(a.SignKey.Public().(ed25519.PublicKey)))
	}
	if a.TSA != nil {
		notes = append(notes, a.timestamp(dir, custody)...)
	}
	return notes, nil
}

// maxTSAFailures in a row and the TSA is not asked again in this audit: a TSA that is down would otherwise
// hold every run's sealing up for its timeout.
const maxTSAFailures = 3

// timestamp has the sealed folder timestamped by a.TSA and records it; a failure is a note.
func (a *Auditor) timestamp(dir string, custody func(evidence.CustodyEvent, string)) []string {
	if a.tsaFailures >= maxTSAFailures {
		return []string{fmt.Sprintf("evidence not timestamped: the TSA failed %d times in a row and is not asked again in this audit", a.tsaFailures)}
	}
	info, err := a.TSA.Timestamp(context.Background(), dir) // bounded by the TSA's timeout, not the sweep's context: a finished run is still sealed after Ctrl-C
	if err != nil {
		a.tsaFailures++
		return []string{"evidence not timestamped: " + err.Error()}
	}
	a.tsaFailures = 0
	custody(evidence.CustodyTimestamped, fmt.Sprintf("RFC 3161 token from %s (%s), time %s, serial %s", a.TSA.URL, info.TSA,
		info.Time.Format(time.RFC3339), info.Serial))
	return nil
}

// Pending are the jobs of scs that Audit will run: those without a result in Previous.
func (a *Auditor) Pending(scs []*scenario.Scenario) []Job { return skipFinished(Jobs(scs), a.Previous) }

// skipFinished drops the jobs whose scenario@device already has a result.
func skipFinished(jobs []Job, prev []results.Entry) []Job {
	if len(prev) == 0 {
		return jobs
	}
	done := make(map[string]bool, len(prev))
	for _, e := range prev {
		done[e.Key()] = true
	}
	var out []Job
	for _, j := range jobs {
		if !done[j.Key()] {
			out = append(out, j)
		}
	}
	return out
}

// String names a kind as the CLI's summary does.
func (k Kind) String() string {
	return [...]string{"passed", "findings", "unmeasured"}[k]
}

// Summary is a one-line account of the outcome for a log.
func (o Outcome) Summary(failOn rules.Severity) string {
	switch o.Kind() {
	case Unmeasured:
		return fmt.Sprintf("%d run(s) measured nothing about the cancel control: %s", len(o.NotMeasured),
			strings.Join(o.NotMeasured, ", "))
	case Findings:
		return fmt.Sprintf("rules failed at or above %s in %d run(s): %s", failOn, len(o.Failing),
			strings.Join(o.Failing, ", "))
	}
	return "every run measured; no rule failed"
}
