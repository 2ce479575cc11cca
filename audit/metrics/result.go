// Package metrics holds what one run of one scenario on one device measured. The JSON field names are the
// metric names of the README's metric table (snake_case) and are a stable interface: scripts and rule packs rely on them.
package metrics

import "time"

// Status is how a run ended. The vocabulary keeps what the site did apart from what the tool could not do,
// so that "no cancel control" is said only when the page shows there is none (README, reports/SCHEMA.md).
type Status string

const (
	// StatusOK: the path was walked and the done state observed.
	StatusOK Status = "ok"
	// StatusNoControl: the path was walked to the control's screen, that screen is the site's own page (not
	// an error page, not still loading, nothing left out of reach), and the control is not on it; or the
	// scenario declares a dead end. The finding regulators look for.
	StatusNoControl Status = "no_control"
	// StatusBlocked: the control is there but could not be used for the whole step: covered, disabled,
	// inert, out of the pointer's reach, moving away. A finding of its own; Reason says what blocked it.
	StatusBlocked Status = "blocked"
	// StatusFailed: a step other than the control did not go as the scenario says (a step's target never
	// appeared, the done state was not observed after the control).
	StatusFailed Status = "failed"
	// StatusOutOfReach: the tool could not look: the login failed, the control's screen sits in a frame the
	// tool cannot enter, the site answered with a download.
	StatusOutOfReach Status = "out_of_reach"
	// StatusSiteError: the site could not be audited: unreachable, reset connection, redirect loop, a
	// page that crashed or stopped responding.
	StatusSiteError Status = "site_error"
	// StatusError: the tool or its browser failed (browser lost, context not opened, deadline exceeded).
	StatusError Status = "error"
)

// Statuses lists every status, in order from the best-carried-out run to the least.
var Statuses = []Status{StatusOK, StatusNoControl, StatusBlocked, StatusFailed, StatusOutOfReach, StatusSiteError, StatusError}

// CarriedOut tells whether a run with this status measured the site: false for out_of_reach, site_error and
// error, which exit 3 (could not be carried out).
func (s Status) CarriedOut() bool {
	switch s {
	case StatusOutOfReach, StatusSiteError, StatusError:
		return false
	}
	return true
}

// Result is one scenario on one device.
type Result struct {
	ScenarioID     string   `json:"scenario_id"`
	Site           string   `json:"site"`
	File           string   `json:"file"`
	ScenarioSHA256 string   `json:"scenario_sha256"`
	Jurisdictions  []string `json:"jurisdictions"`
	Device         Device   `json:"device"`
	Browser        string   `json:"browser"` // product/version as the browser reports it

	Status     Status   `json:"status"`
	Reason     string   `json:"reason,omitempty"`
	FailedStep *StepRef `json:"failed_step,omitempty"`

	StartedAt  time.Time `json:"started_at"`
	DurationMS int64     `json:"duration_ms"`
	// LandingURL is the logged-in landing page where counting starts; FinalURL the page the run ended on.
	LandingURL string `json:"landing_url"`
	FinalURL   string `json:"final_url"`

	Metrics   Metrics    `json:"metrics"`
	Control   *Control   `json:"control,omitempty"`
	Confirm   *Confirm   `json:"confirm,omitempty"`
	Subscribe *Subscribe `json:"subscribe,omitempty"`
	// DeadEnd is the screen a site without a cancel control sends the user to, when the scenario declares
	// one (status no_control).
	DeadEnd *DeadEnd `json:"dead_end,omitempty"`
	Effect  *Effect  `json:"effect,omitempty"`
	Steps   []Step   `json:"steps"`
	Dialogs []Dialog `json:"dialog_log,omitempty"`
	// Attempts is 1, or 2 when the run was retried after a browser crash (the first attempt's reason is kept
	// in Notes).
	Attempts int      `json:"attempts"`
	Notes    []string `json:"notes,omitempty"`
	// Shortest is the shortest path to a cancel control that `cancelpath explore` found on the same site and
	// device, when the audit explored too; nil otherwise.
	Shortest *Shortest `json:"shortest_explored,omitempty"`

	// PathScreens are the screens between the cancel control and the done state, each with the options it
	// offers (options_on_path); recorded as far as the run got, also when it ended early.
	PathScreens []ScreenOptions `json:"path_screens,omitempty"`

	// Origins are the origins the cancel path's pages talked to (after the login), with their server IPs
	// and TLS facts, when the run kept evidence (its web archive recorded the traffic).
	Origins []Origin `json:"origins,omitempty"`
}

// ScreenOptions is one screen a person must answer between the cancel control and the done state, read
// when the first step that acts on it found its target (before acting).
type ScreenOptions struct {
	StepIndex int    `json:"step_index"` // the cancel step that read it, from 0 as in Step.Index
	StepLine  int    `json:"step_line"`  // that step's line in the scenario file
	URL       string `json:"url"`
	// Scope is "dialog" when the step's target was inside an open dialog (or a modal dialog was open): only
	// the dialog's options count; "page" otherwise, site chrome excluded.
	Scope string `json:"scope"`
	// Options are the labels of the distinct things a person can activate to answer the screen (buttons,
	// links, radio choices, a select's choices), in document order, each cut to 120 characters.
	Options []string `json:"options"`
	// Truncated: the screen offers more than the 100 options a screen records, or more elements than the
	// probe looks at (5,000); the count is a lower bound.
	Truncated bool `json:"truncated,omitempty"`
}

// Shortest is an explored path to the cancel control, set beside the scripted one so a report can say when
// the scenario takes the long way (see audit/explore.Annotate).
type Shortest struct {
	ClicksToControl int  `json:"clicks_to_control"` // the click on the control included
	HoversToControl int  `json:"hovers_to_control"`
	LevelsToControl *int `json:"levels_to_control"` // nil when explore could not replay the path to measure it
	// Route is the path as labels: "我的 → 退订"; Steps the same as scenario steps (`click text="我的"`).
	Route   string   `json:"route"`
	Steps   []string `json:"steps"`
	Control string   `json:"control"` // the control's label
	// ScriptedLonger: the scenario's path takes more clicks to the control than this one, or as many clicks
	// and more hovers. Note says so in words.
	ScriptedLonger bool   `json:"scripted_longer"`
	Note           string `json:"note"`
}

// Key identifies a result in a sweep: scenario id and device.
func (r *Result) Key() string { return r.ScenarioID + "@" + r.Device.Name }

// Device is the emulation a run used, recorded so every size says which viewport it was measured at.
type Device struct {
	Name              string  `json:"name"` // desktop, mobile
	Width             int     `json:"width"`
	Height            int     `json:"height"`
	DeviceScaleFactor float64 `json:"device_scale_factor"`
	Mobile            bool    `json:"mobile"`
	Touch             bool    `json:"touch"`
	UserAgent         string  `json:"user_agent"`
	// Hover and Pointer are what the page's media queries saw: "hover"/"none", "fine"/"coarse"/"none".
	Hover   string `json:"hover"`
	Pointer string `json:"pointer"`
}

// Metrics are the counts of the README's metric table. A nil pointer means "not measured" (e.g. clicks_to_done when the done
// state was never reached) and is written as JSON null; it is never a zero.
type Metrics struct {
	ClicksToControl *int `json:"clicks_to_control"`
	HoversToControl *int `json:"hovers_to_control"`
	LevelsToControl *int `json:"levels_to_control"`
	ClicksToDone    *int `json:"clicks_to_done"`
	Interstitials   *int `json:"interstitials"`
	// PagesToDone is the pages a person is shown from the landing page (included) to the done state: the
	// landing page and each new document, route or screen an action opened (the FTC's "pages").
	PagesToDone *int `json:"pages_to_done"`
	// OptionsOnPath is the options a person is offered on the screens between the cancel control and the
	// done state (the FTC's "options"): the sum of the options of Result.PathScreens. Nil unless the control
	// was clicked, the done state observed and every such screen read.
	OptionsOnPath *int `json:"options_on_path"`
	// The counts below are always measured (never null).
	LoginActions int `json:"login_actions"`
	FieldsFilled int `json:"fields_filled"`
	Waits        int `json:"waits"`
	Dialogs      int `json:"dialogs"`
	// ReachableWithoutLogin: the cancel path up to the control, replayed in a fresh logged-out context, found
	// the control (§312k BGB asks for no login wall). Nil unless the scenario asks for the check.
	ReachableWithoutLogin *bool `json:"reachable_without_login"`
}

// Box is a border box in CSS px relative to the viewport of the top-level page (iframe offsets added).
type Box struct {
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
}

// Control is the cancel control as measured just before it was clicked.
type Control struct {
	Label               string  `json:"label"` // accessible name
	Role                string  `json:"role"`
	Tag                 string  `json:"tag"`
	Box                 Box     `json:"box"`
	InViewportOnArrival bool    `json:"in_viewport_on_arrival"` // fully inside the viewport before any scrolling
	ContrastRatio       float64 `json:"contrast_ratio"`         // WCAG ratio of its text colour on its background
	FontSizePX          float64 `json:"font_size_px"`
	// TargetSize is the WCAG 2.5.8 verdict, as axe-core's target-size rule gives it: "pass" (the part of it
	// no other target covers is >= 24x24), "pass_inline" (smaller, in a sentence: the inline exception),
	// "pass_spacing" (smaller, but its 24 px circle meets no other target, nor another small one's circle),
	// "fail", or "" (not measured: too many overlapping targets to tell). Neighbours are focusable widgets
	// (an enclosing link counts; a label or a disabled button does not); fixed-position content and the
	// content under it are never each other's neighbours.
	TargetSize string `json:"target_size"`
	// LargestOtherButton is the biggest other button-like target on the same screen (e.g. "keep my plan").
	LargestOtherButton *OtherButton `json:"largest_other_button,omitempty"`
	// SizeRatio is the control's area over LargestOtherButton's area (1 when alone; < 1 when dwarfed).
	SizeRatio  float64 `json:"size_ratio"`
	URL        string  `json:"url"`
	InFrame    bool    `json:"in_frame"`
	InShadow   bool    `json:"in_shadow"`
	Screenshot string  `json:"screenshot,omitempty"` // evidence file, relative to the output folder (-o)

	// CoveredBy is what covers a part of the control when it was clicked (a fixed header, another button),
	// "" when nothing does; VisibleFraction is the share of its area in the viewport that a click reaches: 1
	// when nothing covers it, nil when not measured. A partly covered control is clicked on its visible part.
	CoveredBy       string   `json:"covered_by,omitempty"`
	VisibleFraction *float64 `json:"visible_fraction,omitempty"`
}

// OtherButton is a competing target on the control's screen.
type OtherButton struct {
	Label string `json:"label"`
	Box   Box    `json:"box"`
}

// Confirm is the last control clicked before the done state, when it is not the cancel control itself: the
// final "确认关闭" / "jetzt kündigen" button, measured like the control when its screen appears.
type Confirm struct {
	Label               string `json:"label"`
	InViewportOnArrival bool   `json:"in_viewport_on_arrival"`
	// Offers: the confirmation screen also shows a retention offer (discount, free months), by the offer
	// lexicon; OfferText is the matching text.
	Offers    bool   `json:"offers"`
	OfferText string `json:"offer_text,omitempty"`
	URL       string `json:"url"`
}

// Subscribe is the sign-up side, measured in its own fresh context.
type Subscribe struct {
	Status            Status `json:"status"`
	Reason            string `json:"reason,omitempty"`
	ClicksToSubscribe *int   `json:"clicks_to_subscribe"`
	// EndedAtPayment: the section stopped at the payment step on purpose; ClicksToSubscribe counts up to it.
	EndedAtPayment      bool  `json:"ended_at_payment"`
	AutorenewPrechecked *bool `json:"autorenew_prechecked"`
	// The renewal terms: found near subscribe.button by their words, or the element subscribe.disclosure
	// names. DisclosureFound is nil when they were not looked for (no button named, or it never appeared);
	// the place fields are set only when the button was seen with them.
	DisclosureFound    *bool   `json:"disclosure_found"`
	DisclosureText     string  `json:"disclosure_text"`
	DisclosureFontPX   float64 `json:"disclosure_font_px"`
	DisclosureContrast float64 `json:"disclosure_contrast"`
	// DisclosureAroundFontPX is the font size of the text around the terms (the median per character of the
	// other text within one screen height of them); DisclosureRelativeFont is the terms' size over it.
	DisclosureAroundFontPX float64 `json:"disclosure_around_font_px,omitempty"`
	DisclosureRelativeFont float64 `json:"disclosure_relative_font,omitempty"`
	// DisclosureDistancePX is the gap between the button's box and the terms' text, in CSS px (0: touching).
	DisclosureDistancePX *float64 `json:"disclosure_distance_px,omitempty"`
	// DisclosureSameBlock: the terms are in the button's form, or the two share a container no taller than
	// the viewport that is not the page itself.
	DisclosureSameBlock *bool `json:"disclosure_same_block,omitempty"`
	// DisclosureInViewWithButton: the button and the terms fit on one screen together.
	DisclosureInViewWithButton *bool        `json:"disclosure_in_view_with_button,omitempty"`
	DisclosureStates           *TermsStated `json:"disclosure_states,omitempty"`
}

// TermsStated is what the renewal terms' text states, read with the terms lexicon (price with its currency,
// the period, how to cancel, that it renews by itself) in Chinese, English and German.
type TermsStated struct {
	Price   bool `json:"price"`
	Period  bool `json:"period"`
	Cancel  bool `json:"cancel"`
	Renewal bool `json:"renewal"`
}

// DeadEnd is where the path of a site without a cancel control ends (只能联系客服).
type DeadEnd struct {
	Text       string `json:"text"`   // what the dead-end screen says (the declared target's text, cut to 500)
	URL        string `json:"url"`    // the page it is on
	Clicks     int    `json:"clicks"` // clicks from the landing page to it
	Screenshot string `json:"screenshot,omitempty"`
}

// Effect is the check after the done state that the status page really shows auto-renew off.
type Effect struct {
	Passed bool   `json:"passed"`
	Reason string `json:"reason,omitempty"`
}

// Phases of a run: the values of Step.Phase (and StepRef.Phase).
const (
	PhaseLogin     = "login"
	PhaseSubscribe = "subscribe"
	PhaseCancel    = "cancel"
	PhaseDone      = "done"
	PhaseDeadEnd   = "dead_end" // the screen a site without a cancel control sends the user to

	PhaseBeforeCancel    = "before_cancel" // steps that prepare the account: counted nowhere
	PhaseBeforeSubscribe = "before_subscribe"
	PhaseEffect          = "effect"
	PhaseLoggedOut       = "logged_out" // the check without login
)

// Step is what happened in one step.
type Step struct {
	Phase   string `json:"phase"` // login, subscribe, cancel, done, effect
	Index   int    `json:"index"` // within its phase, from 0
	Line    int    `json:"line"`  // in the scenario file
	Action  string `json:"action"`
	Target  string `json:"target,omitempty"` // the locator, described; never a typed value
	Control bool   `json:"control,omitempty"`
	// Clicks is the clicks or taps the step made: 1 for a click, 1 for a select (2 on a touch device: tap the
	// select, tap the option in the picker), 1 for check/uncheck that changed the state, 0 when the box was
	// already as wanted.
	Clicks int `json:"clicks"`
	// Level: this action made the next step's target visible for the first time. LevelKind says how:
	// "navigation" (a new document), "route" (the URL changed without a load), "reveal" (same URL: a menu,
	// dialog, panel or iframe opened).
	Level     bool   `json:"level,omitempty"`
	LevelKind string `json:"level_kind,omitempty"`
	// Picker: a select step on a touch device, whose tap opened the system's picker over the page: a level
	// of its own, counted in levels_to_control besides Level.
	Picker     bool      `json:"picker,omitempty"`
	Skipped    bool      `json:"skipped,omitempty"` // optional step whose target never appeared
	URL        string    `json:"url"`               // after the step
	StartedAt  time.Time `json:"started_at"`
	DurationMS int64     `json:"duration_ms"`
	Screenshot string    `json:"screenshot,omitempty"`
	Error      string    `json:"error,omitempty"`
}

// StepRef points at a step in the scenario file.
type StepRef struct {
	Phase string `json:"phase"`
	Index int    `json:"index"`
	Line  int    `json:"line"`
}

// Dialog is a JS dialog the run accepted.
type Dialog struct {
	Type    string `json:"type"` // alert, confirm, prompt, beforeunload
	Message string `json:"message"`
	Phase   string `json:"phase"`
	Step    int    `json:"step"`
}
