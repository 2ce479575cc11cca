package rules

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/terms"
)

// mod changes a result built by base.
type mod func(r *metrics.Result)

func ip(n int) *int         { return &n }
func bp(b bool) *bool       { return &b }
func fp(f float64) *float64 { return &f }
func noop(*metrics.Result)  {}

// measuredAt is when base results were measured: after every in-force and applies-from date of the packs.
var measuredAt = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

// base is a result that passes every rule of every bundled pack: a §312k-style footer button, reached in one
// click, one confirmation, renewal terms in Chinese and English next to the subscribe button.
func base(mods ...mod) *metrics.Result {
	r := &metrics.Result{
		ScenarioID: "base", Site: "Base", Jurisdictions: []string{"cn"},
		Device: metrics.Device{Name: "desktop", Width: 1280, Height: 800, DeviceScaleFactor: 1},
		Status: metrics.StatusOK, StartedAt: measuredAt, FinalURL: "https://shop.example/account/status",
		Metrics: metrics.Metrics{
			ClicksToControl: ip(1), HoversToControl: ip(0), LevelsToControl: ip(0), ClicksToDone: ip(2),
			Interstitials: ip(1), PagesToDone: ip(2), OptionsOnPath: ip(3), LoginActions: 4, ReachableWithoutLogin: bp(true),
		},
		Control: &metrics.Control{
			Label: "Verträge hier kündigen", Role: "button", Tag: "button",
			Box:                 metrics.Box{X: 10, Y: 700, Width: 120, Height: 48},
			InViewportOnArrival: true, ContrastRatio: 7, FontSizePX: 16, TargetSize: "pass", SizeRatio: 1,
			URL: "https://shop.example/account/subscription", Screenshot: "shots/control.png",
		},
		Confirm: &metrics.Confirm{Label: "jetzt kündigen", InViewportOnArrival: true,
			URL: "https://shop.example/account/cancel"},
		Subscribe: &metrics.Subscribe{
			Status: metrics.StatusOK, ClicksToSubscribe: ip(2), AutorenewPrechecked: bp(false),
			DisclosureText: "到期按 ¥15/月 自动续费，可随时在“我的”取消。Renews at $15 per month; cancel anytime " +
				"before the renewal date in Account.",
			DisclosureStates: terms.Stated("到期按 ¥15/月 自动续费，可随时在“我的”取消。"),
			DisclosureFontPX: 14, DisclosureContrast: 7, DisclosureFound: bp(true), DisclosureAroundFontPX: 14,
			DisclosureRelativeFont: 1, DisclosureDistancePX: fp(8), DisclosureSameBlock: bp(true),
			DisclosureInViewWithButton: bp(true),
		},
		Effect: &metrics.Effect{Passed: true},
		Steps: []metrics.Step{
			{Phase: "login", Index: 0, Line: 8, Action: "goto", URL: "https://shop.example/login"},
			{Phase: "login", Index: 1, Line: 12, Action: "click", URL: "https://shop.example/home",
				Screenshot: "shots/login-1.png"},
			{Phase: "subscribe", Index: 0, Line: 30, Action: "click", URL: "https://shop.example/vip",
				Screenshot: "shots/subscribe-0.png"},
			{Phase: "subscribe", Index: 1, Line: 31, Action: "click", URL: "https://shop.example/vip/pay",
				Screenshot: "shots/subscribe-1.png"},
			{Phase: "cancel", Index: 0, Line: 16, Action: "click", Control: true, Level: true,
				LevelKind: "navigation", URL: "https://shop.example/account/cancel", Screenshot: "shots/cancel-0.png"},
			{Phase: "cancel", Index: 1, Line: 18, Action: "click", URL: "https://shop.example/account/cancel",
				Screenshot: "shots/cancel-1.png"},
			{Phase: "done", Index: 0, Line: 19, Action: "wait_for", URL: "https://shop.example/account/cancel",
				Screenshot: "shots/done.png"},
			{Phase: "effect", Index: 0, Line: 21, Action: "goto", URL: "https://shop.example/account/status"},
			{Phase: "effect", Index: 1, Line: 22, Action: "expect", URL: "https://shop.example/account/status",
				Screenshot: "shots/effect-1.png"},
		},
		Attempts: 1,
	}
	for _, m := range mods {
		m(r)
	}
	return r
}

func clicksToControl(n int) mod { return func(r *metrics.Result) { r.Metrics.ClicksToControl = ip(n) } }
func hovers(n int) mod          { return func(r *metrics.Result) { r.Metrics.HoversToControl = ip(n) } }
func levels(n int) mod          { return func(r *metrics.Result) { r.Metrics.LevelsToControl = ip(n) } }
func clicksToDone(n int) mod    { return func(r *metrics.Result) { r.Metrics.ClicksToDone = ip(n) } }
func interstitials(n int) mod   { return func(r *metrics.Result) { r.Metrics.Interstitials = ip(n) } }
func reachable(b bool) mod {
	return func(r *metrics.Result) { r.Metrics.ReachableWithoutLogin = bp(b) }
}
func effect(b bool) mod { return func(r *metrics.Result) { r.Effect = &metrics.Effect{Passed: b} } }

func ctl(f func(c *metrics.Control)) mod   { return func(r *metrics.Result) { f(r.Control) } }
func conf(f func(c *metrics.Confirm)) mod  { return func(r *metrics.Result) { f(r.Confirm) } }
func sub(f func(s *metrics.Subscribe)) mod { return func(r *metrics.Result) { f(r.Subscribe) } }
func controlURL(u string) mod              { return ctl(func(c *metrics.Control) { c.URL = u }) }
func controlLabel(s string) mod            { return ctl(func(c *metrics.Control) { c.Label = s }) }
func controlBox(w, h float64) mod {
	return ctl(func(c *metrics.Control) { c.Box.Width, c.Box.Height = w, h })
}
func targetSize(s string) mod   { return ctl(func(c *metrics.Control) { c.TargetSize = s }) }
func inViewport(b bool) mod     { return ctl(func(c *metrics.Control) { c.InViewportOnArrival = b }) }
func contrast(f float64) mod    { return ctl(func(c *metrics.Control) { c.ContrastRatio = f }) }
func fontPX(f float64) mod      { return ctl(func(c *metrics.Control) { c.FontSizePX = f }) }
func sizeRatio(f float64) mod   { return ctl(func(c *metrics.Control) { c.SizeRatio = f }) }
func confirmLabel(s string) mod { return conf(func(c *metrics.Confirm) { c.Label = s }) }
func confirmVisible(b bool) mod { return conf(func(c *metrics.Confirm) { c.InViewportOnArrival = b }) }
func offers(b bool) mod         { return conf(func(c *metrics.Confirm) { c.Offers = b }) }
func subscribeClicks(n int) mod {
	return sub(func(s *metrics.Subscribe) { s.ClicksToSubscribe = ip(n) })
}
func prechecked(b bool) mod { return sub(func(s *metrics.Subscribe) { s.AutorenewPrechecked = bp(b) }) }

// disclosure sets the terms found next to the button, and what they state, as the engine reads them.
func disclosure(text string) mod {
	return sub(func(s *metrics.Subscribe) { s.DisclosureText, s.DisclosureStates = text, terms.Stated(text) })
}
func disclosureInView(b bool) mod {
	return sub(func(s *metrics.Subscribe) { s.DisclosureInViewWithButton = bp(b) })
}
func disclosureRelativeFont(f float64) mod {
	return sub(func(s *metrics.Subscribe) { s.DisclosureRelativeFont = f })
}
func disclosureFont(f float64) mod { return sub(func(s *metrics.Subscribe) { s.DisclosureFontPX = f }) }
func disclosureContrast(f float64) mod {
	return sub(func(s *metrics.Subscribe) { s.DisclosureContrast = f })
}
func noConfirm(r *metrics.Result) { r.Confirm = nil }
func all(mods ...mod) mod {
	return func(r *metrics.Result) {
		for _, m := range mods {
			m(r)
		}
	}
}

// notFound is a run whose cancel control never appeared.
func notFound(r *metrics.Result) {
	r.Status, r.Reason = metrics.StatusNoControl, "no element matched the control's target"
	r.Control, r.Confirm, r.Effect = nil, nil, nil
	r.Metrics.ClicksToControl, r.Metrics.HoversToControl, r.Metrics.LevelsToControl = nil, nil, nil
	r.Metrics.ClicksToDone, r.Metrics.Interstitials, r.Metrics.ReachableWithoutLogin = nil, nil, nil
	var steps []metrics.Step
	for _, s := range r.Steps {
		if s.Phase != "cancel" && s.Phase != "done" && s.Phase != "effect" {
			steps = append(steps, s)
		}
	}
	r.Steps = steps
}

// blocked is a run whose cancel control was there but covered for the whole step: the control's step ran
// and failed, nothing after it ran.
func blocked(r *metrics.Result) {
	r.Status, r.Reason = metrics.StatusBlocked, "text=\"退订\" is covered by div#ad: a click at its centre would hit that instead (still so after 2s)"
	r.FailedStep = &metrics.StepRef{Phase: "cancel", Index: 0, Line: 16}
	r.Control, r.Confirm, r.Effect = nil, nil, nil
	r.Metrics.ClicksToControl, r.Metrics.HoversToControl, r.Metrics.LevelsToControl = nil, nil, nil
	r.Metrics.ClicksToDone, r.Metrics.Interstitials = nil, nil
	var steps []metrics.Step
	for _, s := range r.Steps {
		if s.Phase == "done" || s.Phase == "effect" || (s.Phase == "cancel" && !s.Control) {
			continue
		}
		if s.Control {
			s.Error = r.Reason
		}
		steps = append(steps, s)
	}
	r.Steps = steps
}

// failedBefore is a run whose step before the cancel control did not go as the scenario says.
func failedBefore(r *metrics.Result) {
	blocked(r)
	r.Status, r.Reason = metrics.StatusFailed, "text=\"我的\": not visible within 2s"
	r.FailedStep = &metrics.StepRef{Phase: "cancel", Index: 0, Line: 15}
	last := &r.Steps[len(r.Steps)-1] // a step before the control's, which never ran
	last.Control, last.Line, last.Error = false, 15, r.Reason
}

// status makes base end with a status that measured nothing (out_of_reach, site_error, error).
func status(s metrics.Status, reason string) mod {
	return func(r *metrics.Result) { r.Status, r.Reason = s, reason }
}

func bundled(t *testing.T) []*Pack {
	t.Helper()
	packs, err := Bundled()
	require.NoError(t, err)
	return packs
}

func pack(t *testing.T, packs []*Pack, id string) *Pack {
	t.Helper()
	for _, p := range packs {
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("no pack %q", id)
	return nil
}

// verdictFor evaluates r against all packs and returns the verdict of one rule.
func verdictFor(t *testing.T, packs []*Pack, ruleID string, r *metrics.Result) Verdict {
	t.Helper()
	vs, _ := Evaluate(packs, r)
	for _, v := range vs {
		if v.RuleID == ruleID {
			return v
		}
	}
	t.Fatalf("no verdict for rule %q", ruleID)
	return Verdict{}
}

func scoreFor(t *testing.T, scores []Score, packID string) Score {
	t.Helper()
	for _, s := range scores {
		if s.Pack == packID {
			return s
		}
	}
	t.Fatalf("no score for pack %q", packID)
	return Score{}
}
