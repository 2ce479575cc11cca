package run

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/browser"
	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

// Process helpers for the hostile suite (Linux /proc): find the test browser's renderers to kill one, and
// prove that no browser process outlives the suite.

type procInfo struct {
	pid, ppid int
	state     byte // R, S, Z (zombie: dead, waiting to be reaped)...
	cmdline   string
}

// processes lists every process the /proc file system shows.
func processes() []procInfo {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var out []procInfo
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join(d, "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses, so parse after the last ')'.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 || i+2 >= len(stat) {
			continue
		}
		f := strings.Fields(string(stat[i+2:]))
		if len(f) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		cmd, _ := os.ReadFile(filepath.Join(d, "cmdline"))
		out = append(out, procInfo{pid: pid, ppid: ppid, state: f[0][0], cmdline: string(bytes.ReplaceAll(cmd, []byte{0}, []byte{' '}))})
	}
	return out
}

// descendants are root and every process below it.
func descendants(root int) []procInfo {
	all := processes()
	in := map[int]bool{root: true}
	for changed := true; changed; {
		changed = false
		for _, p := range all {
			if !in[p.pid] && in[p.ppid] {
				in[p.pid], changed = true, true
			}
		}
	}
	var out []procInfo
	for _, p := range all {
		if in[p.pid] {
			out = append(out, p)
		}
	}
	return out
}

// rendererPIDs are the live renderer processes of the browser with the given PID.
func rendererPIDs(browserPID int) []int {
	var out []int
	for _, p := range descendants(browserPID) {
		if p.state != 'Z' && strings.Contains(p.cmdline, "--type=renderer") {
			out = append(out, p.pid)
		}
	}
	return out
}

func killPID(pid int) { _ = syscall.Kill(pid, syscall.SIGKILL) }

// closeChecked closes a launched browser and returns the processes of its tree that are still running
// (zombies excluded: they are dead) a few seconds later. A renderer killed by a test must not have
// orphaned anything either.
func closeChecked(b *browser.Browser) []procInfo {
	before := descendants(b.PID())
	_ = b.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := stillRunning(before)
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stillRunning returns those of procs that are alive: same PID, same command line, not a zombie.
func stillRunning(procs []procInfo) []procInfo {
	now := map[int]procInfo{}
	for _, p := range processes() {
		now[p.pid] = p
	}
	var out []procInfo
	for _, p := range procs {
		if q, ok := now[p.pid]; ok && q.state != 'Z' && q.cmdline == p.cmdline {
			out = append(out, q)
		}
	}
	return out
}

// TestNoBrowserProcessLeft runs the cases that kill or freeze a renderer on a browser of its own, closes it,
// and checks that no process of its tree is left running.
func TestNoBrowserProcessLeft(t *testing.T) {
	bin, err := browser.Find("")
	require.NoError(t, err)
	b, err := browser.Launch(context.Background(), bin)
	require.NoError(t, err)
	site := newHostileSite(t)
	site.browser = b
	base := site.URL + "/"
	runs := []*scenario.Scenario{
		hostileScenarioFor(base, "ok.html", []scenario.Step{{Action: scenario.Goto, URL: "kill-renderer"}, control(txt("退订"))}, txt("已退订")),
		hostileScenarioFor(base, "hang.html", []scenario.Step{control(txt("退订"))}, txt("已退订")),
		hostileScenarioFor(base, "popups.html", []scenario.Step{click(txt("管理订阅")), control(txt("退订"))}, txt("已退订")),
	}
	want := []metrics.Status{metrics.StatusSiteError, metrics.StatusSiteError, metrics.StatusOK}
	for i, sc := range runs {
		res := Run(context.Background(), b, sc, "desktop", Options{})
		assert.Equal(t, want[i], res.Status, res.Reason)
	}
	require.NotEmpty(t, descendants(b.PID()), "the browser has a process tree to check")
	assert.Empty(t, closeChecked(b), "processes left after Close")
}
