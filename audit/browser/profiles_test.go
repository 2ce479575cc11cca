package browser

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod/lib/launcher"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// deadPID is the PID of a process that has ended (and been reaped).
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	require.NoError(t, cmd.Run())
	return cmd.Process.Pid
}

func TestCleanStaleProfilesDecides(t *testing.T) {
	const host = "auditbox-1"
	now := time.Now()
	dead := deadPID(t)
	live := os.Getpid()
	for _, tc := range []struct {
		name   string
		lock   string // SingletonLock target; "" for none
		age    time.Duration
		remove bool
	}{
		{"browser killed on this host", fmt.Sprintf("%s-%d", host, dead), 0, true},
		{"browser running on this host", fmt.Sprintf("%s-%d", host, live), 0, false},
		{"browser running, folder old", fmt.Sprintf("%s-%d", host, live), 48 * time.Hour, false},
		{"another host's browser (a shared /tmp)", fmt.Sprintf("otherbox-%d", dead), 48 * time.Hour, false},
		{"a host name that is a prefix of ours", fmt.Sprintf("auditbox-%d", dead), 48 * time.Hour, false},
		{"a lock that names no pid", host + "-x", 48 * time.Hour, false},
		{"no lock, just created (a browser starting)", "", 0, false},
		{"no lock, untouched for long (a browser that exited, its tool killed)", "", 2 * unlockedAge, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "abcd1234")
			require.NoError(t, os.MkdirAll(filepath.Join(dir, "Default"), 0o700))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "Default", "Preferences"), []byte("{}"), 0o600))
			if tc.lock != "" {
				require.NoError(t, os.Symlink(tc.lock, filepath.Join(dir, lockFile)))
			}
			require.NoError(t, os.Chtimes(dir, now.Add(-tc.age), now.Add(-tc.age)))
			require.NoError(t, os.WriteFile(filepath.Join(root, "a-file"), nil, 0o600))

			removed, err := cleanStaleProfiles(root, host, processAlive, now)
			require.NoError(t, err)
			if tc.remove {
				assert.Equal(t, []string{dir}, removed)
				assert.NoDirExists(t, dir)
			} else {
				assert.Empty(t, removed)
				assert.DirExists(t, dir)
			}
			assert.FileExists(t, filepath.Join(root, "a-file"), "only folders are looked at")
		})
	}
}

func TestCleanStaleProfilesWithoutRoot(t *testing.T) {
	removed, err := CleanStaleProfiles(filepath.Join(t.TempDir(), "none"))
	assert.NoError(t, err)
	assert.Empty(t, removed)
}

func TestProcessAlive(t *testing.T) {
	assert.True(t, processAlive(os.Getpid()))
	assert.True(t, processAlive(1), "init")
	assert.False(t, processAlive(deadPID(t)))
}

// A browser killed with its tool (kill -9: no Close) leaves its profile folder; the next launch removes it,
// and never the folder of a browser that runs.
func TestLaunchRemovesTheProfileOfAKilledBrowser(t *testing.T) {
	running := launchT(t)
	bin, err := Find("")
	require.NoError(t, err)
	killed, err := Launch(context.Background(), bin)
	require.NoError(t, err)
	profile := killed.ProfileDir()
	require.True(t, strings.HasPrefix(profile, launcher.DefaultUserDataDirPrefix), profile)
	lock, err := os.Readlink(filepath.Join(profile, lockFile))
	require.NoError(t, err, "Chromium keeps a lock in its profile folder")
	assert.True(t, strings.HasSuffix(lock, fmt.Sprintf("-%d", killed.PID())), lock)

	killGroup(killed.PID())
	require.Eventually(t, func() bool { return len(processesUsing(profile)) == 0 }, eventWait, poll)
	require.DirExists(t, profile, "a killed browser leaves its folder behind")

	next := launchT(t)
	assert.NoDirExists(t, profile, "the next launch removed the dead browser's folder")
	assert.DirExists(t, running.ProfileDir(), "a running browser's folder is kept")
	assert.DirExists(t, next.ProfileDir())
	assert.False(t, running.Crashed(context.Background()), "the running browser is unharmed")
	_ = killed.Close() // its launcher's bookkeeping; the process and folder are gone already
}
