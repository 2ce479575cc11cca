package demo

import (
	"context"
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/cancelpath/cancelpath/audit/browser"
)

// One Chromium for the package's browser tests; -short skips them.
var testBrowser *browser.Browser

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(runWithBrowser(m))
}

func runWithBrowser(m *testing.M) int {
	if testing.Short() {
		return m.Run()
	}
	bin, err := browser.Find("")
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo tests:", err)
		return 2
	}
	b, err := browser.Launch(context.Background(), bin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo tests: launch chromium:", err)
		return 1
	}
	defer func() { _ = b.Close() }()
	testBrowser = b
	return m.Run()
}

func needBrowser(t *testing.T) *browser.Browser {
	t.Helper()
	if testBrowser == nil {
		t.Skip("-short: browser tests skipped")
	}
	return testBrowser
}
