package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/browser"
	"github.com/cancelpath/cancelpath/reports"
	"github.com/cancelpath/cancelpath/results"
)

// The test binary doubles as the CLI when this variable is set, so the tests can kill a real process.
const asCLI = "CANCELPATH_TEST_AS_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(asCLI) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// A sweep killed mid-way (SIGTERM: graceful; SIGKILL: no chance to clean up) leaves no Chromium behind, and
// what finished before the signal is in results.jsonl, whole.
func TestKilledSweepLeavesNoBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: drives Chromium")
	}
	chrome, err := browser.Find("")
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		sigs []syscall.Signal
		code int // -1: killed, no code
	}{
		{"graceful", []syscall.Signal{syscall.SIGTERM}, exitRuntime},
		// Killed outright, as a second Ctrl-C ends the tool (TestSecondInterruptQuitsAtOnce): leakless still
		// ends its browsers.
		{"killed", []syscall.Signal{syscall.SIGKILL}, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			wrapper := recordingChrome(t, chrome, dir)
			out := filepath.Join(dir, "out")
			cmd := exec.Command(os.Args[0], "demo", "-o", out, "--quiet", "--chrome", wrapper)
			cmd.Env = append(os.Environ(), asCLI+"=1")
			require.NoError(t, cmd.Start())
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()

			// Kill it once the first run has been streamed, so that one result is finished and others are not.
			stream := filepath.Join(out, reports.FileName(reports.FormatJSONL))
			require.Eventually(t, func() bool { return countLines(stream) >= 1 }, 90*time.Second, 100*time.Millisecond,
				"no result was streamed")
			running := readLines(t, filepath.Join(dir, "profiles"))
			require.NotEmpty(t, processesUsing(running), "the check must see the live browser, or it proves nothing")
			for _, sig := range tc.sigs {
				require.NoError(t, cmd.Process.Signal(sig))
			}
			select {
			case err := <-done:
				var ee *exec.ExitError
				require.ErrorAs(t, err, &ee)
				if tc.code >= 0 {
					assert.Equal(t, tc.code, ee.ExitCode())
				}
			case <-time.After(30 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatal("the tool did not stop within 30 s of the signal")
			}

			profiles := readLines(t, filepath.Join(dir, "profiles"))
			require.NotEmpty(t, profiles, "the wrapper saw no browser start")
			// Leakless (SIGKILL) and Close (SIGTERM) end the browser; give the kernel a moment to reap.
			assert.Eventually(t, func() bool { return len(processesUsing(profiles)) == 0 }, 10*time.Second, 100*time.Millisecond,
				"Chromium processes left: %v", processesUsing(profiles))
			// A killed tool cannot remove its browser's profile folder; the test removes what it caused.
			for _, p := range profiles {
				_ = os.RemoveAll(p)
			}

			entries, err := results.ReadJSONL(stream)
			require.NoError(t, err, "the stream stays readable")
			assert.NotEmpty(t, entries)
		})
	}
}

// recordingChrome writes dir/chrome, a wrapper that appends the profile folder of every browser the tool
// starts to dir/profiles and then becomes Chromium, so a test can find the browser's processes afterwards.
func recordingChrome(t *testing.T, chrome, dir string) string {
	t.Helper()
	wrapper := filepath.Join(dir, "chrome")
	require.NoError(t, os.WriteFile(wrapper, []byte(fmt.Sprintf(
		"#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in --user-data-dir=*) echo \"${a#--user-data-dir=}\" >> %q;; esac; done\nexec %q \"$@\"\n",
		filepath.Join(dir, "profiles"), chrome)), 0o755))
	return wrapper
}

func countLines(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return strings.Count(string(b), "\n")
}

func readLines(t *testing.T, path string) []string {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer func() { _ = f.Close() }()
	var lines []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		if l := strings.TrimSpace(s.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// processesUsing lists the PIDs whose command line names one of the profile folders.
func processesUsing(profiles []string) []string {
	var pids []string
	cmdlines, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, c := range cmdlines {
		b, err := os.ReadFile(c)
		if err != nil {
			continue
		}
		line := string(b)
		for _, p := range profiles {
			if strings.Contains(line, p) {
				pids = append(pids, filepath.Base(filepath.Dir(c)))
				break
			}
		}
	}
	return pids
}

// The first interrupt stops the sweep gracefully; a second quits at once with 130. (Two signals sent to a
// process back to back may reach it as one, so this is tested on the handler, not on a process.)
func TestSecondInterruptQuitsAtOnce(t *testing.T) {
	sigs := make(chan os.Signal, 2)
	stopped, code := false, -1
	var msgs strings.Builder
	done := make(chan struct{})
	go func() {
		defer close(done)
		interrupts(sigs, func() { stopped = true }, func(c int) { code = c }, &msgs)
	}()
	sigs <- os.Interrupt
	sigs <- os.Interrupt
	<-done
	assert.True(t, stopped)
	assert.Equal(t, exitInterruptedTwice, code)
	assert.Contains(t, msgs.String(), "Ctrl-C again to quit at once")
	assert.Contains(t, msgs.String(), "quitting now")
}
