package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/go-rod/rod/lib/proto"

	"github.com/cancelpath/cancelpath/audit"
	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/rules"
	"github.com/cancelpath/cancelpath/reports"
	"github.com/cancelpath/cancelpath/results"
)

// reportBench measures the HTML report of a long sweep: n synthetic runs as an audit leaves them (steps with
// screenshots in evidence folders, verdicts, notes) written into a folder, then opened in headless Chromium.
// It prints the HTML bytes per run and the first contentful paint of the page a reader opens first; it
// asserts nothing. dir "" means a temporary folder, removed afterwards.
func reportBench(ctx context.Context, n int, dir string) error {
	fmt.Printf("command: go run ./cmd/bench -report %d\n", n)
	if dir == "" {
		tmp, err := os.MkdirTemp("", "cancelpath-bench-report-")
		if err != nil {
			return err
		}
		defer func() { _ = os.RemoveAll(tmp) }() // best effort: a temporary folder
		dir = tmp
	}
	t0 := time.Now()
	doc, shots, err := syntheticSweep(dir, n)
	if err != nil {
		return err
	}
	evidence, _, err := dirBytes(filepath.Join(dir, "evidence"), "")
	if err != nil {
		return err
	}
	fmt.Printf("sweep: %d synthetic runs (half desktop 1280×800, half mobile 1170×2532 at DPR 3), %d screenshots, %.1f MB of PNG evidence, made in %.1f s\n",
		n, shots, mb(evidence), time.Since(t0).Seconds())

	opt := reports.Options{BaseDir: dir}
	cold, err := timed(func() error {
		_, err := reports.WriteAll(dir, doc, []reports.Format{reports.FormatHTML}, opt)
		return err
	})
	if err != nil {
		return err
	}
	warm, err := timed(func() error {
		_, err := reports.WriteAll(dir, doc, []reports.Format{reports.FormatHTML}, opt)
		return err
	})
	if err != nil {
		return err
	}
	index, err := fileSize(filepath.Join(dir, "report.html"))
	if err != nil {
		return err
	}
	sites, pages, err := dirBytes(filepath.Join(dir, "sites"), ".html")
	if err != nil {
		return err
	}
	thumbs, nThumbs, err := dirBytes(filepath.Join(dir, "thumbs"), ".jpg")
	if err != nil {
		return err
	}
	html := index + sites
	fmt.Printf("write report.html: %.1f s with thumbnails to make, %.1f s again (thumbnails reused)\n", cold.Seconds(), warm.Seconds())
	fmt.Printf("html: %.0f KB in all (report.html %.0f KB, %d pages under sites/ %.0f KB): %.1f KB per run (target ≤ 300 KB)\n",
		kb(html), kb(index), pages, kb(sites), kb(html)/float64(n))
	if nThumbs > 0 {
		fmt.Printf("thumbs: %d JPEG, %.1f MB, %.1f KB each on average\n", nThumbs, mb(thumbs), kb(thumbs)/float64(nThumbs))
	}
	var stream countingWriter
	if err := reports.Render(&stream, doc, reports.FormatHTML, opt); err != nil {
		return err
	}
	fmt.Printf("for comparison, the one page rendered to a stream (report -f html > file, screenshots embedded up to 64 MB): %.1f MB, %.0f KB per run\n",
		mb(stream.n), kb(stream.n)/float64(n))

	b, err := audit.OpenBrowser(ctx, audit.BrowserOptions{})
	if err != nil {
		return err
	}
	defer func() { _ = b.Close() }() // stops the browser; it reports no error
	rb := b.Rod()
	if rb == nil {
		return fmt.Errorf("browser is closed")
	}
	first := filepath.Join(dir, "report.html")
	if pages > 0 {
		fmt.Printf("report.html is the index of %d site pages\n", pages)
	}
	paint := func(file string) (fcp, load time.Duration, err error) {
		page, err := rb.Page(proto.TargetCreateTarget{})
		if err != nil {
			return 0, 0, err
		}
		defer func() { _ = page.Close() }() // cleanup: the page is measured already
		if err := page.SetViewport(&proto.EmulationSetDeviceMetricsOverride{Width: 1280, Height: 800, DeviceScaleFactor: 1}); err != nil {
			return 0, 0, err
		}
		p := page.Context(ctx).Timeout(2 * time.Minute)
		abs, err := filepath.Abs(file)
		if err != nil {
			return 0, 0, err
		}
		if err := p.Navigate("file://" + filepath.ToSlash(abs)); err != nil {
			return 0, 0, err
		}
		if err := p.WaitLoad(); err != nil {
			return 0, 0, err
		}
		// The paint entry may come after the load event on a small page: wait for it (buffered, so an
		// earlier one is seen too).
		res, err := p.Eval(`() => new Promise(resolve => {
			const load = performance.getEntriesByType('navigation')[0].loadEventEnd;
			new PerformanceObserver((list, obs) => {
				const e = list.getEntriesByName('first-contentful-paint')[0];
				if (e) { obs.disconnect(); resolve({fcp: e.startTime, load}); }
			}).observe({type: 'paint', buffered: true});
			setTimeout(() => resolve({fcp: -1, load}), 30000);
		})`)
		if err != nil {
			return 0, 0, err
		}
		ms := func(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
		return ms(res.Value.Get("fcp").Num()), ms(res.Value.Get("load").Num()), nil
	}
	median := func(file string) (fcp, load time.Duration, err error) {
		var fcps, loads []time.Duration
		for range 3 {
			f, l, err := paint(file)
			if err != nil {
				return 0, 0, err
			}
			fcps, loads = append(fcps, f), append(loads, l)
		}
		slices.Sort(fcps)
		slices.Sort(loads)
		return fcps[1], loads[1], nil
	}
	fcp, load, err := median(first)
	if err != nil {
		return err
	}
	fmt.Printf("first contentful paint of report.html in headless Chromium (1280×800, median of 3 fresh tabs): %.0f ms, load event %.0f ms (target < 3 s)\n",
		ms(fcp), ms(load))
	if pages > 0 {
		biggest, err := largestFile(filepath.Join(dir, "sites"))
		if err != nil {
			return err
		}
		fcp, load, err := median(biggest)
		if err != nil {
			return err
		}
		size, _ := fileSize(biggest)
		fmt.Printf("largest site page (%s, %.0f KB): first contentful paint %.0f ms, load event %.0f ms\n",
			filepath.Base(biggest), kb(size), ms(fcp), ms(load))
	}
	streamFile := filepath.Join(dir, "stream.html")
	f, err := os.Create(streamFile)
	if err != nil {
		return err
	}
	err = reports.Render(f, doc, reports.FormatHTML, opt)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fcp, load, err = paint(streamFile)
	if err != nil {
		return err
	}
	fmt.Printf("for comparison, the one embedded page: first contentful paint %.0f ms, load event %.0f ms (one tab)\n", ms(fcp), ms(load))
	return nil
}

// syntheticSweep writes n runs' evidence under dir/evidence and returns their document and the number of
// screenshots. Every run has its own files, as a real sweep does, so that every thumbnail is made.
func syntheticSweep(dir string, n int) (*results.Document, int, error) {
	desktop, err := screenshots(1280, 800, 1)
	if err != nil {
		return nil, 0, err
	}
	mobile, err := screenshots(390, 844, 3)
	if err != nil {
		return nil, 0, err
	}
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	doc := &results.Document{SchemaVersion: results.SchemaVersion, Tool: results.Tool{Name: "cancelpath", Version: "bench"},
		StartedAt: start, FinishedAt: start.Add(time.Duration(n) * 12 * time.Second), Packs: []string{"cn", "de", "wcag"}}
	shots := 0
	for i := range n {
		site := i / 2
		dev := metrics.Device{Name: "desktop", Width: 1280, Height: 800, DeviceScaleFactor: 1}
		pngs := desktop
		if i%2 == 1 {
			dev = metrics.Device{Name: "mobile", Width: 390, Height: 844, DeviceScaleFactor: 3, Mobile: true, Touch: true}
			pngs = mobile
		}
		id := fmt.Sprintf("site-%03d", site)
		ev := fmt.Sprintf("evidence/%s@%s", id, dev.Name)
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(ev)), 0o755); err != nil {
			return nil, 0, err
		}
		r := metrics.Result{ScenarioID: id, Site: fmt.Sprintf("示例卡盟 %03d · 会员中心", site), File: "scenarios/" + id + ".yaml",
			ScenarioSHA256: strings.Repeat("ab", 32), Jurisdictions: []string{"cn", "de"}, Device: dev,
			Browser: "Chrome/146.0.0.0", Status: metrics.StatusOK, StartedAt: start.Add(time.Duration(i) * 12 * time.Second),
			DurationMS: 6000 + int64(i%7)*900, LandingURL: "https://" + id + ".example/account",
			FinalURL: "https://" + id + ".example/account/renewal?done=1", Attempts: 1}
		actions := []struct{ phase, action, target string }{
			{"cancel", "click", "text 我的"}, {"cancel", "click", "text 会员管理"}, {"cancel", "hover", "text 更多设置"},
			{"cancel", "click", "role link name 关闭自动续费"}, {"cancel", "click", "text 确认关闭"}, {"done", "wait_for", "text 已关闭自动续费"},
		}
		r.Steps = []metrics.Step{
			{Phase: "login", Action: "fill", Target: "css #username", URL: r.LandingURL},
			{Phase: "login", Action: "click", Target: "text 登录", URL: r.LandingURL},
		}
		for k, a := range actions {
			shot := fmt.Sprintf("%s/%02d-%s-%d.png", ev, k+6, a.phase, k)
			if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(shot)), pngs[(i+k)%len(pngs)], 0o644); err != nil {
				return nil, 0, err
			}
			shots++
			r.Steps = append(r.Steps, metrics.Step{Phase: a.phase, Index: k, Line: 14 + 2*k, Action: a.action, Target: a.target,
				Clicks: 1, Level: k < 3, LevelKind: "navigation", Control: k == 3, URL: fmt.Sprintf("%s/step/%d", r.LandingURL, k),
				StartedAt: r.StartedAt.Add(time.Duration(k) * time.Second), DurationMS: 800, Screenshot: shot})
		}
		clicks, levels, hovers, inter, done, options := 4, 3, 1, 1, 5, 6
		r.Metrics = metrics.Metrics{ClicksToControl: &clicks, LevelsToControl: &levels, HoversToControl: &hovers,
			Interstitials: &inter, ClicksToDone: &done, OptionsOnPath: &options, LoginActions: 2}
		control := r.Steps[5].Screenshot
		r.Control = &metrics.Control{Label: "关闭自动续费", Role: "link", Tag: "a", Box: metrics.Box{X: 900, Y: 620, Width: 64, Height: 14},
			ContrastRatio: 2.9, FontSizePX: 11, TargetSize: "fail", SizeRatio: 0.21, URL: r.LandingURL + "/renewal",
			LargestOtherButton: &metrics.OtherButton{Label: "继续享受会员特权", Box: metrics.Box{Width: 320, Height: 48}}, Screenshot: control}
		r.Confirm = &metrics.Confirm{Label: "确认关闭", InViewportOnArrival: true, Offers: true, OfferText: "再续一个月只要 9.9 元", URL: r.FinalURL}
		r.Effect = &metrics.Effect{Passed: i%5 != 0, Reason: "the status page still shows auto-renewal on"}
		r.Notes = []string{"a retention dialog appeared after the second click and was dismissed", "the done state was read from the toast"}
		r.PathScreens = []metrics.ScreenOptions{{StepIndex: 4, StepLine: 22, URL: r.FinalURL, Scope: "dialog",
			Options: []string{"确认关闭", "再想想", "领取优惠券后再决定", "联系客服"}}}
		doc.Results = append(doc.Results, results.Entry{Result: r, Verdicts: syntheticVerdicts(control, r.Steps[6].Screenshot),
			Scores: []rules.Score{{Pack: "cn", Score: 62, Grade: "D", Counted: true, Weight: 10},
				{Pack: "de", Score: 55, Grade: "E", Counted: true, Weight: 8}, {Pack: "wcag", Score: 70, Grade: "C", Counted: true, Weight: 4}},
			Overall: float64(40 + (i*37)%60)})
		e := &doc.Results[len(doc.Results)-1]
		e.Grade = string("FEDCBA"[min(5, max(0, int(e.Overall)/10-4))])
	}
	results.RankEntries(doc.Results)
	return doc, shots, nil
}

// syntheticVerdicts: a dozen rules, four of them failed with their evidence, one for reference only.
func syntheticVerdicts(control, confirm string) []rules.Verdict {
	step := 3
	v := []rules.Verdict{
		{RuleID: "cn.ecommerce.24.levels", Pack: "cn", Title: "取消入口不得超过两级菜单", Severity: rules.Major, Weight: 3, Outcome: rules.Fail,
			Metric: "levels_to_control", Measured: "3", Threshold: "<= 2", Citation: "《电子商务法》第二十四条：电子商务经营者应当明示用户注销的方式和程序，不得对用户注销设置不合理条件。",
			Basis: "interpretation", BasisSource: "SAMR guidance 2023", StepPhase: "cancel", StepIndex: &step, RuleStatus: "in_force",
			StatusNote: "in force on 2026-03-01, since 2019-01-01", Message: "the control is three menu levels deep", Screenshot: control},
		{RuleID: "de.312k.levels", Pack: "de", Title: "Kündigungsschaltfläche leicht zugänglich", Severity: rules.Critical, Weight: 4, Outcome: rules.Fail,
			Metric: "clicks_to_control", Measured: "4", Threshold: "<= 2", Citation: "§ 312k Abs. 2 BGB: Die Kündigungsschaltfläche muss gut lesbar mit nichts anderem als den Wörtern „Verträge hier kündigen“ beschriftet sein.",
			Basis: "law", BasisSource: "§ 312k BGB", RuleStatus: "in_force", StatusNote: "in force on 2026-03-01, since 2022-07-01", Screenshot: control},
		{RuleID: "wcag.2.5.8.target-size", Pack: "wcag", Title: "Target size (minimum)", Severity: rules.Minor, Weight: 1, Outcome: rules.Fail,
			Metric: "target_size", Measured: "64×14", Threshold: ">= 24×24", Citation: "WCAG 2.2 SC 2.5.8: the size of the target for pointer inputs is at least 24 by 24 CSS pixels.",
			Basis: "standard", RuleStatus: "in_force", Screenshot: control},
		{RuleID: "cn.confirm.offer", Pack: "cn", Title: "确认页不得夹带挽留优惠", Severity: rules.Minor, Weight: 1, Outcome: rules.Fail,
			Measured: "offer shown", Citation: "《消费者权益保护法实施条例》第十条", Basis: "interpretation", RuleStatus: "in_force", Screenshot: confirm},
		{RuleID: "us.ftc.click-to-cancel", Pack: "us", Title: "Simple cancellation mechanism", Severity: rules.Major, Weight: 3, Outcome: rules.Fail,
			Citation: "16 CFR 425.6", Basis: "law", RuleStatus: "vacated", StatusNote: "vacated on 2026-03-01, since 2025-07-08"},
	}
	for k := range 8 {
		v = append(v, rules.Verdict{RuleID: fmt.Sprintf("cn.pass.%d", k), Pack: "cn", Title: "passed rule", Severity: rules.Info,
			Weight: 1, Outcome: rules.Pass, Citation: "《电子商务法》", Basis: "law", RuleStatus: "in_force"})
	}
	return v
}

// screenshots draws a few page-like screenshots of a css width×height viewport at device pixel ratio dpr (a
// header, lines of "text", buttons, the clicked target outlined in red) and encodes them as PNG.
func screenshots(width, height, dpr int) ([][]byte, error) {
	var out [][]byte
	for v := range 4 {
		img := image.NewRGBA(image.Rect(0, 0, width*dpr, height*dpr))
		fill := func(x, y, w, h int, c color.Color) {
			draw.Draw(img, image.Rect(x*dpr, y*dpr, (x+w)*dpr, (y+h)*dpr), image.NewUniform(c), image.Point{}, draw.Src)
		}
		fill(0, 0, width, height, color.White)
		fill(0, 0, width, 56, color.RGBA{R: 0x1a, G: 0x56, B: 0xdb, A: 0xff})
		seed := uint32(v*7919 + width)
		for y := 80; y < height-40; y += 22 {
			seed = seed*1664525 + 1013904223
			x := 24
			for x < width-60 {
				seed = seed*1664525 + 1013904223
				w := 8 + int(seed>>27)
				// Glyph-like strokes, so that the PNG compresses about as a page of text does.
				for gx := x; gx < x+w && gx < width-24; gx += 2 {
					fill(gx, y+int(seed>>30), 1, 10-int(seed>>30), color.Gray{Y: uint8(40 + seed>>28)})
				}
				x += w + 6
			}
		}
		fill(width/2-80, height/2, 160, 44, color.RGBA{R: 0xe3, G: 0x74, B: 0x00, A: 0xff})
		for _, r := range []image.Rectangle{image.Rect(20, 300, 220, 302), image.Rect(20, 340, 220, 342),
			image.Rect(20, 300, 22, 342), image.Rect(218, 300, 220, 342)} {
			fill(r.Min.X, r.Min.Y, r.Dx(), r.Dy(), color.RGBA{R: 0xff, A: 0xff})
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			return nil, fmt.Errorf("encode a synthetic screenshot: %w", err)
		}
		out = append(out, buf.Bytes())
	}
	return out, nil
}

func timed(f func() error) (time.Duration, error) {
	t0 := time.Now()
	err := f()
	return time.Since(t0), err
}

func fileSize(p string) (int64, error) {
	st, err := os.Stat(p)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// dirBytes sums the sizes of the files under dir whose names end in ext; a missing dir holds none.
func dirBytes(dir, ext string) (total int64, files int, err error) {
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && strings.HasSuffix(p, ext) {
			st, err := d.Info()
			if err != nil {
				return err
			}
			total += st.Size()
			files++
		}
		return nil
	})
	if os.IsNotExist(err) {
		return 0, 0, nil
	}
	return total, files, err
}

func largestFile(dir string) (string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	best, size := "", int64(-1)
	for _, e := range ents {
		st, err := e.Info()
		if err != nil {
			return "", err
		}
		if st.Size() > size {
			best, size = filepath.Join(dir, e.Name()), st.Size()
		}
	}
	return best, nil
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func kb(n int64) float64         { return float64(n) / 1024 }
func mb(n int64) float64         { return float64(n) / (1 << 20) }
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
