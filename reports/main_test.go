package reports

import (
	"flag"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/launcher/flags"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/results"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// fixturePath is the hand-built audit every test renders: six runs of five sites, with hostile text.
const fixturePath = "testdata/run/results.json"

// testBrowser is the one Chromium of this package's tests, started by the first test that needs it and
// closed by TestMain.
type testBrowser struct {
	once    sync.Once
	browser *rod.Browser
	launch  *launcher.Launcher
	err     error
}

var shared testBrowser

func (b *testBrowser) get(t *testing.T) *rod.Browser {
	t.Helper()
	b.once.Do(func() {
		bin, ok := launcher.LookPath()
		if !ok {
			b.err = os.ErrNotExist
			return
		}
		b.launch = launcher.New().Bin(bin).NoSandbox(true).Headless(true).
			Set(flags.Flag("disable-background-networking")).
			Set(flags.Flag("disable-component-update")).
			Set(flags.Flag("disable-sync")).
			Set(flags.Flag("no-first-run"))
		u, err := b.launch.Launch()
		if err != nil {
			b.err = err
			return
		}
		br := rod.New().ControlURL(u).NoDefaultDevice()
		if err := br.Connect(); err != nil {
			b.err = err
			return
		}
		b.browser = br
	})
	require.NoError(t, b.err, "start Chromium (apt-get install chromium)")
	return b.browser
}

func (b *testBrowser) close() {
	if b.browser != nil {
		_ = b.browser.Close()
	}
	if b.launch != nil {
		b.launch.Kill()
		b.launch.Cleanup()
	}
}

func TestMain(m *testing.M) {
	flag.Parse()
	// Widths of ambiguous characters (×, …) depend on the locale; golden files assume narrow ones.
	twwidth.SetEastAsian(false)
	code := m.Run()
	shared.close()
	os.Exit(code)
}

// loadFixture reads the fixture document; each call returns a fresh copy that a test may change.
func loadFixture(t *testing.T) *results.Document {
	t.Helper()
	doc, err := results.ReadDocument(fixturePath)
	require.NoError(t, err)
	return doc
}

// golden compares got with testdata/golden/name, or rewrites the file under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file: run go test ./reports -update")
	require.Equal(t, string(want), string(got), "output differs from %s (go test ./reports -update rewrites it)", path)
}
