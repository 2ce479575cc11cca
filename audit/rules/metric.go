package rules

import (
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/cancelpath/cancelpath/audit/metrics"
)

// MetricType is the type of a metric's value.
type MetricType string

const (
	TypeInt    MetricType = "int"
	TypeNumber MetricType = "number"
	TypeBool   MetricType = "bool"
	TypeString MetricType = "string"
)

func (t MetricType) numeric() bool { return t == TypeInt || t == TypeNumber }

// Value is one measured value.
type Value struct {
	Type MetricType
	Num  float64 // int and number
	Bool bool
	Str  string
}

func (v Value) String() string {
	switch v.Type {
	case TypeInt, TypeNumber:
		return strconv.FormatFloat(v.Num, 'f', -1, 64)
	case TypeBool:
		return strconv.FormatBool(v.Bool)
	default:
		return strconv.Quote(v.Str)
	}
}

// Direction says which way a metric's value is better, for comparing two audits (results.Diff, the
// `cancelpath diff` release gate).
type Direction int

const (
	// NotCompared: the metric is not compared between audits.
	NotCompared Direction = iota
	// LowerIsBetter: fewer clicks, levels, screens; for a bool, false (no retention offer).
	LowerIsBetter
	// HigherIsBetter: a larger control, more contrast; for a bool, true (the effect check passed); for a
	// string, a later value of Levels.
	HigherIsBetter
)

// Metric is a measurement a rule can check: a JSON field of metrics.Result, or a value derived from one.
type Metric struct {
	Name string
	Type MetricType
	Doc  string
	// Better is the way the value improves from one audit to the next; the metrics that have one are what
	// `cancelpath diff` compares (Compared). A bool counts as 1 for true, 0 for false; a string as its place
	// in Levels.
	Better Direction
	// Noise is the largest move that is measurement noise, not a change (sub-pixel box sizes).
	Noise float64
	// Levels are a string metric's values from worst to best. A value not among them is shown, not ranked.
	Levels []string
	// get returns the value, or false when the run did not measure it (a nil pointer, an absent section).
	get func(r *metrics.Result) (Value, bool)
	// at finds the step whose evidence shows the measurement.
	at locator
	// section names what must have been measured, for the could_not_measure message.
	section section
}

type section int

const (
	secRun section = iota
	secControl
	secConfirm
	secSubscribe
	secEffect
)

// Metrics lists every metric rules can check, sorted by name.
func Metrics() []Metric {
	out := metricTable()
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// LookupMetric finds a metric by name.
func LookupMetric(name string) (Metric, bool) {
	for _, m := range metricTable() {
		if m.Name == name {
			return m, true
		}
	}
	return Metric{}, false
}

// MetricNames lists the metric names, sorted, for error messages.
func MetricNames() []string {
	ms := Metrics()
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Name
	}
	return names
}

// Compared lists the metrics that have a direction (Better), in the registry's order: the cancel path, the
// control, the confirmation, the sign-up side, the effect. They are what two audits are compared on
// (results.Diff), in the order the diff lists them.
func Compared() []Metric {
	var out []Metric
	for _, m := range metricTable() {
		if m.Better != NotCompared {
			out = append(out, m)
		}
	}
	return out
}

// Recorded reads the metric as the run recorded it, whether or not the run was carried out; ok is false when
// the result holds no value for it. Comparing two audits shows what each run recorded (results.Diff); a
// rule reads Value.
func (m Metric) Recorded(r *metrics.Result) (Value, bool) {
	if r == nil {
		return Value{}, false
	}
	return m.get(r)
}

// Value reads the metric from a result; ok is false when it was not measured. A run that was not carried out
// (out_of_reach, site_error, error) measured nothing, whatever it recorded on the way.
func (m Metric) Value(r *metrics.Result) (Value, bool) {
	if r == nil || !r.Status.CarriedOut() {
		return Value{}, false
	}
	return m.get(r)
}

// ControlReached tells whether a run got to its cancel control: it clicked it (ok, or failed after it), or
// found it there but blocked. False for no_control and for a run that ended before the control's step.
func ControlReached(r *metrics.Result) bool {
	switch r.Status {
	case metrics.StatusOK, metrics.StatusBlocked:
		return true
	case metrics.StatusNoControl:
		return false
	}
	return r.Control != nil || controlClicked(r)
}

// controlClicked tells whether the click on the cancel control went through: its step ran without an error.
func controlClicked(r *metrics.Result) bool {
	if r.Metrics.ClicksToControl != nil {
		return true
	}
	for _, s := range r.Steps {
		if s.Control && s.Error == "" && !s.Skipped {
			return true
		}
	}
	return false
}

func intv(n int) Value           { return Value{Type: TypeInt, Num: float64(n)} }
func numv(f float64) Value       { return Value{Type: TypeNumber, Num: f} }
func boolv(b bool) Value         { return Value{Type: TypeBool, Bool: b} }
func strv(s string) Value        { return Value{Type: TypeString, Str: s} }
func some(v Value) (Value, bool) { return v, true }

func count(f func(*metrics.Metrics) *int) func(*metrics.Result) (Value, bool) {
	return func(r *metrics.Result) (Value, bool) {
		p := f(&r.Metrics)
		if p == nil {
			return Value{}, false
		}
		return intv(*p), true
	}
}

func plain(f func(*metrics.Metrics) int) func(*metrics.Result) (Value, bool) {
	return func(r *metrics.Result) (Value, bool) { return intv(f(&r.Metrics)), true }
}

func control(f func(*metrics.Control) (Value, bool)) func(*metrics.Result) (Value, bool) {
	return func(r *metrics.Result) (Value, bool) {
		if r.Control == nil {
			return Value{}, false
		}
		return f(r.Control)
	}
}

// positive reads a number that the engine leaves at 0 when it could not measure it (a contrast ratio is
// at least 1, a font size or an area ratio above 0).
func positive(f float64) (Value, bool) {
	if f <= 0 || math.IsNaN(f) {
		return Value{}, false
	}
	return numv(f), true
}

func nonEmpty(s string) (Value, bool) {
	if s == "" {
		return Value{}, false
	}
	return strv(s), true
}

func confirm(f func(*metrics.Confirm) Value) func(*metrics.Result) (Value, bool) {
	return func(r *metrics.Result) (Value, bool) {
		if r.Confirm == nil {
			return Value{}, false
		}
		return f(r.Confirm), true
	}
}

// stated reads one fact the renewal terms state; not measured when no terms were read.
func stated(f func(*metrics.TermsStated) bool) func(*metrics.Result) (Value, bool) {
	return subscribe(func(s *metrics.Subscribe) (Value, bool) {
		if s.DisclosureStates == nil {
			if s.DisclosureFound != nil && !*s.DisclosureFound {
				return boolv(false), true // looked for, none found: they state nothing
			}
			return Value{}, false
		}
		return boolv(f(s.DisclosureStates)), true
	})
}

func optBool(b *bool) (Value, bool) {
	if b == nil {
		return Value{}, false
	}
	return boolv(*b), true
}

func subscribe(f func(*metrics.Subscribe) (Value, bool)) func(*metrics.Result) (Value, bool) {
	return func(r *metrics.Result) (Value, bool) {
		if r.Subscribe == nil {
			return Value{}, false
		}
		return f(r.Subscribe)
	}
}

// metricTable builds the registry. It is a function, not a package variable, so nothing can change it.
func metricTable() []Metric {
	return []Metric{
		// Counts (metrics.Metrics).
		{Name: "clicks_to_control", Type: TypeInt, Better: LowerIsBetter, at: atControl,
			Doc: "clicks/taps from the logged-in landing page up to and including the click on the cancel control",
			get: count(func(m *metrics.Metrics) *int { return m.ClicksToControl })},
		{Name: "hovers_to_control", Type: TypeInt, Better: LowerIsBetter, at: atControl,
			Doc: "hovers needed to open menus on the way to the cancel control (touch screens cannot hover)",
			get: count(func(m *metrics.Metrics) *int { return m.HoversToControl })},
		{Name: "levels_to_control", Type: TypeInt, Better: LowerIsBetter, at: atControl,
			Doc: "menu levels (new page, route change, opened menu/dialog/panel) before the cancel control",
			get: count(func(m *metrics.Metrics) *int { return m.LevelsToControl })},
		{Name: "clicks_to_done", Type: TypeInt, Better: LowerIsBetter, at: atDone,
			Doc: "clicks/taps from the landing page until the done state (e.g. 已关闭) was observed",
			get: count(func(m *metrics.Metrics) *int { return m.ClicksToDone })},
		{Name: "interstitials", Type: TypeInt, Better: LowerIsBetter, at: atDone,
			Doc: "screens between the click on the cancel control and the done state (confirmations, offers, surveys)",
			get: count(func(m *metrics.Metrics) *int { return m.Interstitials })},
		{Name: "pages_to_done", Type: TypeInt, at: atDone,
			Doc: "pages shown from the landing page (included) to the done state: new documents, routes and screens (the FTC's \"pages\")",
			get: count(func(m *metrics.Metrics) *int { return m.PagesToDone })},
		{Name: "options_on_path", Type: TypeInt, at: atDone,
			Doc: "options offered on the screens between the cancel control and the done state: buttons, links and choices in each screen's content (the FTC's \"options\")",
			get: count(func(m *metrics.Metrics) *int { return m.OptionsOnPath })},
		{Name: "clicks_after_control", Type: TypeInt, at: atDone,
			Doc: "clicks after the cancel control until the done state (clicks_to_done - clicks_to_control)",
			get: func(r *metrics.Result) (Value, bool) {
				d, c := r.Metrics.ClicksToDone, r.Metrics.ClicksToControl
				if d == nil || c == nil {
					return Value{}, false
				}
				return intv(*d - *c), true
			}},
		{Name: "login_actions", Type: TypeInt, at: atLogin,
			Doc: "user actions of the login steps (reported separately from the cancel path)",
			get: plain(func(m *metrics.Metrics) int { return m.LoginActions })},
		{Name: "fields_filled", Type: TypeInt, at: atDone,
			Doc: "text fields typed into on the way",
			get: plain(func(m *metrics.Metrics) int { return m.FieldsFilled })},
		{Name: "waits", Type: TypeInt, at: atDone,
			Doc: "explicit waits on the way",
			get: plain(func(m *metrics.Metrics) int { return m.Waits })},
		{Name: "dialogs", Type: TypeInt, at: atDone,
			Doc: "JavaScript dialogs (alert, confirm) accepted on the way",
			get: plain(func(m *metrics.Metrics) int { return m.Dialogs })},
		{Name: "reachable_without_login", Type: TypeBool, Better: HigherIsBetter, at: atControl,
			Doc: "the cancel path found the control in a fresh logged-out context (needs check_without_login)",
			get: func(r *metrics.Result) (Value, bool) {
				p := r.Metrics.ReachableWithoutLogin
				if p == nil {
					return Value{}, false
				}
				return boolv(*p), true
			}},
		{Name: "done_reached", Type: TypeBool, at: atDone,
			Doc: "the done state was observed (ok); false when the control is missing or blocked, or the run failed after it",
			get: func(r *metrics.Result) (Value, bool) {
				switch {
				case r.Status == metrics.StatusOK:
					return boolv(true), true
				case r.Status == metrics.StatusNoControl, r.Status == metrics.StatusBlocked:
					return boolv(false), true // cancelling cannot be finished without a usable control
				case r.Status == metrics.StatusFailed && controlClicked(r):
					return boolv(false), true // the control was clicked and the done state never came
				}
				return Value{}, false // failed before the control: the site's path was not walked to the end
			}},

		// The cancel control.
		{Name: "control_found", Type: TypeBool, at: atControl, section: secControl,
			Doc: "the cancel control is on its screen (also when blocked); false only when the run ended no_control",
			get: func(r *metrics.Result) (Value, bool) {
				switch {
				case r.Status == metrics.StatusNoControl:
					return boolv(false), true
				case ControlReached(r):
					return boolv(true), true
				}
				return Value{}, false // the run ended before it could look for the control
			}},
		{Name: "control_usable", Type: TypeBool, at: atControl, section: secControl,
			Doc: "the cancel control could be clicked: false when the run ended blocked (covered, disabled, inert, moving)",
			get: func(r *metrics.Result) (Value, bool) {
				switch {
				case r.Status == metrics.StatusBlocked:
					return boolv(false), true
				case r.Status == metrics.StatusNoControl:
					return Value{}, false // no control to use
				case r.Status == metrics.StatusOK, controlClicked(r):
					return boolv(true), true
				}
				return Value{}, false
			}},
		{Name: "control_label", Type: TypeString, at: atControl, section: secControl,
			Doc: "the cancel control's accessible name",
			get: control(func(c *metrics.Control) (Value, bool) { return nonEmpty(c.Label) })},
		{Name: "control_width", Type: TypeNumber, Better: HigherIsBetter, Noise: 0.5, at: atControl, section: secControl,
			Doc: "the cancel control's border-box width in CSS px at the emulated viewport",
			get: control(func(c *metrics.Control) (Value, bool) { return some(numv(c.Box.Width)) })},
		{Name: "control_height", Type: TypeNumber, Better: HigherIsBetter, Noise: 0.5, at: atControl, section: secControl,
			Doc: "the cancel control's border-box height in CSS px",
			get: control(func(c *metrics.Control) (Value, bool) { return some(numv(c.Box.Height)) })},
		{Name: "control_min_side", Type: TypeNumber, at: atControl, section: secControl,
			Doc: "the smaller of the cancel control's width and height in CSS px (WCAG target size)",
			get: control(func(c *metrics.Control) (Value, bool) {
				return some(numv(math.Min(c.Box.Width, c.Box.Height)))
			})},
		{Name: "control_target_size", Type: TypeString, at: atControl, section: secControl,
			Better: HigherIsBetter, Levels: []string{"fail", "pass_inline", "pass_spacing", "pass"},
			Doc: "the engine's WCAG 2.5.8 verdict, as axe-core's target-size rule decides it: pass (uncovered part >= 24x24), pass_spacing (smaller, 24 px circle clear), pass_inline (in a sentence), fail",
			get: control(func(c *metrics.Control) (Value, bool) { return nonEmpty(c.TargetSize) })},
		{Name: "control_in_viewport_on_arrival", Type: TypeBool, Better: HigherIsBetter, at: atControl, section: secControl,
			Doc: "the cancel control was fully inside the viewport before any scrolling",
			get: control(func(c *metrics.Control) (Value, bool) { return some(boolv(c.InViewportOnArrival)) })},
		{Name: "control_contrast_ratio", Type: TypeNumber, Better: HigherIsBetter, Noise: 0.05, at: atControl, section: secControl,
			Doc: "WCAG contrast ratio of the cancel control's text on its background (1-21)",
			get: control(func(c *metrics.Control) (Value, bool) { return positive(c.ContrastRatio) })},
		{Name: "control_font_px", Type: TypeNumber, at: atControl, section: secControl,
			Doc: "the cancel control's font size in CSS px",
			get: control(func(c *metrics.Control) (Value, bool) { return positive(c.FontSizePX) })},
		{Name: "control_size_ratio", Type: TypeNumber, Better: HigherIsBetter, Noise: 0.005, at: atControl, section: secControl,
			Doc: "the cancel control's area over the largest other button's on its screen (1 when alone)",
			get: control(func(c *metrics.Control) (Value, bool) { return positive(c.SizeRatio) })},
		{Name: "control_url", Type: TypeString, at: atControl, section: secControl,
			Doc: "the URL of the page that shows the cancel control",
			get: control(func(c *metrics.Control) (Value, bool) { return nonEmpty(c.URL) })},
		{Name: "control_on_site", Type: TypeBool, at: atControl, section: secControl,
			Doc: "the cancel control is on the landing page's origin (false: reached only on another site)",
			get: controlOnSite},

		// The confirmation screen.
		{Name: "confirm_present", Type: TypeBool, at: atConfirm,
			Doc: "a last control was clicked after the cancel control before the done state (a confirmation screen)",
			get: func(r *metrics.Result) (Value, bool) {
				switch {
				case r.Confirm != nil:
					return boolv(true), true
				case r.Status == metrics.StatusOK:
					return boolv(false), true
				}
				return Value{}, false
			}},
		{Name: "confirm_label", Type: TypeString, at: atConfirm, section: secConfirm,
			Doc: "the accessible name of the final confirm button (确认关闭, jetzt kündigen)",
			get: func(r *metrics.Result) (Value, bool) {
				if r.Confirm == nil {
					return Value{}, false
				}
				return nonEmpty(r.Confirm.Label)
			}},
		{Name: "confirm_in_viewport_on_arrival", Type: TypeBool, at: atConfirm, section: secConfirm,
			Doc: "the final confirm button was fully in the viewport when its screen appeared",
			get: confirm(func(c *metrics.Confirm) Value { return boolv(c.InViewportOnArrival) })},
		{Name: "confirm_offers", Type: TypeBool, Better: LowerIsBetter, at: atConfirm, section: secConfirm,
			Doc: "the confirmation screen also showed a retention offer (discount, free months)",
			get: confirm(func(c *metrics.Confirm) Value { return boolv(c.Offers) })},

		// The sign-up side.
		{Name: "clicks_to_subscribe", Type: TypeInt, at: atSubscribe, section: secSubscribe,
			Doc: "clicks from the landing page to an active subscription (or to the payment step)",
			get: subscribe(func(s *metrics.Subscribe) (Value, bool) {
				if s.ClicksToSubscribe == nil {
					return Value{}, false
				}
				return intv(*s.ClicksToSubscribe), true
			})},
		{Name: "autorenew_prechecked", Type: TypeBool, Better: LowerIsBetter, at: atSubscribe, section: secSubscribe,
			Doc: "the auto-renew checkbox was ticked when it first appeared",
			get: subscribe(func(s *metrics.Subscribe) (Value, bool) {
				if s.AutorenewPrechecked == nil {
					return Value{}, false
				}
				return boolv(*s.AutorenewPrechecked), true
			})},
		{Name: "disclosure_found", Type: TypeBool, at: atSubscribe, section: secSubscribe,
			Doc: "renewal terms were found near the subscribe button (subscribe.button) or where the scenario names them",
			get: subscribe(func(s *metrics.Subscribe) (Value, bool) { return optBool(s.DisclosureFound) })},
		{Name: "disclosure_text", Type: TypeString, at: atSubscribe, section: secSubscribe,
			Doc: "the renewal terms shown next to the subscribe button (empty when none were found)",
			get: subscribe(func(s *metrics.Subscribe) (Value, bool) {
				// Looked for and not found reads as no terms; never looked for (older results: the element was
				// not seen, and then no font size was set either) is not measured.
				if s.DisclosureFound == nil && s.DisclosureText == "" && s.DisclosureFontPX <= 0 {
					return Value{}, false
				}
				return strv(s.DisclosureText), true
			})},
		{Name: "disclosure_names_price", Type: TypeBool, at: atSubscribe, section: secSubscribe,
			Doc: "the terms state a price with its currency (¥30, 30元, 9,99 €, $9.99)",
			get: stated(func(t *metrics.TermsStated) bool { return t.Price })},
		{Name: "disclosure_names_period", Type: TypeBool, at: atSubscribe, section: secSubscribe,
			Doc: "the terms state the period or term (/月, 每年, im Monat, per month, Laufzeit)",
			get: stated(func(t *metrics.TermsStated) bool { return t.Period })},
		{Name: "disclosure_names_cancel", Type: TypeBool, at: atSubscribe, section: secSubscribe,
			Doc: "the terms say how to end it (取消, 退订, 关闭, cancel, kündigen)",
			get: stated(func(t *metrics.TermsStated) bool { return t.Cancel })},
		{Name: "disclosure_names_renewal", Type: TypeBool, at: atSubscribe, section: secSubscribe,
			Doc: "the terms say that it renews by itself (自动续费, renews automatically, verlängert sich)",
			get: stated(func(t *metrics.TermsStated) bool { return t.Renewal })},
		{Name: "disclosure_distance_px", Type: TypeNumber, at: atSubscribe, section: secSubscribe,
			Doc: "gap between the subscribe button and the renewal terms' text in CSS px (0: touching)",
			get: subscribe(func(s *metrics.Subscribe) (Value, bool) {
				if s.DisclosureDistancePX == nil {
					return Value{}, false
				}
				return numv(*s.DisclosureDistancePX), true
			})},
		{Name: "disclosure_same_block", Type: TypeBool, at: atSubscribe, section: secSubscribe,
			Doc: "the terms are in the button's form, or share a container with it no taller than the viewport",
			get: subscribe(func(s *metrics.Subscribe) (Value, bool) { return optBool(s.DisclosureSameBlock) })},
		{Name: "disclosure_in_view_with_button", Type: TypeBool, at: atSubscribe, section: secSubscribe,
			Doc: "the subscribe button and the terms fit on one screen together",
			get: subscribe(func(s *metrics.Subscribe) (Value, bool) { return optBool(s.DisclosureInViewWithButton) })},
		{Name: "disclosure_relative_font", Type: TypeNumber, at: atSubscribe, section: secSubscribe,
			Doc: "the terms' font size over that of the text around them (1: the same; below 1: smaller)",
			get: subscribe(func(s *metrics.Subscribe) (Value, bool) { return positive(s.DisclosureRelativeFont) })},
		{Name: "disclosure_font_px", Type: TypeNumber, at: atSubscribe, section: secSubscribe,
			Doc: "font size of the renewal terms in CSS px",
			get: subscribe(func(s *metrics.Subscribe) (Value, bool) { return positive(s.DisclosureFontPX) })},
		{Name: "disclosure_contrast", Type: TypeNumber, at: atSubscribe, section: secSubscribe,
			Doc: "WCAG contrast ratio of the renewal terms' text on its background (1-21)",
			get: subscribe(func(s *metrics.Subscribe) (Value, bool) { return positive(s.DisclosureContrast) })},

		// The effect check.
		{Name: "effect_passed", Type: TypeBool, Better: HigherIsBetter, at: atEffect, section: secEffect,
			Doc: "after the done state, the status page showed auto-renew off (needs an effect section)",
			get: func(r *metrics.Result) (Value, bool) {
				if r.Effect == nil {
					return Value{}, false
				}
				return boolv(r.Effect.Passed), true
			}},
	}
}

// controlOnSite compares the origin of the control's page with the landing page's (the page the login steps
// ended on). Without login steps (a session file) the landing page is unknown and so is the answer.
func controlOnSite(r *metrics.Result) (Value, bool) {
	if r.Control == nil || r.Control.URL == "" {
		return Value{}, false
	}
	landing := ""
	for _, s := range r.Steps {
		if s.Phase == "login" && s.URL != "" {
			landing = s.URL
		}
	}
	if landing == "" {
		return Value{}, false
	}
	a, errA := url.Parse(landing)
	b, errB := url.Parse(r.Control.URL)
	if errA != nil || errB != nil || a.Host == "" || b.Host == "" {
		return Value{}, false
	}
	return boolv(strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host)), true
}
