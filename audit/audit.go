// Package audit is cancelpath's library API: load scenarios, open a browser, run each scenario on each of its
// devices, and get the measurements. A platform's own `go test` can call it in pre-release CI:
//
//	b, err := audit.OpenBrowser(ctx, audit.BrowserOptions{})
//	if err != nil { t.Fatal(err) }
//	defer b.Close()
//	scs, err := audit.Load([]string{"testdata/cancel.yaml"}, scenario.Options{})
//	res := audit.Run(ctx, b, scs[0], "mobile", run.Options{})
//	if *res.Metrics.ClicksToControl > 2 { t.Errorf("cancel path too long: %d clicks", *res.Metrics.ClicksToControl) }
//
// The CLI (cmd/cancelpath) is a thin layer over this package, audit/rules (verdicts), results (the document,
// diff, merge), reports (renderers) and evidence (seal, verify).
package audit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/cancelpath/cancelpath/audit/browser"
	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/run"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

// Load reads and validates scenario files or folders; nothing runs when any of them is invalid.
func Load(paths []string, opts scenario.Options) ([]*scenario.Scenario, error) {
	return scenario.Load(paths, opts)
}

// BrowserOptions say which browser to use: a remote CDP endpoint, else a local Chromium (Chrome, else
// $CANCELPATH_CHROME, else the system's). The tool never downloads one.
type BrowserOptions struct {
	Chrome string // path to a Chromium binary
	Remote string // ws:// or http:// CDP endpoint
}

// OpenBrowser launches or connects to the browser. Close it when done.
func OpenBrowser(ctx context.Context, o BrowserOptions) (*browser.Browser, error) {
	if o.Remote != "" {
		return browser.Connect(ctx, o.Remote)
	}
	bin, err := browser.Find(o.Chrome)
	if err != nil {
		return nil, err
	}
	return browser.Launch(ctx, bin)
}

// Run runs one scenario on one device. It never fails: problems are recorded in the result.
func Run(ctx context.Context, b run.Browser, sc *scenario.Scenario, device string, opt run.Options) *metrics.Result {
	return run.Run(ctx, b, sc, device, opt)
}

// Job is one scenario on one device.
type Job struct {
	Scenario *scenario.Scenario
	Device   string
}

// Key is the job's scenario@device, as metrics.Result.Key names its result.
func (j Job) Key() string { return j.Scenario.ID + "@" + j.Device }

// Jobs expands scenarios into scenario × device jobs, in file order then device order.
func Jobs(scs []*scenario.Scenario) []Job {
	var jobs []Job
	for _, sc := range scs {
		for _, d := range sc.Devices {
			jobs = append(jobs, Job{Scenario: sc, Device: d})
		}
	}
	return jobs
}

// SweepOptions tune a sweep.
type SweepOptions struct {
	Run      run.Options
	Parallel int // contexts at once on the browser; default 1
	// OnResult is called once per finished job, from one goroutine (not a worker's: the runs go on while it
	// works), in completion order: stream results from here so an interrupted sweep loses nothing that
	// finished.
	OnResult func(i int, r *metrics.Result)
}

// recoverer is a browser that can replace a browser that crashed (Pool).
type recoverer interface {
	run.Browser
	OpenContext(ctx context.Context, d browser.Device, onDialog func(browser.Dialog)) (*browser.Context, error)
	Crashed(ctx context.Context, b *browser.Browser) (bool, error)
}

// ErrInterrupted is returned by Sweep when ctx ended before every job ran.
var ErrInterrupted = errors.New("sweep interrupted")

// Sweep runs every job and returns the results in job order (deterministic, whatever the parallelism).
// When ctx ends, jobs not yet finished are left out (nil in the slice: a run cut short is not a result) and
// ErrInterrupted is returned. When b is a Pool and a run lost its browser (it crashed, or the connection
// was lost, in any phase of the run), the browser is relaunched (once, however many runs saw it go) and the
// run retried once (Attempts 2, the first reason in Notes).
func Sweep(ctx context.Context, b run.Browser, jobs []Job, o SweepOptions) ([]*metrics.Result, error) {
	n := o.Parallel
	if n < 1 {
		n = 1
	}
	results := make([]*metrics.Result, len(jobs))
	next := make(chan int)
	// Finished results go to one goroutine that calls OnResult, so a slow callback (writing evidence,
	// exploring) delays the stream, never the runs: the queue holds every job's result at most once.
	type finished struct {
		i int
		r *metrics.Result
	}
	done := make(chan finished, len(jobs))
	delivered := make(chan struct{})
	go func() {
		defer close(delivered)
		for f := range done {
			results[f.i] = f.r
			if o.OnResult != nil {
				o.OnResult(f.i, f.r)
			}
		}
	}()
	var wg sync.WaitGroup
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if r := runWithRetry(ctx, b, jobs[i], o.Run); r != nil { // nil: interrupted
					done <- finished{i, r}
				}
			}
		}()
	}
feed:
	for i := range jobs {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	close(done)
	<-delivered
	if ctx.Err() != nil {
		return results, fmt.Errorf("%w: %v", ErrInterrupted, ctx.Err()) //nolint:errorlint // only ErrInterrupted in the chain: ctx's error is text
	}
	return results, nil
}

// runWithRetry runs a job, and once more when a browser it ran on was lost meanwhile. nil: ctx ended during
// the run.
func runWithRetry(ctx context.Context, b run.Browser, j Job, opt run.Options) *metrics.Result {
	rec, ok := b.(recoverer)
	if !ok {
		r := run.Run(ctx, b, j.Scenario, j.Device, opt)
		if ctx.Err() != nil {
			return nil
		}
		return r
	}
	l := &lease{rec: rec, ctx: ctx}
	r := run.Run(ctx, l, j.Scenario, j.Device, opt)
	if ctx.Err() != nil {
		return nil
	}
	// A context that lost its browser while the run used it is a lost run, whatever the status says (a
	// subscribe or logged-out phase cut short leaves the status ok). And a lost browser can look like
	// anything from inside the run (a wait that never ends reads as no_control), so every run that did not
	// end ok asks whether its browsers are still there (one that hangs has not disconnected).
	lost := l.disconnected()
	if !lost && r.Status == metrics.StatusOK {
		return r
	}
	crashed, err := l.crashed(ctx)
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		r.Notes = append(r.Notes, err.Error())
		return r
	}
	if !lost && !crashed {
		return r // the browser is fine: the site failed, not the browser
	}
	first := r.Reason
	if first == "" {
		first = "the browser went away during a later phase" // the cancel path itself had ended ok
	}
	r = run.Run(ctx, &lease{rec: rec, ctx: ctx}, j.Scenario, j.Device, opt)
	if ctx.Err() != nil {
		return nil
	}
	r.Attempts = 2
	r.Notes = append(r.Notes, "first attempt lost its browser: "+first)
	return r
}

// lease is the pool as one run sees it: it opens the run's contexts with the sweep's ctx and remembers
// them, so that only a crash of the run's own browsers counts against the run, not that of another browser
// of the pool.
type lease struct {
	rec recoverer
	ctx context.Context

	mu   sync.Mutex
	ctxs []*browser.Context
}

func (l *lease) NewContext(d browser.Device, onDialog func(browser.Dialog)) (*browser.Context, error) {
	c, err := l.rec.OpenContext(l.ctx, d, onDialog)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ctxs = append(l.ctxs, c)
	return c, nil
}

func (l *lease) Version() string { return l.rec.Version() }

// disconnected tells whether a context of the run lost its browser while it was open.
func (l *lease) disconnected() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.ContainsFunc(l.ctxs, (*browser.Context).Disconnected)
}

// crashed tells whether a browser the run used crashed (it is replaced by then); err: its relaunch failed.
func (l *lease) crashed(ctx context.Context) (bool, error) {
	l.mu.Lock()
	var used []*browser.Browser
	for _, c := range l.ctxs {
		if !slices.Contains(used, c.Browser()) {
			used = append(used, c.Browser())
		}
	}
	l.mu.Unlock()
	lost := false
	for _, b := range used {
		crashed, err := l.rec.Crashed(ctx, b)
		if err != nil {
			return crashed, err
		}
		lost = lost || crashed
	}
	return lost, nil
}
