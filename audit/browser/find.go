// Package browser starts or connects to the Chromium that runs the scenarios, and opens one isolated
// (incognito) context per run with the device emulation the run asks for.
package browser

import (
	"errors"
	"fmt"
	"os"
	"os/exec"

	"github.com/go-rod/rod/lib/launcher"
)

// EnvChrome names the environment variable that points at a Chromium binary.
const EnvChrome = "CANCELPATH_CHROME"

// InstallHint is what to run when no browser is found. The tool never downloads a browser itself: an
// audit must run the same, reviewable build every time, and most CI machines block the download anyway.
const InstallHint = "install Chromium and CJK fonts: sudo apt-get install -y chromium fonts-noto-cjk " +
	"(or pass --chrome PATH, set " + EnvChrome + ", or use --browser ws://... for a remote browser)"

// ErrNotFound is returned by Find when no Chromium is available.
var ErrNotFound = errors.New("no Chromium found; " + InstallHint)

// Find returns the Chromium binary to use: the explicit path, then $CANCELPATH_CHROME, then rod's
// launcher.LookPath (which finds /usr/bin/chromium on Debian).
func Find(explicit string) (string, error) {
	for _, c := range []struct{ path, from string }{{explicit, "--chrome"}, {os.Getenv(EnvChrome), EnvChrome}} {
		if c.path == "" {
			continue
		}
		p, err := exec.LookPath(c.path)
		if err != nil {
			return "", fmt.Errorf("%s %q: %v: %w", c.from, c.path, err, ErrNotFound) //nolint:errorlint // only ErrNotFound in the chain: LookPath's error is text
		}
		return p, nil
	}
	if p, ok := launcher.LookPath(); ok {
		return p, nil
	}
	return "", ErrNotFound
}
