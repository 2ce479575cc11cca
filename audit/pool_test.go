package audit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/browser"
	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/run"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

// launches records every browser a pool opens, so a test can check that none of them outlives the pool.
type launches struct {
	mu       sync.Mutex
	browsers []*browser.Browser
	count    atomic.Int32
}

func (l *launches) open(ctx context.Context, slot int) (*browser.Browser, error) {
	b, err := openLocal(ctx, slot)
	if err != nil {
		return nil, err
	}
	l.count.Add(1)
	l.mu.Lock()
	l.browsers = append(l.browsers, b)
	l.mu.Unlock()
	return b, nil
}

func (l *launches) all() []*browser.Browser {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*browser.Browser(nil), l.browsers...)
}

// processesUsing lists the live processes (zombies are dead) whose command line names one of the profile
// folders: every process of a launched Chromium carries its --user-data-dir.
func processesUsing(profiles []string) []string {
	var out []string
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		cmd, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil {
			continue
		}
		stat, _ := os.ReadFile(filepath.Join(d, "stat"))
		if i := strings.LastIndexByte(string(stat), ')'); i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
			continue
		}
		line := strings.ReplaceAll(string(cmd), "\x00", " ")
		for _, p := range profiles {
			if strings.Contains(line, p) {
				out = append(out, filepath.Base(d)+": "+line)
				break
			}
		}
	}
	return out
}

// assertNoBrowserLeft checks that no process of the browsers is left and that their profile folders are
// gone (the kernel may take a moment to reap).
func assertNoBrowserLeft(t *testing.T, bs []*browser.Browser) {
	t.Helper()
	var profiles []string
	for _, b := range bs {
		require.NotEmpty(t, b.ProfileDir())
		profiles = append(profiles, b.ProfileDir())
	}
	assert.Eventually(t, func() bool { return len(processesUsing(profiles)) == 0 }, 15*time.Second, 100*time.Millisecond,
		"Chromium processes left: %v", processesUsing(profiles))
	for _, p := range profiles {
		assert.NoDirExists(t, p, "the profile folder is removed")
	}
}

// killBrowser kills a browser from outside, as the OOM killer or a crash would: its process and its group.
func killBrowser(pid int) {
	_ = syscall.Kill(pid, syscall.SIGKILL)
	_ = syscall.Kill(-pid, syscall.SIGKILL)
}

// More runs than browsers, and the browser killed while all of them are on it: no panic (the bug: a
// context closed after its browser was replaced dereferenced a closed browser), every job has a result,
// one relaunch, and no Chromium is left once the pool is closed.
func TestSweepSurvivesABrowserKilledUnderParallelRuns(t *testing.T) {
	ctx := context.Background()
	var l launches
	pool, err := NewPool(ctx, 1, l.open)
	require.NoError(t, err)
	closed := false
	defer func() {
		if !closed {
			_ = pool.Close()
		}
	}()
	pids := pool.PIDs()
	require.Len(t, pids, 1)

	var scs []*scenario.Scenario
	for i := 0; i < 6; i++ {
		// The first three wait long enough for the kill to find them mid-run on a loaded machine.
		delay := 4000
		if i >= 3 {
			delay = 200
		}
		sc := testScenario(fmt.Sprintf("k%d", i), fmt.Sprintf("?delay=%d", delay))
		sc.Timeouts = scenario.Timeouts{Step: 20 * time.Second, Scenario: 60 * time.Second} // -race on a busy machine
		scs = append(scs, sc)
	}
	hits := srvHits.Load()
	kill := make(chan struct{})
	go func() {
		defer close(kill)
		// Kill once the three parallel runs have loaded their pages on the browser and wait for the button.
		deadline := time.Now().Add(60 * time.Second)
		for srvHits.Load()-hits < 3 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(500 * time.Millisecond)
		killBrowser(pids[0])
	}()
	results, err := Sweep(ctx, pool, Jobs(scs), SweepOptions{Parallel: 3})
	<-kill
	require.NoError(t, err)
	require.Len(t, results, len(scs))
	retried := 0
	for i, r := range results {
		require.NotNil(t, r, "job %d has a result", i)
		t.Logf("%s: %s in %d ms, attempts %d: %s %v", r.ScenarioID, r.Status, r.DurationMS, r.Attempts, r.Reason, r.Notes)
		if r.Attempts == 2 {
			retried++
			assert.Contains(t, strings.Join(r.Notes, "\n"), "first attempt lost its browser", r.ScenarioID)
		}
		if r.Status != metrics.StatusOK {
			assert.NotEmpty(t, r.Reason, "%s: a run that did not end ok says why", r.ScenarioID)
		}
	}
	assert.GreaterOrEqual(t, retried, 1, "the runs on the killed browser were retried")
	for _, r := range results[:3] {
		assert.Equal(t, 2, r.Attempts, "%s was on the browser when it was killed", r.ScenarioID)
	}
	assert.EqualValues(t, 2, l.count.Load(), "one relaunch for the three runs that saw the same crash")
	assert.NotEqual(t, pids, pool.PIDs(), "a new browser replaced the killed one")

	require.NoError(t, pool.Close())
	closed = true
	assertNoBrowserLeft(t, l.all())
}

// Runs that report the same crash at once trigger one relaunch; the relaunch happens outside the pool's
// lock (a context is opened on another slot meanwhile).
func TestPoolRelaunchesOnceForConcurrentReports(t *testing.T) {
	ctx := context.Background()
	var l launches
	release := make(chan struct{})
	var slow atomic.Bool
	open := func(ctx context.Context, slot int) (*browser.Browser, error) {
		if slow.Load() {
			<-release // a relaunch that takes as long as the test wants
		}
		return l.open(ctx, slot)
	}
	pool, err := NewPool(ctx, 2, open)
	require.NoError(t, err)
	defer func() { _ = pool.Close() }()
	first := l.all()[0]
	killBrowser(first.PID())
	slow.Store(true)

	const reporters = 4
	type report struct {
		crashed bool
		err     error
	}
	reports := make(chan report, reporters)
	for i := 0; i < reporters; i++ {
		go func() {
			crashed, err := pool.Crashed(ctx, first)
			reports <- report{crashed, err}
		}()
	}
	require.Eventually(t, func() bool {
		pool.mu.Lock()
		defer pool.mu.Unlock()
		return pool.slots[0].relaunch != nil
	}, 30*time.Second, 20*time.Millisecond, "a relaunch is under way")
	// While slot 0 relaunches, the pool's lock is free: a run that wants slot 0 waits for the new browser
	// (here until its deadline), the next one gets slot 1 at once.
	wctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	_, err = pool.OpenContext(wctx, testDevice("desktop"), nil)
	cancel()
	assert.ErrorIs(t, err, context.DeadlineExceeded, "slot 0 waits for its relaunch")
	other := l.all()[1]
	c, err := pool.OpenContext(ctx, testDevice("desktop"), nil)
	require.NoError(t, err, "slot 1 serves during the relaunch")
	assert.Same(t, other, c.Browser())
	c.Close()
	assert.Len(t, pool.PIDs(), 2)
	close(release)
	for i := 0; i < reporters; i++ {
		select {
		case r := <-reports:
			assert.True(t, r.crashed)
			assert.NoError(t, r.err)
		case <-time.After(60 * time.Second):
			t.Fatal("a report of the crash did not return")
		}
	}
	assert.EqualValues(t, 3, l.count.Load(), "two browsers, and one relaunch")
	crashed, err := pool.Crashed(ctx, l.all()[2])
	assert.False(t, crashed, "the new browser is alive")
	assert.NoError(t, err)
	crashed, err = pool.Crashed(ctx, other)
	assert.False(t, crashed, "the other slot's browser was never touched")
	assert.NoError(t, err)
	require.NoError(t, pool.Close())
	assertNoBrowserLeft(t, l.all())
}

// A browser that crashed is retired, not closed, while a context is still open on it: that context's calls
// fail, its Close returns and does not panic, and the browser is closed with it.
func TestPoolRetiresACrashedBrowserWithItsLastContext(t *testing.T) {
	ctx := context.Background()
	var l launches
	pool, err := NewPool(ctx, 1, l.open)
	require.NoError(t, err)
	defer func() { _ = pool.Close() }()
	old := l.all()[0]
	c1, err := pool.OpenContext(ctx, testDevice("desktop"), nil)
	require.NoError(t, err)
	c2, err := pool.OpenContext(ctx, testDevice("mobile"), nil)
	require.NoError(t, err)
	killBrowser(old.PID())

	crashed, err := pool.Crashed(ctx, c1.Browser())
	require.NoError(t, err)
	require.True(t, crashed)
	select {
	case <-old.Closed():
		t.Fatal("the crashed browser was closed while contexts were still open on it")
	default:
	}
	c1.Close()
	c2.Close()
	select {
	case <-old.Closed():
	case <-time.After(30 * time.Second):
		t.Fatal("the retired browser was not closed with its last context")
	}
	assertNoBrowserLeft(t, []*browser.Browser{old})

	// The new browser serves new contexts.
	c3, err := pool.OpenContext(ctx, testDevice("desktop"), nil)
	require.NoError(t, err)
	assert.NotSame(t, old, c3.Browser())
	c3.Close()
	require.NoError(t, pool.Close())
	assertNoBrowserLeft(t, l.all())
}

// A browser that died between two runs is replaced when the next run opens its context: that run does not
// fail at all.
func TestPoolOpenContextReplacesADeadBrowser(t *testing.T) {
	ctx := context.Background()
	var l launches
	pool, err := NewPool(ctx, 1, l.open)
	require.NoError(t, err)
	defer func() { _ = pool.Close() }()
	killBrowser(pool.PIDs()[0])
	require.Eventually(t, func() bool { return l.all()[0].Crashed(ctx) }, 30*time.Second, 50*time.Millisecond)
	r := Run(ctx, pool, testScenario("after-crash", "?delay=0"), "desktop", run.Options{})
	assert.Equal(t, metrics.StatusOK, r.Status, r.Reason)
	assert.EqualValues(t, 2, l.count.Load())
	require.NoError(t, pool.Close())
	assertNoBrowserLeft(t, l.all())
}

// A closed pool opens nothing, and contexts still open when it closed fail and close without a panic.
func TestPoolCloseWithOpenContexts(t *testing.T) {
	ctx := context.Background()
	var l launches
	pool, err := NewPool(ctx, 2, l.open)
	require.NoError(t, err)
	c, err := pool.OpenContext(ctx, testDevice("desktop"), nil)
	require.NoError(t, err)
	require.NoError(t, pool.Shutdown(ctx))
	_, err = pool.OpenContext(ctx, testDevice("desktop"), nil)
	assert.ErrorIs(t, err, ErrPoolClosed)
	done := make(chan struct{})
	go func() {
		c.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("closing a context of a closed pool hangs")
	}
	crashed, err := pool.Crashed(ctx, c.Browser())
	assert.False(t, crashed, "a closed pool relaunches nothing")
	assert.NoError(t, err)
	assertNoBrowserLeft(t, l.all())
}

// A browser lost in a phase after the cancel path (here the subscribe side, in a context of its own) leaves
// the run's status ok, but its measurement cut short: the run is retried all the same.
func TestSweepRetriesARunWhoseBrowserDiedInALaterPhase(t *testing.T) {
	ctx := context.Background()
	var l launches
	pool, err := NewPool(ctx, 1, l.open)
	require.NoError(t, err)
	defer func() { _ = pool.Close() }()
	sc := testScenario("later", "?delay=0")
	sc.Timeouts = scenario.Timeouts{Step: 20 * time.Second, Scenario: 60 * time.Second} // -race on a busy machine
	sub := siteURL + "?delay=4000&phase=subscribe"
	sc.Subscribe = &scenario.Subscribe{Steps: []scenario.Step{{Action: scenario.Goto, URL: sub},
		{Action: scenario.Click, Target: &scenario.Target{Text: "退订"}}}}
	hits := subHits.Load()
	pid := pool.PIDs()[0]
	killed := make(chan struct{})
	go func() {
		defer close(killed)
		for deadline := time.Now().Add(60 * time.Second); subHits.Load() == hits && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond) // the subscribe side waits for its delayed button
		killBrowser(pid)
	}()
	results, err := Sweep(ctx, pool, Jobs([]*scenario.Scenario{sc}), SweepOptions{})
	<-killed
	require.NoError(t, err)
	r := results[0]
	require.NotNil(t, r)
	assert.Equal(t, metrics.StatusOK, r.Status, r.Reason)
	assert.Equal(t, 2, r.Attempts, "the subscribe side was lost with the browser")
	require.NotNil(t, r.Subscribe)
	assert.Equal(t, metrics.StatusOK, r.Subscribe.Status, r.Subscribe.Reason)
	assert.Contains(t, strings.Join(r.Notes, "\n"), "first attempt lost its browser")
	require.NoError(t, pool.Close())
	assertNoBrowserLeft(t, l.all())
}

// testDevice is a registry device by name; the names used here are the registry's own.
func testDevice(name string) browser.Device {
	d, err := browser.LookupDevice(name)
	if err != nil {
		panic(err)
	}
	return d
}
