package rules

import (
	"fmt"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/terms"
	"github.com/cancelpath/cancelpath/demo"
)

// siteDesign is one bundled demo site on one device, as designed (demo/sites.go, demo/templates, and
// demo/ground-truth.yaml for the counts). Built by hand: no browser.
type siteDesign struct {
	id, device, jurisdiction    string
	clicks, levels, done, inter int
	label                       string
	w, h                        float64
	controlURL                  string // relative to the site's origin, or absolute
	targetSize                  string
	sizeRatio                   float64
	confirm                     string
	prechecked                  bool
	disclosure                  string
	disclosureFont              float64
	disclosureContrast          float64
	disclosureFar               bool // the terms are more than a screen away from the subscribe button
	effect                      bool
	reachable                   *bool
	// deadEnd is set on a site without a cancel control: the clicks to the screen its path ends at (the
	// controlURL), whose text is deadEndText. The run ends no_control and measures no control.
	deadEnd     int
	deadEndText string

	pack, packGrade, overall string // the grades the design implies
}

const (
	demoOrigin = "http://127.0.0.1:41000"
	payOrigin  = "http://127.0.0.1:41001" // the payment channel: another origin
	// The renewal terms of the sites (demo/templates/vip.html): #555 on #fafafa (contrast ≈ 7) at 14 px, or
	// the slow-review site's 10 px #aaa footnote (≈ 2.3).
	termsCompliant = "自动续费说明：每月 ¥15.00，每 30 天自动扣费一次，扣费前 5 天短信提醒。可随时在「我的 → 自动续费」一键关闭，关闭后不再扣费。"
	termsPlain     = "会员 ¥18.00/月，开通自动续费后到期自动扣费。"
	termsFootnote  = "* 开通即视为同意《会员服务协议》及《自动续费服务规则》。勾选自动续费后，会员到期前 1 天将按 ¥25.00/月 自动扣费，如需取消请联系客服提交申请。"
	termsGerman    = "4,99 € pro Monat. Mit automatischer Verlängerung verlängert sich die Mitgliedschaft jeden Monat, bis Sie kündigen."
	// What the customer-service-only site's 在线客服 bot says (demo/templates/service.html).
	botReply = "退订自动续费请提供订单号，人工客服将在 1-3 个工作日内处理。"
)

func designs() []siteDesign {
	cn := func(d siteDesign) siteDesign {
		d.jurisdiction, d.pack = "cn", "cn"
		if d.device == "" {
			d.device = "desktop"
		}
		if d.targetSize == "" {
			d.targetSize = "pass"
		}
		if d.sizeRatio == 0 {
			d.sizeRatio = 1
		}
		if d.disclosure == "" {
			d.disclosure, d.disclosureFont, d.disclosureContrast = termsPlain, 14, 7
		}
		return d
	}
	yes := true
	return []siteDesign{
		cn(siteDesign{id: "xingchen", clicks: 2, levels: 1, done: 3, inter: 1, label: "自动续费", w: 72, h: 44,
			controlURL: "/xingchen/account", confirm: "确认关闭", disclosure: termsCompliant, disclosureFont: 14,
			disclosureContrast: 7, effect: true, packGrade: "A", overall: "A"}),
		{id: "kartenwelt", device: "desktop", jurisdiction: "de", clicks: 1, levels: 0, done: 2, inter: 1,
			label: "Verträge hier kündigen", w: 240, h: 48, controlURL: "/kartenwelt/", targetSize: "pass", sizeRatio: 1,
			confirm: "jetzt kündigen", disclosure: termsGerman, disclosureFont: 14, disclosureContrast: 7, effect: true,
			reachable: &yes, pack: "de", packGrade: "A", overall: "A"},
		cn(siteDesign{id: "zhangyou", clicks: 2, levels: 1, done: 3, inter: 1, label: "退订", w: 120, h: 44,
			controlURL: "/zhangyou/account", confirm: "确认退订", effect: true, packGrade: "A", overall: "A"}),
		// The same site under 480 px: the 退订 button shrinks to 12×12 next to a full-width 继续使用.
		cn(siteDesign{id: "zhangyou", device: "mobile", clicks: 2, levels: 1, done: 3, inter: 1, label: "退订", w: 12,
			h: 12, targetSize: "fail", sizeRatio: 0.03, controlURL: "/zhangyou/account", confirm: "确认退订", effect: true,
			packGrade: "A", overall: "B"}),
		cn(siteDesign{id: "yunduan", clicks: 5, levels: 4, done: 6, inter: 1, label: "关闭自动续费", w: 160, h: 44,
			controlURL: "/yunduan/account/renewal", confirm: "确认关闭", effect: true, packGrade: "E", overall: "E"}),
		cn(siteDesign{id: "jinniu", clicks: 2, levels: 1, done: 6, inter: 4, label: "取消自动续费", w: 140, h: 40,
			controlURL: "/jinniu/account", confirm: "确认取消", effect: true, packGrade: "E", overall: "E"}),
		cn(siteDesign{id: "feiyu", clicks: 5, levels: 4, done: 6, inter: 1, label: "关闭服务", w: 200, h: 44,
			controlURL: payOrigin + "/deduct/feiyu", confirm: "确认关闭", effect: true, packGrade: "E", overall: "E"}),
		cn(siteDesign{id: "lanjing", clicks: 2, levels: 1, done: 3, inter: 1, label: "退订自动续费", w: 140, h: 40,
			controlURL: "/lanjing/account", confirm: "确认退订", effect: false, packGrade: "F", overall: "F"}),
		cn(siteDesign{id: "haoyun", clicks: 2, levels: 1, done: 3, inter: 1, label: "申请退订", w: 120, h: 36,
			controlURL: "/haoyun/account", confirm: "提交申请", prechecked: true, disclosure: termsFootnote,
			disclosureFont: 10, disclosureContrast: 2.3, disclosureFar: true, effect: false, packGrade: "F", overall: "F"}),
		// No control at all: 我的 → 联系客服 ends at a bot; cn.control-exists fails and caps the pack at F.
		cn(siteDesign{id: "wuyou", deadEnd: 2, deadEndText: botReply, controlURL: "/wuyou/service",
			packGrade: "F", overall: "F"}),
	}
}

func (d siteDesign) result() *metrics.Result {
	url := d.controlURL
	if url[0] == '/' {
		url = demoOrigin + url
	}
	home := demoOrigin + "/" + d.id + "/"
	r := &metrics.Result{
		ScenarioID: d.id, Site: d.id, Jurisdictions: []string{d.jurisdiction}, Status: metrics.StatusOK,
		Device:    metrics.Device{Name: d.device},
		StartedAt: measuredAt,
		Metrics: metrics.Metrics{ClicksToControl: ip(d.clicks), HoversToControl: ip(0), LevelsToControl: ip(d.levels),
			ClicksToDone: ip(d.done), Interstitials: ip(d.inter), LoginActions: 4, ReachableWithoutLogin: d.reachable},
		Control: &metrics.Control{Label: d.label, Box: metrics.Box{X: 20, Y: 300, Width: d.w, Height: d.h},
			InViewportOnArrival: true, ContrastRatio: 7, FontSizePX: 14, TargetSize: d.targetSize,
			SizeRatio: d.sizeRatio, URL: url},
		Confirm: &metrics.Confirm{Label: d.confirm, InViewportOnArrival: true},
		Subscribe: &metrics.Subscribe{Status: metrics.StatusOK, ClicksToSubscribe: ip(3),
			AutorenewPrechecked: bp(d.prechecked), DisclosureFound: bp(true), DisclosureText: d.disclosure,
			DisclosureStates: terms.Stated(d.disclosure), DisclosureInViewWithButton: bp(!d.disclosureFar),
			DisclosureFontPX: d.disclosureFont, DisclosureContrast: d.disclosureContrast},
		Effect: &metrics.Effect{Passed: d.effect},
		Steps: []metrics.Step{
			{Phase: "login", Index: 4, Action: "wait_for", URL: home},
			{Phase: "cancel", Index: d.clicks - 1, Action: "click", Control: true, URL: url},
			{Phase: "done", Index: 0, Action: "wait_for", URL: url},
		},
	}
	if d.deadEnd > 0 {
		// As audit/run records a declared dead end: no control, no confirm, no effect check, nothing counted
		// to a control or a done state; the subscribe side is measured all the same.
		r.Status = metrics.StatusNoControl
		r.Reason = fmt.Sprintf("the site offers no cancel control: after %d clicks the path ends at a screen that says %q",
			d.deadEnd, d.deadEndText)
		r.Control, r.Confirm, r.Effect = nil, nil, nil
		r.Metrics = metrics.Metrics{LoginActions: 4}
		r.DeadEnd = &metrics.DeadEnd{Text: d.deadEndText, URL: url, Clicks: d.deadEnd}
		r.Steps = []metrics.Step{r.Steps[0],
			{Phase: "cancel", Index: d.deadEnd - 1, Action: "click", URL: url},
			{Phase: "dead_end", Index: 0, Action: "dead_end", URL: url},
		}
	}
	return r
}

func TestRulesDemoSitesGetTheirDesignedGrades(t *testing.T) {
	packs := bundled(t)
	type ranked struct {
		overall float64
		grade   string
	}
	var rows []ranked
	for _, d := range designs() {
		sel, err := Select(packs, nil, []string{d.jurisdiction})
		require.NoError(t, err)
		_, scores := Evaluate(sel, d.result())
		s := scoreFor(t, scores, d.pack)
		overall, grade := Overall(scores)
		assert.Equal(t, d.packGrade, s.Grade, "%s@%s %s score %v (raw %v, cap %s)", d.id, d.device, d.pack, s.Score,
			s.Raw, s.CapRule)
		assert.Equal(t, d.overall, grade, "%s@%s overall %v", d.id, d.device, overall)
		rows = append(rows, ranked{overall, grade})
	}

	// The rating table (best score first): grades never improve down it, and the set spans A to F.
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].overall > rows[j].overall })
	for i := 1; i < len(rows); i++ {
		assert.LessOrEqual(t, rows[i-1].grade, rows[i].grade, "ranking %v", rows)
	}
	assert.Equal(t, "A", rows[0].grade)
	assert.Equal(t, "F", rows[len(rows)-1].grade)
}

// The WCAG pack alone tells the shrunk mobile button apart.
func TestRulesShrunkMobileFailsWCAG(t *testing.T) {
	packs := bundled(t)
	wcag := []*Pack{pack(t, packs, "wcag")}
	for _, d := range designs() {
		if d.id != "zhangyou" {
			continue
		}
		vs, scores := Evaluate(wcag, d.result())
		want := map[string]Outcome{"desktop": Pass, "mobile": Fail}[d.device]
		assert.Equal(t, want, vs[0].Outcome, "wcag.2.5.8 on %s", d.device)
		if d.device == "mobile" {
			assert.Equal(t, "F", scores[0].Grade)
		}
	}
}

// The designs above must match what the demo sites are built to (demo/ground-truth.yaml).
func TestRulesDesignsMatchDemoGroundTruth(t *testing.T) {
	g, err := demo.LoadGroundTruth()
	require.NoError(t, err)
	for _, d := range designs() {
		e, ok := g.For(d.id, d.device)
		require.True(t, ok, "%s@%s in the ground truth", d.id, d.device)
		if d.deadEnd > 0 {
			// No control: nothing is counted (-1 in the ground truth's shape), the dead end is.
			assert.Equal(t, "no_control", e.Status, d.id)
			assert.Equal(t, [5]int{-1, -1, -1, -1, -1},
				[5]int{e.ClicksToControl, e.HoversToControl, e.LevelsToControl, e.ClicksToDone, e.Interstitials}, d.id)
			assert.Equal(t, &demo.DeadEnd{Clicks: d.deadEnd, Text: d.deadEndText}, e.DeadEnd, d.id)
		} else {
			assert.Equal(t, "ok", e.Status, d.id)
			assert.Equal(t, [5]int{e.ClicksToControl, e.HoversToControl, e.LevelsToControl, e.ClicksToDone, e.Interstitials},
				[5]int{d.clicks, 0, d.levels, d.done, d.inter}, "%s@%s counts", d.id, d.device)
			assert.Equal(t, demo.ControlBox{Label: d.label, Width: d.w, Height: d.h}, e.Control, "%s@%s control", d.id, d.device)
		}
		assert.Equal(t, e.EffectPassed, d.effect, d.id)
		assert.Equal(t, e.AutorenewPrechecked, d.prechecked, d.id)
		assert.Equal(t, 3, e.ClicksToSubscribe, d.id)
		assert.Equal(t, e.DisclosureFontPX, d.disclosureFont, d.id)
		assert.Equal(t, e.ReachableWithoutLogin, d.reachable, d.id)
	}
}
