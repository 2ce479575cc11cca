package reports

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/go-rod/rod/lib/proto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/results"
)

// TestHTMLInChromium opens the report in real headless Chromium: no console message at error level, no
// exception, the hostile onerror handler never ran, no script element exists, screenshots are embedded,
// and the page fits a phone's width. It saves a full-page screenshot (to $CANCELPATH_SCREENSHOT_DIR when
// set, for a person to look at).
func TestHTMLInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	browser := shared.get(t)
	tests := []struct {
		lang  string
		width int
	}{
		{"en", 1200},
		{"zh", 1200},
		{"zh", 390},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"-"+strconv.Itoa(tt.width), func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, Render(&buf, loadFixture(t), FormatHTML, Options{Lang: tt.lang, BaseDir: "testdata/run"}))
			path := filepath.Join(t.TempDir(), "report.html")
			require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))

			page, err := browser.Page(proto.TargetCreateTarget{})
			require.NoError(t, err)
			defer func() { _ = page.Close() }()
			require.NoError(t, page.SetViewport(&proto.EmulationSetDeviceMetricsOverride{Width: tt.width, Height: 900, DeviceScaleFactor: 1}))

			var mu sync.Mutex
			var problems []string
			note := func(s string) { mu.Lock(); problems = append(problems, s); mu.Unlock() }
			wait := page.EachEvent(
				func(e *proto.RuntimeConsoleAPICalled) {
					if e.Type == proto.RuntimeConsoleAPICalledTypeError || e.Type == proto.RuntimeConsoleAPICalledTypeWarning {
						note("console " + string(e.Type))
					}
				},
				func(e *proto.RuntimeExceptionThrown) { note("exception: " + e.ExceptionDetails.Text) },
				func(e *proto.LogEntryAdded) {
					if e.Entry.Level == proto.LogLogEntryLevelError {
						note("log: " + e.Entry.Text)
					}
				},
			)
			go wait()
			require.NoError(t, proto.LogEnable{}.Call(page))
			require.NoError(t, page.Timeout(20*time.Second).Navigate("file://"+mustAbs(t, path)))
			require.NoError(t, page.Timeout(20*time.Second).WaitLoad())

			checks, err := page.Eval(`() => ({
				pwned: window.__pwned !== undefined,
				scripts: document.scripts.length,
				onerror: document.querySelectorAll('[onerror]').length,
				imgX: [...document.images].filter(i => i.getAttribute('src') === 'x').length,
				embedded: [...document.images].filter(i => i.src.startsWith('data:image/png;base64,')).length,
				broken: [...document.images].filter(i => i.complete && i.naturalWidth === 0).length,
				hostileText: document.body.innerText.includes('<script>window.__pwned=1</script>'),
				overflow: document.documentElement.scrollWidth - window.innerWidth,
				lang: document.documentElement.lang,
			})`)
			require.NoError(t, err)
			got := checks.Value
			assert.False(t, got.Get("pwned").Bool(), "the hostile onerror handler ran")
			assert.Zero(t, got.Get("scripts").Int(), "the report has no script element")
			assert.Zero(t, got.Get("onerror").Int(), "no element carries an event handler")
			assert.Zero(t, got.Get("imgX").Int())
			assert.Equal(t, 6, got.Get("embedded").Int(), "the four steps' screenshots and the two failed rules' are embedded")
			assert.Zero(t, got.Get("broken").Int(), "no broken image")
			assert.True(t, got.Get("hostileText").Bool(), "the hostile site name shows as text")
			assert.LessOrEqual(t, got.Get("overflow").Int(), 0, "no horizontal scrolling of the page")
			assert.Equal(t, map[string]string{"en": "en", "zh": "zh-CN"}[tt.lang], got.Get("lang").Str())

			shot, err := page.Screenshot(true, &proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng})
			require.NoError(t, err)
			img, err := png.Decode(bytes.NewReader(shot))
			require.NoError(t, err)
			assert.InDelta(t, tt.width, img.Bounds().Dx(), 20, "the page's width (less a scroll bar)")
			assert.Greater(t, img.Bounds().Dy(), 2000, "the whole report, not one screen")
			dir := os.Getenv("CANCELPATH_SCREENSHOT_DIR")
			if dir == "" {
				dir = t.TempDir()
			}
			out := filepath.Join(dir, "report-"+tt.lang+"-"+strconv.Itoa(tt.width)+".png")
			require.NoError(t, os.WriteFile(out, shot, 0o644))
			t.Logf("screenshot: %s", out)

			mu.Lock()
			defer mu.Unlock()
			assert.Empty(t, problems, "console errors or exceptions")
		})
	}
}

func TestHTMLNeverReadsOutsideTheBaseFolder(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Render(&buf, loadFixture(t), FormatHTML, Options{BaseDir: "testdata/run"}))
	out := buf.String()
	assert.NotContains(t, out, "etc/passwd", "a path leaving the base folder is neither read nor linked")
	assert.NotContains(t, out, "root:x:0:0")
	assert.Contains(t, out, `<a class="shot" href="evidence/xingchen@mobile/06-cancel-0.png"><img src="data:image/png;base64,`)
	assert.Contains(t, out, "screenshot file missing", "a listed screenshot that is not there is said so")
}

func TestHTMLLinksScreenshotsWithoutBaseFolder(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Render(&buf, loadFixture(t), FormatHTML, Options{}))
	out := buf.String()
	assert.Contains(t, out, `<img src="evidence/xingchen@mobile/06-cancel-0.png"`)
	assert.NotContains(t, out, "data:image/")
	// The hostile screenshot path is percent-encoded into an inert relative link.
	assert.Contains(t, out, `evidence/hostile@desktop/%22%3E%3Cimg%20src=x%20onerror=%22window.__pwned=1%22%3E.png`)
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	abs, err := filepath.Abs(p)
	require.NoError(t, err)
	return abs
}

// TestHTMLListsPathScreens: each screen after the cancel control is listed with its options, headed by the
// step that read it as the path numbers it; a site's labels are escaped text, and a cut list says so.
func TestHTMLListsPathScreens(t *testing.T) {
	doc := loadFixture(t)
	var hostile *results.Entry
	for i := range doc.Results {
		if doc.Results[i].ScenarioID == "hostile" {
			hostile = &doc.Results[i]
		}
	}
	require.NotNil(t, hostile)
	hostile.PathScreens = []metrics.ScreenOptions{{StepIndex: 6, StepLine: 18, URL: "http://127.0.0.1:8080/hostile/x",
		Scope: "page", Options: []string{"<script>window.__pwned=2</script>", "仍要\u202e取消"}, Truncated: true}}
	var buf bytes.Buffer
	require.NoError(t, Render(&buf, doc, FormatHTML, Options{}))
	out := buf.String()
	assert.Contains(t, out, "<strong>step 3 · line 24 · 2 options · in a dialog</strong>")
	assert.Contains(t, out, "<li>确认关闭</li><li>再想想</li>")
	assert.Contains(t, out, "<dt>Options on the path</dt><dd class=\"\">2</dd>")
	assert.Contains(t, out, "<li>&lt;script&gt;window.__pwned=2&lt;/script&gt;</li><li>仍要取消</li>")
	assert.Contains(t, out, "more options on this screen are not listed")
}
