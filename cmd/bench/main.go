// Command bench measures sweeps over the bundled demo sites: throughput and latency at several
// parallelisms, peak memory of the tool plus its browsers, and the engine's overhead against a minimal
// walker that drives the same click paths with plain rod calls and measures nothing. Run it with
// scripts/bench; it prints figures, it asserts nothing. With -report N it measures the HTML report of N
// synthetic runs instead (report.go).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"github.com/cancelpath/cancelpath/audit"
	"github.com/cancelpath/cancelpath/audit/browser"
	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/run"
	"github.com/cancelpath/cancelpath/audit/scenario"
	"github.com/cancelpath/cancelpath/demo"
)

func main() {
	n := flag.Int("n", 48, "scenarios in each sweep (copies of the demo scenarios, desktop)")
	levels := flag.String("parallel", "1,2,4,8,16", "parallelisms to measure")
	lats := flag.String("latency", "0,200ms", "response latencies of the demo sites to measure at (jitter: a quarter of it)")
	raw := flag.Int("raw", 40, "runs for the engine-overhead comparison (each run by both walkers; 0: skip)")
	ev := flag.Int("evidence", 40, "runs for the evidence-overhead comparison (each run with and without evidence; 0: skip)")
	dir := flag.String("scenarios", "scenarios/demo", "folder of the demo scenarios")
	report := flag.Int("report", 0, "instead of the sweeps, measure the HTML report of this many synthetic runs (size, first paint)")
	reportDir := flag.String("report-dir", "", "with -report: write the report here and keep it (default: a temporary folder)")
	cpuprofile := flag.String("cpuprofile", "", "write the tool's CPU profile of the whole bench to this file (go tool pprof)")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		defer func() { pprof.StopCPUProfile(); _ = f.Close() }()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *report > 0 {
		if err := reportBench(ctx, *report, *reportDir); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if err := bench(ctx, *n, *levels, *lats, *raw, *ev, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func bench(ctx context.Context, n int, levels, lats string, rawRuns, evRuns int, dir string) error {
	ps, err := parallelisms(levels)
	if err != nil {
		return err
	}
	var latencies []time.Duration
	for _, f := range strings.Split(lats, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(f))
		if err != nil || d < 0 {
			return fmt.Errorf("bad latency %q", f)
		}
		latencies = append(latencies, d)
	}
	fmt.Printf("command: go run ./cmd/bench -n %d -parallel %s -latency %s -raw %d -evidence %d\n", n, levels, lats, rawRuns, evRuns)
	fmt.Printf("sweep: %d scenarios per row over the demo sites, desktop, cancel path only (login, cancel, done)\n", n)
	fmt.Printf("machine: %d CPUs; browser and tool memory is PSS summed over the process tree, sampled every 500 ms\n\n", runtime.NumCPU())

	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "latency\tparallel\truns\tok\twall s\truns/min\tvs parallel 1\tmedian s\tp95 s\tpeak MiB\tmachine busy\tbrowser CPU\t")
	type key struct {
		lat time.Duration
		p   int
	}
	figures := map[key]*sweepStats{}
	for _, lat := range latencies {
		if err := func() error {
			srv, base, err := demoSites(dir, demo.Options{Latency: lat, Jitter: lat / 4})
			if err != nil {
				return err
			}
			defer func() { _ = srv.Close() }() // cleanup: the figures are taken
			scs := replicate(base, n)
			for _, p := range ps {
				st, err := sweep(ctx, scs, p)
				if err != nil {
					return err
				}
				figures[key{lat, p}] = st
				fmt.Fprintf(os.Stderr, "bench: latency %s, parallel %d: %.1f runs/min\n", lat, p, st.perMin) // progress
				speedup := "-"
				if one := figures[key{lat, 1}]; one != nil && one.perMin > 0 {
					speedup = fmt.Sprintf("%.2f×", st.perMin/one.perMin)
				}
				// machine busy: the share of all CPUs' time that was not idle during the sweep; browser CPU: the
				// browsers' share of the CPU time the tool and its (reaped) browsers used.
				total := st.cpu.tool + st.cpu.browsers
				fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.1f\t%.1f\t%s\t%.2f\t%.2f\t%.0f\t%.0f%%\t%.0f%%\t\n", lat, p, st.runs, st.ok,
					st.wall.Seconds(), st.perMin, speedup, st.median.Seconds(), st.p95.Seconds(), st.peakMiB, 100*st.machineBusy,
					100*float64(st.cpu.browsers)/float64(max(total, 1)))
			}
			return nil
		}(); err != nil {
			return err
		}
	}

	_ = tw.Flush() // to stdout, as the fmt.Printf around it
	fmt.Println()
	lat200 := 200 * time.Millisecond
	if one, eight := figures[key{lat200, 1}], figures[key{lat200, 8}]; one != nil && eight != nil && one.perMin > 0 {
		fmt.Printf("target: at 200ms, parallel 8 ≥ 4× parallel 1: measured %.2f×\n", eight.perMin/one.perMin)
	}
	peak16 := 0.0
	for k, st := range figures {
		if k.p == 16 {
			peak16 = max(peak16, st.peakMiB)
		}
	}
	if peak16 > 0 {
		fmt.Printf("target: peak memory at parallel 16 < 2048 MiB: measured %.0f MiB\n", peak16)
	}
	if evRuns > 0 {
		if err := evidenceOverhead(ctx, dir, evRuns); err != nil {
			return err
		}
	}
	if rawRuns > 0 {
		// The engine's own cost shows best with nothing to wait for: no latency.
		srv, base, err := demoSites(dir, demo.Options{})
		if err != nil {
			return err
		}
		defer func() { _ = srv.Close() }() // cleanup: the figures are taken
		scs := replicate(base, rawRuns)
		eng, walk, err := overhead(ctx, scs)
		if err != nil {
			return err
		}
		fmt.Printf("engine overhead over %d runs (no latency, parallel 1, same browser, same paths): cancelpath median %.3f s, raw rod walker median %.3f s: %.2f×\n",
			rawRuns, eng.Seconds(), walk.Seconds(), eng.Seconds()/walk.Seconds())
	}
	return nil
}

// demoSites serves the demo sites with opt and loads their scenarios (cancel path only).
func demoSites(dir string, opt demo.Options) (*demo.Server, []*scenario.Scenario, error) {
	srv, err := demo.StartWith("127.0.0.1:0", opt)
	if err != nil {
		return nil, nil, err
	}
	base, err := loadDemo(dir, srv.Env())
	if err != nil {
		_ = srv.Close() // the error to report is the load's
		return nil, nil, err
	}
	return srv, base, nil
}

// loadDemo loads the demo scenarios (not the ground truth beside them) and keeps their cancel path only.
func loadDemo(dir string, env map[string]string) ([]*scenario.Scenario, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, f := range files {
		if !strings.Contains(filepath.Base(f), "ground-truth") {
			paths = append(paths, f)
		}
	}
	scs, err := scenario.Load(paths, scenario.Options{Env: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
	if err != nil {
		return nil, err
	}
	var out []*scenario.Scenario
	for _, sc := range scs {
		if sc.Session != "" || sc.DeadEnd != nil {
			continue // the walkers compared here go to a cancel control
		}
		c := *sc
		c.Devices, c.Subscribe, c.Effect, c.CheckWithoutLogin = []string{"desktop"}, nil, nil, false
		out = append(out, &c)
	}
	return out, nil
}

func parallelisms(levels string) ([]int, error) {
	var ps []int
	for _, f := range strings.Split(levels, ",") {
		p, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || p < 1 {
			return nil, fmt.Errorf("bad parallelism %q", f)
		}
		ps = append(ps, p)
	}
	return ps, nil
}

func replicate(base []*scenario.Scenario, n int) []*scenario.Scenario {
	out := make([]*scenario.Scenario, n)
	for i := range out {
		c := *base[i%len(base)]
		c.ID = fmt.Sprintf("%s-%03d", c.ID, i)
		out[i] = &c
	}
	return out
}

type sweepStats struct {
	runs, ok    int
	wall        time.Duration
	perMin      float64
	median, p95 time.Duration
	peakMiB     float64
	cpu         cpuUse  // the sweep's CPU time, tool and browsers
	machineBusy float64 // share of the machine's CPU time that was busy during the sweep (all processes)
}

func sweep(ctx context.Context, scs []*scenario.Scenario, parallel int) (*sweepStats, error) {
	mem := startSampler()
	cpu0 := cpuNow()
	busy0, total0 := machineTicks()
	start := time.Now()
	pool, err := audit.NewPool(ctx, 1, func(ctx context.Context, _ int) (*browser.Browser, error) {
		return audit.OpenBrowser(ctx, audit.BrowserOptions{})
	})
	if err != nil {
		return nil, err
	}
	var durs []time.Duration
	ok := 0
	_, err = audit.Sweep(ctx, pool, audit.Jobs(scs), audit.SweepOptions{Parallel: parallel,
		OnResult: func(i int, r *metrics.Result) {
			durs = append(durs, time.Duration(r.DurationMS)*time.Millisecond)
			if r.Status == metrics.StatusOK {
				ok++
			}
		}})
	wall := time.Since(start)
	busy1, total1 := machineTicks()
	_ = pool.Close()            // waits for its browsers: no deadline, no error
	cpu := cpuNow().since(cpu0) // the browsers are reaped now: their CPU time is in RUSAGE_CHILDREN
	peak := mem.stop()
	if err != nil {
		return nil, err
	}
	sort.Slice(durs, func(i, j int) bool { return durs[i] < durs[j] })
	return &sweepStats{runs: len(durs), ok: ok, wall: wall, perMin: float64(len(durs)) / wall.Minutes(),
		median: pct(durs, 0.5), p95: pct(durs, 0.95), peakMiB: peak, cpu: cpu,
		machineBusy: float64(busy1-busy0) / float64(max(total1-total0, 1))}, nil
}

func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// evidenceOverhead runs the same paths with and without evidence (screenshots of every step, the control
// page's MHTML, written under a temporary folder), alternating, with the sites' whole flow (subscribe and
// effect included) and no latency, and prints the medians and their ratio.
func evidenceOverhead(ctx context.Context, dir string, runs int) error {
	srv, base, err := demoSites(dir, demo.Options{})
	if err != nil {
		return err
	}
	defer func() { _ = srv.Close() }() // cleanup: the figures are taken
	b, err := audit.OpenBrowser(ctx, audit.BrowserOptions{})
	if err != nil {
		return err
	}
	defer func() { _ = b.Close() }() // stops the browser; it reports no error
	out, err := os.MkdirTemp("", "cancelpath-bench-evidence-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(out) }() // best effort: a temporary folder
	var with, without []time.Duration
	for i := 0; i < runs; i++ {
		sc := base[i%len(base)]
		for _, o := range []run.Options{{}, {OutDir: out}} {
			t0 := time.Now()
			r := run.Run(ctx, b, sc, "desktop", o)
			d := time.Since(t0)
			if r.Status != metrics.StatusOK {
				return fmt.Errorf("evidence run %s: %s %s", sc.ID, r.Status, r.Reason)
			}
			if o.OutDir == "" {
				without = append(without, d)
			} else {
				with = append(with, d)
			}
		}
	}
	sort.Slice(with, func(i, j int) bool { return with[i] < with[j] })
	sort.Slice(without, func(i, j int) bool { return without[i] < without[j] })
	w, wo := pct(with, 0.5), pct(without, 0.5)
	fmt.Printf("evidence overhead over %d runs (no latency, parallel 1, cancel path): with evidence median %.3f s, "+
		"without %.3f s: %.2f× (target ≤ 1.10×)\n", runs, w.Seconds(), wo.Seconds(), w.Seconds()/wo.Seconds())
	return nil
}

// overhead runs the same paths with the engine and with the raw walker, alternating, and returns the
// medians of their per-run times (context creation, login, cancel path, done state).
func overhead(ctx context.Context, scs []*scenario.Scenario) (engine, walker time.Duration, err error) {
	b, err := audit.OpenBrowser(ctx, audit.BrowserOptions{})
	if err != nil {
		return 0, 0, err
	}
	defer func() { _ = b.Close() }() // stops the browser; it reports no error
	rb, err := rawBrowser(b)
	if err != nil {
		return 0, 0, err
	}
	var e, w []time.Duration
	for _, sc := range scs {
		t0 := time.Now()
		r := run.Run(ctx, b, sc, "desktop", run.Options{})
		e = append(e, time.Since(t0))
		if r.Status != metrics.StatusOK {
			return 0, 0, fmt.Errorf("engine run %s: %s %s", sc.ID, r.Status, r.Reason)
		}
		t0 = time.Now()
		if err := walk(ctx, rb, sc); err != nil {
			return 0, 0, fmt.Errorf("raw walker %s: %w", sc.ID, err)
		}
		w = append(w, time.Since(t0))
	}
	sort.Slice(e, func(i, j int) bool { return e[i] < e[j] })
	sort.Slice(w, func(i, j int) bool { return w[i] < w[j] })
	return pct(e, 0.5), pct(w, 0.5), nil
}

// rawBrowser is the same browser's plain rod client.
func rawBrowser(b *browser.Browser) (*rod.Browser, error) {
	if rb := b.Rod(); rb != nil {
		return rb, nil
	}
	return nil, fmt.Errorf("browser is closed")
}

// walk drives one scenario's login and cancel steps with rod's own element API: find, click, input, and
// wait for the done text. No visibility probing, no levels, no geometry, no evidence.
func walk(ctx context.Context, rb *rod.Browser, sc *scenario.Scenario) error {
	incog, err := rb.Incognito()
	if err != nil {
		return err
	}
	defer func() { _ = incog.Close() }() // cleanup: the run is timed already
	page, err := incog.Page(proto.TargetCreateTarget{URL: "about:blank"})
	if err != nil {
		return err
	}
	if err := page.SetViewport(&proto.EmulationSetDeviceMetricsOverride{Width: 1280, Height: 800, DeviceScaleFactor: 1}); err != nil {
		return err
	}
	p := page.Context(ctx).Timeout(30 * time.Second)
	steps := append(append([]scenario.Step{}, sc.Login...), sc.Cancel...)
	steps = append(steps, scenario.Step{Action: scenario.WaitFor, Target: sc.Done.Target})
	for _, st := range steps {
		switch st.Action {
		case scenario.Goto:
			if err := p.Navigate(st.URL); err != nil {
				return err
			}
		case scenario.Click, scenario.Fill, scenario.WaitFor, scenario.Expect:
			el, err := rawFind(p, st.Target)
			if err != nil {
				return fmt.Errorf("line %d: %w", st.Line, err)
			}
			switch st.Action {
			case scenario.Click:
				err = el.Click(proto.InputMouseButtonLeft, 1)
			case scenario.Fill:
				err = el.Input(st.Value)
			}
			if err != nil {
				return fmt.Errorf("line %d: %w", st.Line, err)
			}
		default:
			return fmt.Errorf("line %d: the raw walker does not do %s", st.Line, st.Action)
		}
	}
	return nil
}

func rawFind(p *rod.Page, t *scenario.Target) (*rod.Element, error) {
	switch {
	case t.CSS != "":
		return p.Element(t.CSS)
	case t.Role != "":
		return p.ElementByJS(rod.Eval(`(sel, name) => [...document.querySelectorAll(sel)].find(e =>
			(e.getAttribute('aria-label') || e.innerText || e.value || '').trim() === name) || null`,
			fmt.Sprintf("[role=%q],%s", t.Role, implicit(t.Role)), t.Name))
	case t.Text != "":
		return p.ElementR("a,button,input,label,[role],span,div,li,p,h1,h2,h3", "^\\s*"+regexp.QuoteMeta(t.Text)+"\\s*$")
	case t.TextContains != "":
		return p.ElementR("a,button,input,label,[role],span,div,li,p,h1,h2,h3", regexp.QuoteMeta(t.TextContains))
	}
	return nil, fmt.Errorf("the raw walker cannot find %s", t)
}

func implicit(role string) string {
	switch role {
	case "button":
		return "button"
	case "link":
		return "a[href]"
	case "checkbox", "switch":
		return "input[type=checkbox]"
	}
	return "x-none"
}
