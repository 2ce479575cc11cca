package browser

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// A browser's profile folder is removed by Close. A tool killed with SIGKILL cannot: its Chromium dies with
// it (leakless), but the folder stays in the temporary folder, tens of MB each time. The next launch
// removes such folders, and only those whose browser is certainly dead.

// lockFile is the symlink Chromium keeps in its profile folder while it runs: it points at "hostname-pid"
// (it is how a second Chromium on the same profile finds the first). A clean exit removes it; a killed
// browser leaves it behind.
const lockFile = "SingletonLock"

// unlockedAge is how old a folder without a lock must be to count as left over: a browser that is starting
// has created its folder but perhaps not yet its lock.
const unlockedAge = 10 * time.Minute

// CleanStaleProfiles removes the profile folders directly under root (rod's launcher makes one per browser
// there) whose browser is dead: the lock names this host and a process that does not run, or there is no
// lock and the folder has not changed for a while. A folder whose lock names a live process, or another
// host (a shared temporary folder), is never touched. It returns the folders removed; errors are those of
// folders it meant to remove and could not.
func CleanStaleProfiles(root string) ([]string, error) {
	host, err := os.Hostname()
	if err != nil {
		return nil, fmt.Errorf("stale profiles: hostname: %w", err)
	}
	return cleanStaleProfiles(root, host, processAlive, time.Now())
}

func cleanStaleProfiles(root, host string, alive func(pid int) bool, now time.Time) ([]string, error) {
	entries, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("stale profiles: %w", err)
	}
	var removed []string
	var errs []error
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(root, e.Name())
		socketDir, stale := staleProfile(dir, host, alive, now)
		if !stale {
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			errs = append(errs, fmt.Errorf("stale profile: %w", err))
			continue
		}
		removed = append(removed, dir)
		if socketDir != "" {
			_ = os.RemoveAll(socketDir)
		}
	}
	return removed, errors.Join(errs...)
}

// staleProfile tells whether the profile folder dir belongs to a dead browser, and names the dead
// browser's socket folder (/tmp/org.chromium.Chromium.XXXXXX), also left behind, when there is one.
func staleProfile(dir, host string, alive func(pid int) bool, now time.Time) (socketDir string, stale bool) {
	target, err := os.Readlink(filepath.Join(dir, lockFile))
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			return "", false // a lock we cannot read: leave the folder alone
		}
		info, err := os.Stat(dir)
		return "", err == nil && now.Sub(info.ModTime()) > unlockedAge
	}
	// "hostname-pid": the hostname may hold dashes itself, the pid never.
	i := strings.LastIndexByte(target, '-')
	if i < 0 || target[:i] != host {
		return "", false
	}
	pid, err := strconv.Atoi(target[i+1:])
	if err != nil || pid <= 0 || alive(pid) {
		return "", false
	}
	if s, err := os.Readlink(filepath.Join(dir, "SingletonSocket")); err == nil {
		d := filepath.Dir(s)
		if filepath.Dir(d) == filepath.Clean(os.TempDir()) && strings.HasPrefix(filepath.Base(d), "org.chromium.Chromium.") {
			socketDir = d
		}
	}
	return socketDir, true
}

// processAlive tells whether pid is a running process on this host (a zombie is dead: it only waits to be
// reaped). A process we may not signal is alive all the same.
func processAlive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		if _, perr := os.Stat("/proc/self/stat"); perr != nil {
			return true // no /proc to look at: trust the signal
		}
		return !errors.Is(err, os.ErrNotExist) // it ended meanwhile, or we may not look: alive
	}
	// pid (comm) state ...: comm may hold spaces and parentheses, so read after the last ')'.
	if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) {
		return stat[i+2] != 'Z'
	}
	return true
}
