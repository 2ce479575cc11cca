package reports

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod/lib/proto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/results"
)

// copyRun copies the fixture's output folder (results.json and its evidence) to a temporary folder: the
// layout an audit leaves, the report written beside the evidence.
func copyRun(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "out")
	require.NoError(t, os.CopyFS(dir, os.DirFS("testdata/run")))
	return dir
}

func writeHTMLReport(t *testing.T, outDir string, doc *results.Document, opt Options) string {
	t.Helper()
	paths, err := WriteAll(outDir, doc, []Format{FormatHTML}, opt)
	require.NoError(t, err)
	require.Equal(t, []string{filepath.Join(outDir, "report.html")}, paths)
	data, err := os.ReadFile(paths[0])
	require.NoError(t, err)
	return string(data)
}

func TestHTMLFolderShowsThumbnailsLinkedToFullImages(t *testing.T) {
	out := copyRun(t)
	report := writeHTMLReport(t, out, loadFixture(t), Options{BaseDir: out})
	// The single page as before, the screenshots as thumbnails: the golden's diff against report.html shows it.
	golden(t, "report-folder.html", []byte(report))

	assert.NotContains(t, report, "data:image/", "nothing is embedded")
	shots, err := filepath.Glob(filepath.Join(out, "evidence", "*", "*.png"))
	require.NoError(t, err)
	require.Len(t, shots, 4)
	for _, shot := range shots {
		rel := filepath.ToSlash(strings.TrimPrefix(shot, out+string(filepath.Separator)))
		assert.Contains(t, report, fmt.Sprintf(`<a class="shot" href="%s"><img src="thumbs/%s.jpg"`, rel, rel))

		f, err := os.Open(filepath.Join(out, "thumbs", filepath.FromSlash(rel)+".jpg"))
		require.NoError(t, err)
		st, err := f.Stat()
		require.NoError(t, err)
		thumb, err := jpeg.Decode(f)
		_ = f.Close()
		require.NoError(t, err, "the thumbnail is a JPEG")
		assert.LessOrEqual(t, thumb.Bounds().Dx(), maxThumbWidth)
		assert.LessOrEqual(t, thumb.Bounds().Dy(), maxThumbHeight)
		assert.Less(t, st.Size(), int64(64<<10), "a few tens of KB")
	}
	assert.Contains(t, report, "screenshot file missing", "a listed screenshot that is not there is said so")
	assert.Contains(t, report, `<a href="evidence/xingchen@mobile/">`, "the evidence folder that is there is linked")
	assert.NotContains(t, report, `<a href="evidence/xingchen@desktop/">`, "one that is not is not linked")
}

// TestHTMLFolderLinksEvidenceFromAnotherFolder: `cancelpath report out/results.json -o out/zh` writes the
// report one folder below the evidence: its links climb to it, its thumbnails are its own.
func TestHTMLFolderLinksEvidenceFromAnotherFolder(t *testing.T) {
	base := copyRun(t)
	out := filepath.Join(base, "zh")
	report := writeHTMLReport(t, out, loadFixture(t), Options{BaseDir: base, Lang: "zh"})
	assert.Contains(t, report, `<a class="shot" href="../evidence/xingchen@mobile/06-cancel-0.png"><img src="thumbs/evidence/xingchen@mobile/06-cancel-0.png.jpg"`)
	assert.FileExists(t, filepath.Join(out, "thumbs", "evidence", "xingchen@mobile", "06-cancel-0.png.jpg"))
	assert.NoDirExists(t, filepath.Join(base, "thumbs"))
	assertLinksResolve(t, out, "report.html", report)
}

// TestHTMLHostileScreenshotPaths: a screenshot path from results.json that leaves the base folder is
// neither read (no thumbnail, nothing embedded) nor linked, whether the report goes to a stream or a folder.
func TestHTMLHostileScreenshotPaths(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.png")
	require.NoError(t, os.WriteFile(secret, pngBytes(t, 40, 30), 0o644))

	tests := []struct {
		name, shot string
		link       bool // a symlink from evidence/<shot> to the secret image
	}{
		{"parent", "../secret.png", false},
		{"deep parent", "evidence/../../secret.png", false},
		{"absolute", secret, false},
		{"scheme", "javascript:alert(1)//secret.png", false},
		{"file URL", "file://" + filepath.ToSlash(secret), false},
		{"symlink out", "evidence/secret.png", true},
	}
	for _, tt := range tests {
		for _, mode := range []string{"folder", "stream"} {
			t.Run(tt.name+"/"+mode, func(t *testing.T) {
				out := filepath.Join(outside, "out-"+strings.ReplaceAll(tt.name, " ", "-")+"-"+mode)
				require.NoError(t, os.MkdirAll(filepath.Join(out, "evidence"), 0o755))
				if tt.link {
					require.NoError(t, os.Symlink(secret, filepath.Join(out, "evidence", "secret.png")))
				}
				doc := loadFixture(t)
				e := &doc.Results[0]
				e.Steps = []metrics.Step{{Phase: "cancel", Action: "click", Target: "退订", Screenshot: tt.shot}}
				doc.Results = doc.Results[:1]

				var report string
				if mode == "folder" {
					report = writeHTMLReport(t, out, doc, Options{BaseDir: out})
					_, err := os.Stat(filepath.Join(out, "thumbs"))
					assert.ErrorIs(t, err, fs.ErrNotExist, "no thumbnail was made")
				} else {
					var buf bytes.Buffer
					require.NoError(t, Render(&buf, doc, FormatHTML, Options{BaseDir: out}))
					report = buf.String()
				}
				assert.NotContains(t, report, "data:image/", "the image was not read")
				for _, m := range regexp.MustCompile(`(?:href|src)="([^"]*)"`).FindAllStringSubmatch(report, -1) {
					assert.NotContains(t, m[1], "secret", "linked: %s", m[0])
				}
				assert.NotContains(t, report, "javascript:")
				assert.NotContains(t, report, filepath.ToSlash(outside))
			})
		}
	}
}

// TestHTMLThumbnailsNeverWrittenOutsideTheFolder: a thumbs/ that is a symlink out of the report's folder is
// not followed.
func TestHTMLThumbnailsNeverWrittenOutsideTheFolder(t *testing.T) {
	out := copyRun(t)
	elsewhere := t.TempDir()
	require.NoError(t, os.Symlink(elsewhere, filepath.Join(out, "thumbs")))
	report := writeHTMLReport(t, out, loadFixture(t), Options{BaseDir: out})
	left, err := os.ReadDir(elsewhere)
	require.NoError(t, err)
	assert.Empty(t, left, "nothing written through the symlink")
	assert.Contains(t, report, `<a class="shot" href="evidence/xingchen@mobile/06-cancel-0.png"><img src="evidence/xingchen@mobile/06-cancel-0.png"`,
		"without a thumbnail the full image is shown")
}

func TestHTMLThumbnailsAreMadeOnce(t *testing.T) {
	out := copyRun(t)
	doc := loadFixture(t)
	writeHTMLReport(t, out, doc, Options{BaseDir: out})
	shot := filepath.Join(out, "evidence", "xingchen@mobile", "07-cancel-1.png")
	thumb := filepath.Join(out, "thumbs", "evidence", "xingchen@mobile", "07-cancel-1.png.jpg")
	src, err := os.Stat(shot)
	require.NoError(t, err)

	// Newer than its image: reused as it is (a new file would have a new time).
	later := src.ModTime().Add(time.Hour).Truncate(time.Second)
	require.NoError(t, os.Chtimes(thumb, later, later))
	writeHTMLReport(t, out, doc, Options{BaseDir: out})
	st, err := os.Stat(thumb)
	require.NoError(t, err)
	assert.True(t, st.ModTime().Equal(later), "the thumbnail was made again")

	// The image changed since: made again.
	require.NoError(t, os.Chtimes(shot, later.Add(time.Hour), later.Add(time.Hour)))
	writeHTMLReport(t, out, doc, Options{BaseDir: out})
	st, err = os.Stat(thumb)
	require.NoError(t, err)
	assert.False(t, st.ModTime().Equal(later), "a stale thumbnail was kept")
	leftovers, err := filepath.Glob(filepath.Join(filepath.Dir(thumb), ".*"))
	require.NoError(t, err)
	assert.Empty(t, leftovers, "no temporary files left")
}

// longSweep is the fixture's runs copied into n synthetic results of n/2 sites on two devices each, some
// with ids that must not become file names as they are.
func longSweep(t *testing.T, n int) *results.Document {
	t.Helper()
	doc := loadFixture(t)
	base := doc.Results
	ids := []string{"../../etc/passwd", "CON", "a/b", "A/B", "a-b", "x y", "星辰", strings.Repeat("x", 300), "site", "Site"}
	doc.Results = nil
	for i := range n {
		e := base[i%len(base)]
		site := i / 2
		e.ScenarioID = fmt.Sprintf("site-%03d", site)
		if site < len(ids) {
			e.ScenarioID = ids[site]
		}
		e.Device.Name = []string{"desktop", "mobile"}[i%2]
		e.Site = fmt.Sprintf("%s #%d", e.Site, site)
		e.Overall = float64(100 - i%37)
		doc.Results = append(doc.Results, e)
	}
	results.RankEntries(doc.Results)
	return doc
}

func TestHTMLLongSweepWritesAnIndexAndSitePages(t *testing.T) {
	out := copyRun(t)
	n := maxSinglePageResults + 10
	index := writeHTMLReport(t, out, longSweep(t, n), Options{BaseDir: out})

	assert.NotContains(t, index, `<section class="site"`, "the index holds no run's details")
	rows := regexp.MustCompile(`<td class="site"><a href="(sites/([^"#]+)\.html)#(site-\d+)">`).FindAllStringSubmatch(index, -1)
	require.Len(t, rows, n, "a row per run, each linking to its site's page")
	names := map[string]bool{}
	for _, r := range rows {
		page, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(r[1])))
		require.NoError(t, err, "the page of %s", r[0])
		assert.Contains(t, string(page), `<section class="site" id="`+r[3]+`">`, "the link's anchor is on the page")
		assert.Regexp(t, `^[a-z0-9_-]{1,80}$`, r[2], "a safe file name")
		names[r[2]] = true
	}
	assert.Len(t, names, n/2, "one page per site (scenario), a different name for each")

	pages, err := filepath.Glob(filepath.Join(out, "sites", "*.html"))
	require.NoError(t, err)
	require.Len(t, pages, n/2)
	for _, p := range pages {
		html, err := os.ReadFile(p)
		require.NoError(t, err)
		assertLinksResolve(t, out, "sites/"+filepath.Base(p), string(html))
		assert.Contains(t, string(html), `<a href="../report.html#ranking">`)
	}
	assert.NoFileExists(t, filepath.Join(filepath.Dir(out), "etc", "passwd.html"))
}

func TestHTMLShortSweepStaysOnePage(t *testing.T) {
	out := copyRun(t)
	report := writeHTMLReport(t, out, longSweep(t, maxSinglePageResults), Options{BaseDir: out})
	assert.Equal(t, maxSinglePageResults, strings.Count(report, `<section class="site"`))
	assert.NoDirExists(t, filepath.Join(out, "sites"))
}

// assertLinksResolve checks that every relative link and image of a page in dir (page is its slash path
// inside dir) names a file or folder that exists, inside dir's parent at most.
func assertLinksResolve(t *testing.T, dir, page, html string) {
	t.Helper()
	links := regexp.MustCompile(`(?:href|src)="([^"#]+)(?:#[^"]*)?"`).FindAllStringSubmatch(html, -1)
	require.NotEmpty(t, links)
	for _, m := range links {
		target, err := url.PathUnescape(strings.ReplaceAll(m[1], "&amp;", "&"))
		require.NoError(t, err, m[0])
		require.NotContains(t, target, ":", "a relative link: %s", m[0])
		p := filepath.Join(dir, filepath.FromSlash(path.Join(path.Dir(page), target)))
		_, err = os.Stat(p)
		assert.NoError(t, err, "%s in %s", m[0], page)
	}
}

func TestSiteFileName(t *testing.T) {
	tests := []struct{ key, want string }{
		{"xingchen", "xingchen"},
		{"bilibili-vip_2", "bilibili-vip_2"},
		{"Xingchen", "xingchen-"},
		{"../../etc/passwd", "etc-passwd-"},
		{"a/b", "a-b-"},
		{"con", "con-"},
		{"LPT1", "lpt1-"},
		{"", "site-"},
		{"星辰", "site-"},
		{"..", "site-"},
		{strings.Repeat("ab", 100), strings.Repeat("ab", 30) + "-"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			got := siteFileName(tt.key, map[string]bool{})
			assert.Regexp(t, `^[a-z0-9_-]+$`, got)
			if strings.HasSuffix(tt.want, "-") {
				assert.Regexp(t, "^"+regexp.QuoteMeta(tt.want)+"[0-9a-f]{8}$", got, "a lossy name carries a hash of the key")
			} else {
				assert.Equal(t, tt.want, got)
			}
		})
	}
	used := map[string]bool{}
	assert.Equal(t, "x", siteFileName("x", used))
	assert.Equal(t, "x-2", siteFileName("x", used), "a key seen twice still gets a name of its own")
	assert.NotEqual(t, siteFileName("a/b", used), siteFileName("a:b", used))
}

func TestDownscaleAveragesOverWhite(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 4, 2))
	for y := range 2 {
		src.Set(0, y, color.NRGBA{R: 255, A: 255})
		src.Set(1, y, color.NRGBA{B: 255, A: 255})
		src.Set(2, y, color.NRGBA{A: 0}) // transparent: white
		src.Set(3, y, color.NRGBA{A: 0})
	}
	got := downscale(src, 2, 1)
	assert.Equal(t, color.RGBA{R: 128, G: 0, B: 128, A: 255}, got.RGBAAt(0, 0))
	assert.Equal(t, color.RGBA{R: 255, G: 255, B: 255, A: 255}, got.RGBAAt(1, 0))

	for _, tt := range []struct{ w, h, ww, wh int }{
		{1280, 800, 320, 200}, {1170, 2532, 296, 640}, {200, 100, 200, 100}, {5000, 1, 320, 1},
	} {
		w, h := thumbSize(tt.w, tt.h)
		assert.Equal(t, [2]int{tt.ww, tt.wh}, [2]int{w, h}, "%d×%d", tt.w, tt.h)
	}
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

// TestHTMLFolderInChromium opens the reports written into folders in headless Chromium: every image loads
// (thumbnails are real JPEGs, their links right), none is embedded, and a long sweep's index links to site
// pages that open with their thumbnails.
func TestHTMLFolderInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	browser := shared.get(t)
	images := func(t *testing.T, file string) (total, thumbs, broken, embedded int) {
		t.Helper()
		page, err := browser.Page(proto.TargetCreateTarget{})
		require.NoError(t, err)
		defer func() { _ = page.Close() }()
		require.NoError(t, page.Timeout(20*time.Second).Navigate("file://"+mustAbs(t, file)))
		require.NoError(t, page.Timeout(20*time.Second).WaitLoad())
		// Lazy images off screen are not loaded yet: load them all, then count the ones that failed.
		res, err := page.Timeout(20 * time.Second).Eval(`async () => {
			const imgs = [...document.images];
			const ok = await Promise.all(imgs.map(i => { i.loading = 'eager'; return i.decode().then(() => true, () => false); }));
			return { total: imgs.length, thumbs: imgs.filter(i => i.src.includes('/thumbs/')).length,
				broken: ok.filter(x => !x).length, embedded: imgs.filter(i => i.src.startsWith('data:')).length };
		}`)
		require.NoError(t, err)
		v := res.Value
		return v.Get("total").Int(), v.Get("thumbs").Int(), v.Get("broken").Int(), v.Get("embedded").Int()
	}

	t.Run("single page", func(t *testing.T) {
		out := copyRun(t)
		writeHTMLReport(t, out, loadFixture(t), Options{BaseDir: out})
		total, thumbs, broken, embedded := images(t, filepath.Join(out, "report.html"))
		assert.Equal(t, 6, total, "the four steps' screenshots and the two failed rules'")
		assert.Equal(t, 6, thumbs)
		assert.Zero(t, broken)
		assert.Zero(t, embedded)
	})
	t.Run("long sweep", func(t *testing.T) {
		out := copyRun(t)
		index := writeHTMLReport(t, out, longSweep(t, maxSinglePageResults+2), Options{BaseDir: out})
		total, _, _, _ := images(t, filepath.Join(out, "report.html"))
		assert.Zero(t, total, "the index shows no screenshot")
		m := regexp.MustCompile(`href="(sites/[^"#]+)#`).FindAllStringSubmatch(index, -1)
		require.NotEmpty(t, m)
		seen, opened := 0, map[string]bool{}
		for _, l := range m {
			if opened[l[1]] || len(opened) == 8 { // a few pages are enough, each once
				continue
			}
			opened[l[1]] = true
			total, thumbs, broken, embedded := images(t, filepath.Join(out, filepath.FromSlash(l[1])))
			seen += thumbs
			assert.Zero(t, broken, l[1])
			assert.Zero(t, embedded, l[1])
			assert.LessOrEqual(t, thumbs, total)
		}
		assert.Positive(t, seen, "the site pages show thumbnails")
	})
}

// TestMakeThumbBounds: only regular image files inside the base folder, of bounded size, are decoded.
func TestMakeThumbBounds(t *testing.T) {
	base := t.TempDir()
	outside := filepath.Join(t.TempDir(), "outside.png")
	require.NoError(t, os.WriteFile(outside, pngBytes(t, 20, 10), 0o644))
	files := map[string][]byte{
		"ok.png":        pngBytes(t, 1280, 800),
		"text.png":      []byte("not an image at all"),
		"bomb.png":      hugePNG(t, 100_000, 100_000),
		"truncated.png": pngBytes(t, 64, 64)[:60],
	}
	for name, data := range files {
		require.NoError(t, os.WriteFile(filepath.Join(base, name), data, 0o644))
	}
	require.NoError(t, os.Mkdir(filepath.Join(base, "dir.png"), 0o755))
	require.NoError(t, os.Symlink(outside, filepath.Join(base, "link.png")))
	src, err := os.OpenRoot(base)
	require.NoError(t, err)
	defer func() { _ = src.Close() }()
	dst, err := os.OpenRoot(t.TempDir())
	require.NoError(t, err)
	defer func() { _ = dst.Close() }()

	tests := []struct {
		rel  string
		want thumbOutcome
		err  error
	}{
		{"ok.png", thumbMade, nil},
		{"missing.png", thumbMissing, fs.ErrNotExist},
		{"link.png", thumbMissing, errRefused},
		{"dir.png", thumbMissing, errRefused},
		{"text.png", thumbFull, errNotImage},
		{"bomb.png", thumbFull, errTooLarge},
		{"truncated.png", thumbFull, nil},
	}
	for _, tt := range tests {
		t.Run(tt.rel, func(t *testing.T) {
			got, err := makeThumb(src, dst, tt.rel)
			assert.Equal(t, tt.want, got, "%v", err)
			switch {
			case tt.err != nil:
				assert.ErrorIs(t, err, tt.err)
			case tt.want == thumbMade:
				assert.NoError(t, err)
			default:
				assert.Error(t, err)
			}
			_, statErr := dst.Stat(thumbPath(tt.rel))
			assert.Equal(t, tt.want == thumbMade, statErr == nil, "a thumbnail file exists only when made")
		})
	}
}

// hugePNG is a valid PNG header declaring a w×h image, with no pixels: a few bytes that would decode to
// gigabytes.
func hugePNG(t *testing.T, w, h uint32) []byte {
	t.Helper()
	data := pngBytes(t, 1, 1)
	// Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4), ..., CRC over type and data.
	binary.BigEndian.PutUint32(data[16:], w)
	binary.BigEndian.PutUint32(data[20:], h)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	return data
}
