package audit

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
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

var siteURL string

// srvHits counts the test site's page loads (requests with ?delay=), so a test can wait for runs to be
// under way.
var srvHits atomic.Int32

// subHits counts the loads of the subscribe page (?phase=subscribe) apart.
var subHits atomic.Int32

func TestMain(m *testing.M) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		// The cancel button appears after ?delay= milliseconds: long enough to kill the browser mid-run.
		delay := r.URL.Query().Get("delay")
		if delay == "" {
			delay = "0"
		} else {
			srvHits.Add(1)
		}
		if r.URL.Query().Get("phase") == "subscribe" {
			subHits.Add(1)
		}
		fmt.Fprintf(w, `<!doctype html><meta charset="utf-8"><body><script>setTimeout(() => document.body.insertAdjacentHTML('beforeend',
			'<button style="width:100px;height:40px" onclick="this.insertAdjacentHTML(\'afterend\', \'<p>已退订</p>\')">退订</button>'), %s)</script>`, delay)
	}))
	siteURL = srv.URL + "/"
	code := m.Run()
	srv.Close()
	os.Exit(code)
}

func openLocal(ctx context.Context, _ int) (*browser.Browser, error) {
	return OpenBrowser(ctx, BrowserOptions{})
}

func testScenario(id, query string) *scenario.Scenario {
	return &scenario.Scenario{
		ID: id, Site: id, URL: siteURL + query, Jurisdictions: []string{"cn"}, Devices: []string{"desktop"},
		Timeouts: scenario.Timeouts{Step: 5 * time.Second, Scenario: 20 * time.Second},
		Login:    []scenario.Step{{Action: scenario.Goto, URL: siteURL + query}},
		Cancel:   []scenario.Step{{Action: scenario.Click, Target: &scenario.Target{Text: "退订"}, Control: true}},
		Done:     scenario.Condition{Target: &scenario.Target{Text: "已退订"}},
	}
}

func TestShardParse(t *testing.T) {
	for _, bad := range []string{"", "1", "0/3", "4/3", "a/b", "1/0", "-1/2"} {
		_, err := ParseShard(bad)
		assert.Error(t, err, bad)
	}
	s, err := ParseShard("2/8")
	require.NoError(t, err)
	assert.Equal(t, Shard{Index: 2, Total: 8}, s)
}

func TestShardPartitionIsStableAndComplete(t *testing.T) {
	const n = 5
	counts := make([]int, n)
	for i := 0; i < 1000; i++ {
		id := fmt.Sprintf("site-%d", i)
		owners := 0
		for k := 1; k <= n; k++ {
			if (Shard{Index: k, Total: n}).Owns(id) {
				owners++
				counts[k-1]++
			}
		}
		assert.Equal(t, 1, owners, "every scenario belongs to exactly one shard: %s", id)
	}
	for k, c := range counts {
		assert.InDelta(t, 200, c, 60, "shard %d holds a fair share", k+1)
	}
	// The partition depends on the id only, not on which other scenarios exist or their order.
	a := Shard{Index: 3, Total: n}.Filter([]*scenario.Scenario{{ID: "x"}, {ID: "site-7"}, {ID: "y"}})
	b := Shard{Index: 3, Total: n}.Filter([]*scenario.Scenario{{ID: "site-7"}})
	assert.Equal(t, Shard{Index: 3, Total: n}.Owns("site-7"), len(b) == 1)
	for _, sc := range a {
		assert.True(t, Shard{Index: 3, Total: n}.Owns(sc.ID))
	}
}

func TestShardFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	_, ok, err := ShardFromEnv(env(nil))
	assert.False(t, ok)
	assert.NoError(t, err)
	s, ok, err := ShardFromEnv(env(map[string]string{"JOB_COMPLETION_INDEX": "0", EnvShardTotal: "4"}))
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, Shard{Index: 1, Total: 4}, s)
	_, _, err = ShardFromEnv(env(map[string]string{"JOB_COMPLETION_INDEX": "2"}))
	assert.ErrorContains(t, err, EnvShardTotal)
	_, _, err = ShardFromEnv(env(map[string]string{"JOB_COMPLETION_INDEX": "4", EnvShardTotal: "4"}))
	assert.Error(t, err)
}

func TestSweepKeepsJobOrderInParallel(t *testing.T) {
	ctx := context.Background()
	pool, err := NewPool(ctx, 1, openLocal)
	require.NoError(t, err)
	defer func() { _ = pool.Close() }()
	var scs []*scenario.Scenario
	for i := 0; i < 6; i++ {
		// Later jobs are faster, so completion order differs from job order.
		scs = append(scs, testScenario(fmt.Sprintf("s%d", i), fmt.Sprintf("?delay=%d", 300-50*i)))
	}
	jobs := Jobs(scs)
	var completed []int
	results, err := Sweep(ctx, pool, jobs, SweepOptions{Parallel: 3, OnResult: func(i int, r *metrics.Result) {
		completed = append(completed, i)
	}})
	require.NoError(t, err)
	require.Len(t, results, 6)
	for i, r := range results {
		require.NotNil(t, r)
		assert.Equal(t, fmt.Sprintf("s%d", i), r.ScenarioID)
		assert.Equal(t, metrics.StatusOK, r.Status, r.Reason)
	}
	assert.Len(t, completed, 6)
}

func TestSweepRelaunchesACrashedBrowserAndRetriesOnce(t *testing.T) {
	ctx := context.Background()
	pool, err := NewPool(ctx, 1, openLocal)
	require.NoError(t, err)
	defer func() { _ = pool.Close() }()
	pids := pool.PIDs()
	require.Len(t, pids, 1)
	hits := srvHits.Load()
	go func() {
		// Once the page has loaded, the run is waiting for the delayed button (a kill before the run opened
		// its context would only make the pool replace the browser first, with nothing to retry).
		for deadline := time.Now().Add(60 * time.Second); srvHits.Load() == hits && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond)
		_ = syscall.Kill(pids[0], syscall.SIGKILL)
	}()
	sc := testScenario("crash", "?delay=2000")
	sc.Timeouts = scenario.Timeouts{Step: 20 * time.Second, Scenario: 60 * time.Second} // -race on a busy machine
	results, err := Sweep(ctx, pool, Jobs([]*scenario.Scenario{sc}), SweepOptions{})
	require.NoError(t, err)
	r := results[0]
	require.NotNil(t, r)
	assert.Equal(t, metrics.StatusOK, r.Status, r.Reason)
	assert.Equal(t, 2, r.Attempts)
	require.NotEmpty(t, r.Notes)
	assert.Contains(t, r.Notes[len(r.Notes)-1], "first attempt lost its browser")
	assert.NotEqual(t, pids, pool.PIDs(), "a new browser replaced the killed one")
}

func TestSweepInterruptedRecordsOnlyFinishedRuns(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pool, err := NewPool(ctx, 1, openLocal)
	require.NoError(t, err)
	defer func() { _ = pool.Close() }()
	scs := []*scenario.Scenario{testScenario("fast", "?delay=0"), testScenario("slow", "?delay=3000"), testScenario("never", "")}
	var streamed []string
	results, err := Sweep(ctx, pool, Jobs(scs), SweepOptions{OnResult: func(i int, r *metrics.Result) {
		streamed = append(streamed, r.ScenarioID)
		if r.ScenarioID == "fast" {
			go func() { time.Sleep(300 * time.Millisecond); cancel() }() // during "slow"
		}
	}})
	require.True(t, errors.Is(err, ErrInterrupted), "err: %v", err)
	assert.Equal(t, []string{"fast"}, streamed, "the run cut short is not a result")
	assert.NotNil(t, results[0])
	assert.Nil(t, results[1])
	assert.Nil(t, results[2])
}

// A remote CDP browser (here a Chromium started by hand with --remote-debugging-port on loopback) runs
// scenarios like a launched one, and is left running when the audit closes its connection.
func TestRemoteBrowser(t *testing.T) {
	bin, err := browser.Find("")
	require.NoError(t, err)
	profile, err := os.MkdirTemp("", "cancelpath-remote-")
	require.NoError(t, err)
	cmd := exec.Command(bin, "--headless", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
		"--user-data-dir="+profile, "--no-sandbox", "--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--no-first-run", "about:blank")
	// Its own process group, so that the browser and all its children (zygote, GPU, renderers) end together.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		assert.Eventually(t, func() bool { return syscall.Kill(-cmd.Process.Pid, 0) != nil }, 10*time.Second, 50*time.Millisecond,
			"every process of the remote browser ends")
		_ = os.RemoveAll(profile)
	}()
	ws := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(stderr)
		for s.Scan() {
			if _, u, ok := strings.Cut(s.Text(), "DevTools listening on "); ok {
				ws <- u
			}
		}
	}()
	var url string
	select {
	case url = <-ws:
	case <-time.After(20 * time.Second):
		t.Fatal("the remote Chromium did not print its DevTools URL")
	}
	require.True(t, strings.HasPrefix(url, "ws://127.0.0.1:"), url)

	ctx := context.Background()
	b, err := OpenBrowser(ctx, BrowserOptions{Remote: url})
	require.NoError(t, err)
	assert.True(t, b.Remote())
	r := Run(ctx, b, testScenario("remote", "?delay=0"), "mobile", run.Options{})
	assert.Equal(t, metrics.StatusOK, r.Status, r.Reason)
	assert.Equal(t, "coarse", r.Device.Pointer, "device emulation works on a remote browser too")
	require.NoError(t, b.Close())
	assert.Nil(t, cmd.ProcessState, "closing the connection leaves the remote browser running")
	require.NoError(t, cmd.Process.Signal(syscall.Signal(0)))
}

// A slow result callback (evidence, explore) holds up the stream, never the runs: while it works on the first
// result, the other jobs run. Under the old design (callback under the workers' lock, parallel 1) the last
// job could not start until the callback returned, and this test would wait out its minute.
func TestSweepRunsOnWhileTheCallbackWorks(t *testing.T) {
	ctx := context.Background()
	lastLoaded := make(chan struct{})
	var once atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("last") != "" && once.CompareAndSwap(false, true) {
			close(lastLoaded)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><meta charset="utf-8"><button style="width:100px;height:40px"
			onclick="this.insertAdjacentHTML('afterend', '<p>已退订</p>')">退订</button>`)
	}))
	defer srv.Close()
	pool, err := NewPool(ctx, 1, openLocal)
	require.NoError(t, err)
	defer func() { _ = pool.Close() }()
	var scs []*scenario.Scenario
	for i, q := range []string{"?a=1", "?b=1", "?last=1"} {
		sc := testScenario(fmt.Sprintf("s%d", i), "")
		sc.URL, sc.Login[0].URL = srv.URL+"/"+q, srv.URL+"/"+q
		scs = append(scs, sc)
	}
	calls := 0
	results, err := Sweep(ctx, pool, Jobs(scs), SweepOptions{Parallel: 1, OnResult: func(i int, r *metrics.Result) {
		calls++
		if calls == 1 {
			select {
			case <-lastLoaded:
			case <-time.After(time.Minute):
				t.Error("the last job did not start while the callback was working on the first result")
			}
		}
	}})
	require.NoError(t, err)
	assert.Equal(t, 3, calls)
	for _, r := range results {
		require.NotNil(t, r)
		assert.Equal(t, metrics.StatusOK, r.Status, r.Reason)
	}
}
