package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/browser"
	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/demo"
	"github.com/cancelpath/cancelpath/reports"
	"github.com/cancelpath/cancelpath/results"
)

// The tool's Chromium killed from outside (the OOM killer, a crash) during a parallel sweep: the process
// does not panic (a Go panic exits 2), it relaunches the browser, writes results.json with every run
// (retried, or recorded with its reason), exits 0, 1 or 3 as the results say, and leaves no Chromium.
func TestSweepSurvivesItsBrowserKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: drives Chromium")
	}
	chrome, err := browser.Find("")
	require.NoError(t, err)
	srv, err := demo.Start("127.0.0.1:0")
	require.NoError(t, err)
	defer func() { _ = srv.Close() }()
	dir := t.TempDir()
	var env strings.Builder
	for k, v := range srv.Env() {
		fmt.Fprintf(&env, "%s=%s\n", k, v)
	}
	envFile := filepath.Join(dir, "demo.env")
	require.NoError(t, os.WriteFile(envFile, []byte(env.String()), 0o600))
	wrapper := recordingChrome(t, chrome, dir)
	out := filepath.Join(dir, "out")

	var stderr bytes.Buffer
	// Desktop only: nine runs are enough to have two in flight when the browser goes.
	cmd := exec.Command(os.Args[0], "audit", "--parallel", "2", "--device", "desktop", "--env-file", envFile, "-o", out,
		"--quiet", "--chrome", wrapper, filepath.Join("..", "..", "scenarios", "demo"))
	cmd.Env = append(os.Environ(), asCLI+"=1", "NO_COLOR=1")
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() { _ = cmd.Process.Kill() }() // only if the test fails before the tool exits

	// Kill the browser while runs are on it: after the first result, with pages open (renderers).
	stream := filepath.Join(out, reports.FileName(reports.FormatJSONL))
	require.Eventually(t, func() bool { return countLines(stream) >= 1 }, 120*time.Second, 100*time.Millisecond,
		"no result was streamed: %s", &stderr)
	profiles := readLines(t, filepath.Join(dir, "profiles"))
	require.Len(t, profiles, 1, "one browser so far")
	var pid int
	require.Eventually(t, func() bool {
		pid = browserPID(profiles[0])
		return pid != 0 && hasRenderer(profiles[0])
	}, 60*time.Second, 20*time.Millisecond, "the browser has pages open")
	_ = syscall.Kill(pid, syscall.SIGKILL)
	_ = syscall.Kill(-pid, syscall.SIGKILL)

	var code int
	select {
	case err := <-done:
		var ee *exec.ExitError
		if err != nil {
			require.ErrorAs(t, err, &ee)
			code = ee.ExitCode()
		}
	case <-time.After(300 * time.Second):
		t.Fatalf("the tool did not finish the sweep: %s", &stderr)
	}
	assert.NotContains(t, stderr.String(), "panic:", "no panic")
	require.NotEqual(t, exitUsage, code, "exit 2 is a panic here: %s", &stderr)

	doc, err := results.ReadDocument(filepath.Join(out, reports.FileName(reports.FormatJSON)))
	require.NoError(t, err, "results.json is written: %s", &stderr)
	var keys []string
	retried, broken := 0, 0
	for _, e := range doc.Results {
		t.Logf("%s: %s, attempts %d: %s %v", e.Key(), e.Status, e.Attempts, e.Reason, e.Notes)
		keys = append(keys, e.Key())
		if e.Attempts == 2 {
			retried++
			assert.Contains(t, strings.Join(e.Notes, "\n"), "first attempt lost its browser", e.Key())
		}
		if e.Status != metrics.StatusOK {
			assert.NotEmpty(t, e.Reason, "%s: a run that did not end ok says why", e.Key())
		}
		if e.Status == metrics.StatusError {
			broken++
		}
	}
	sort.Strings(keys)
	var want []string
	for _, site := range []string{"feiyu", "haoyun", "jinniu", "kartenwelt", "lanjing", "wuyou", "xingchen", "yunduan", "zhangyou"} {
		want = append(want, site+"@desktop")
	}
	sort.Strings(want)
	assert.Equal(t, want, keys, "every run is in results.json, once")
	assert.GreaterOrEqual(t, retried, 1, "the runs on the killed browser were retried")
	assert.Contains(t, []int{exitOK, exitFindings, exitRuntime}, code)
	if broken > 0 {
		assert.Equal(t, exitRuntime, code, "a run that could not be carried out exits 3")
	} else {
		assert.NotEqual(t, exitRuntime, code, "every run was carried out: 0 or 1 by the rules: %s", &stderr)
	}

	profiles = readLines(t, filepath.Join(dir, "profiles"))
	require.Len(t, profiles, 2, "one relaunch")
	assert.Eventually(t, func() bool { return len(processesUsing(profiles)) == 0 }, 15*time.Second, 100*time.Millisecond,
		"Chromium processes left: %v", processesUsing(profiles))
	assert.NoDirExists(t, profiles[0], "the relaunch removed the killed browser's profile folder")
	assert.NoDirExists(t, profiles[1], "Close removed the new browser's")
}

// browserPID is the PID of the browser process using the profile folder: not a renderer, GPU or zygote
// (--type=), nor rod's leakless guard, whose command line names the folder too.
func browserPID(profile string) int {
	for _, s := range processesUsing([]string{profile}) {
		b, err := os.ReadFile(filepath.Join("/proc", s, "cmdline"))
		if err != nil || strings.Contains(string(b), "--type=") {
			continue
		}
		if exe, err := os.Readlink(filepath.Join("/proc", s, "exe")); err != nil || !strings.Contains(filepath.Base(exe), "chrom") {
			continue
		}
		pid, _ := strconv.Atoi(s)
		return pid
	}
	return 0
}

func hasRenderer(profile string) bool {
	for _, s := range processesUsing([]string{profile}) {
		if b, err := os.ReadFile(filepath.Join("/proc", s, "cmdline")); err == nil && strings.Contains(string(b), "--type=renderer") {
			return true
		}
	}
	return false
}
