// Package scenario holds the YAML scenario model: one file describes how to log into one site and which
// path leads to its cancel control. The format is documented in scenarios/FORMAT.md.
package scenario

import (
	"slices"
	"time"

	"github.com/cancelpath/cancelpath/audit/device"
)

// Scenario is one site's flow, loaded and validated. Every string has had ${VAR} expanded.
type Scenario struct {
	File   string `json:"file"`   // path as given to the loader
	SHA256 string `json:"sha256"` // of the file's bytes, before expansion

	ID            string   `json:"id"`   // stable id: the `id` key, else the file name without extension
	Site          string   `json:"site"` // display name
	URL           string   `json:"url"`  // base URL; relative goto targets resolve against it
	Jurisdictions []string `json:"jurisdictions"`
	Devices       []string `json:"devices"`     // device names (see Devices); default ["desktop"]
	AllowHosts    []string `json:"allow_hosts"` // hosts other than URL's the flow may visit (third-party channels)
	Timeouts      Timeouts `json:"timeouts"`

	// Session is a storage-state JSON file (cookies and localStorage, as Playwright writes it) used instead of
	// login steps when a site needs an SMS code or a captcha. Relative to the scenario file.
	Session string `json:"session,omitempty"`
	Login   []Step `json:"login,omitempty"`
	// Start is opened after login (or after loading the session) when set; otherwise the page the login
	// steps end on is the landing page.
	Start string `json:"start,omitempty"`
	// CheckWithoutLogin asks the runner to replay the cancel steps up to the control in a fresh logged-out
	// context (from Start, else URL) and record whether the control is reachable (§312k BGB: no login wall).
	CheckWithoutLogin bool `json:"check_without_login,omitempty"`

	// BeforeCancel brings the account to its start state (a cookie banner dismissed, a staging reset): run
	// after login, counted nowhere, shown in the evidence. Counting starts where they end.
	BeforeCancel []Step    `json:"before_cancel,omitempty"`
	Cancel       []Step    `json:"cancel"` // exactly one step has Control set, or none with DeadEnd
	Done         Condition `json:"done"`   // the state that shows the cancellation took effect
	// DeadEnd declares a site without a cancel control: the cancel steps walk to the screen the user is sent
	// instead (只能联系客服), and this is what that screen shows. The run ends no_control.
	DeadEnd   *Condition `json:"dead_end,omitempty"`
	Effect    []Step     `json:"effect,omitempty"`
	Subscribe *Subscribe `json:"subscribe,omitempty"`

	// Secrets are the expanded values of every ${VAR} and of every fill step marked secret: reports and logs
	// replace them with "***". Never serialised.
	Secrets []string `json:"-"`
	// MaskFields lists targets masked (blanked) before screenshots, e.g. a username field.
	MaskFields []Target `json:"mask_fields,omitempty"`

	idLine int // line of the id key, 0 when the id comes from the file name (for duplicate-id messages)
}

// Timeouts bound each step and the whole scenario (per device).
type Timeouts struct {
	Step     time.Duration `json:"step"`     // default DefaultStepTimeout
	Scenario time.Duration `json:"scenario"` // default DefaultScenarioTimeout
}

const (
	DefaultStepTimeout     = 5 * time.Second
	DefaultScenarioTimeout = 90 * time.Second
)

// Subscribe describes the optional sign-up side: steps from the logged-in landing page to an active
// subscription (or to the payment step), the auto-renew checkbox and the disclosure area next to the
// subscribe button.
type Subscribe struct {
	// Before brings the account to its start state (an unsubscribed test account): counted nowhere.
	Before    []Step   `json:"before,omitempty"`
	Steps     []Step   `json:"steps"`
	Devices   []string `json:"devices,omitempty"`   // only on these devices; empty: every device
	Autorenew *Target  `json:"autorenew,omitempty"` // its checked state is read when it first appears
	// Button is the button that gives consent (立即开通, "zahlungspflichtig bestellen"): when it first
	// appears, the renewal terms nearest to it are found and measured (where, how big, what they state).
	Button *Target `json:"button,omitempty"`
	// Disclosure names the terms' element when finding them by their words would take the wrong text; it is
	// measured the same way (and relative to Button when that is set).
	Disclosure *Target `json:"disclosure,omitempty"`
	// UntilPayment says the steps stop at the payment step on purpose (an auditor must not pay).
	UntilPayment bool `json:"until_payment,omitempty"`
	// FreshLogin: the side logs in anew instead of starting from the state the cancel path's login left
	// (for a site whose login itself is part of what the sign-up shows).
	FreshLogin bool `json:"fresh_login,omitempty"`
	Line       int  `json:"line"`
}

// Action is a step kind.
type Action string

const (
	Goto       Action = "goto"
	Click      Action = "click"
	Hover      Action = "hover"
	Fill       Action = "fill"
	Select     Action = "select"
	Check      Action = "check"
	Uncheck    Action = "uncheck"
	Press      Action = "press"
	Wait       Action = "wait"     // a timed pause
	WaitFor    Action = "wait_for" // wait until a target is visible
	Expect     Action = "expect"   // assert a target is visible (or absent)
	Screenshot Action = "screenshot"
)

// Actions lists every step kind, in documentation order.
var Actions = []Action{Goto, Click, Hover, Fill, Select, Check, Uncheck, Press, Wait, WaitFor, Expect, Screenshot}

// IsClick tells whether the action is a click or tap for counting (check, uncheck and select are one each).
func (a Action) IsClick() bool {
	return a == Click || a == Check || a == Uncheck || a == Select
}

// IsUserAction tells whether a person does something in this step (as opposed to waiting or asserting).
func (a Action) IsUserAction() bool {
	switch a {
	case Goto, Click, Hover, Fill, Select, Check, Uncheck, Press:
		return true
	}
	return false
}

// Step is one action. Exactly one action key is set in YAML; the other fields are its arguments and modifiers.
type Step struct {
	Line   int     `json:"line"`
	Action Action  `json:"action"`
	Target *Target `json:"target,omitempty"` // click, hover, fill, select, check, uncheck, wait_for, expect

	URL      string        `json:"url,omitempty"`      // goto
	Value    string        `json:"-"`                  // fill text, select option label, press key; may be secret
	Name     string        `json:"name,omitempty"`     // screenshot name, or a description of the step
	Duration time.Duration `json:"duration,omitempty"` // wait

	Timeout  time.Duration `json:"timeout,omitempty"`  // overrides Timeouts.Step
	Control  bool          `json:"control,omitempty"`  // the click on the cancel control (cancel steps only)
	Optional bool          `json:"optional,omitempty"` // a missing target skips the step instead of failing
	Secret   bool          `json:"secret,omitempty"`   // Value is masked in every output
	Absent   bool          `json:"absent,omitempty"`   // expect: the target must not be visible
	// Devices limits the step to these devices (a "Tools" select on phones, a menu on desktop); elsewhere it
	// is not run and takes no part in counting. Empty: every device.
	Devices []string `json:"devices,omitempty"`
}

// AppliesTo tells whether the step runs on the named device.
func (st *Step) AppliesTo(device string) bool {
	return len(st.Devices) == 0 || slices.Contains(st.Devices, device)
}

// AppliesTo tells whether the subscribe section runs on the named device.
func (s *Subscribe) AppliesTo(device string) bool {
	return len(s.Devices) == 0 || slices.Contains(s.Devices, device)
}

// Target says how to find an element. Exactly one locator is set (Role may come with Name or NameRegex);
// Within narrows the search to a container; Nth picks among the visible matches in document order.
// Same-origin iframes and open shadow roots are searched too.
type Target struct {
	Text         string  `json:"text,omitempty"`          // exact visible text, whitespace collapsed
	TextContains string  `json:"text_contains,omitempty"` // substring of the visible text
	TextRegex    string  `json:"text_regex,omitempty"`    // RE2-compatible JS regex on the visible text
	Role         string  `json:"role,omitempty"`          // ARIA role, explicit or implicit
	Name         string  `json:"name,omitempty"`          // with Role: exact accessible name
	NameRegex    string  `json:"name_regex,omitempty"`    // with Role: accessible name regex
	CSS          string  `json:"css,omitempty"`
	XPath        string  `json:"xpath,omitempty"`
	Within       *Target `json:"within,omitempty"`
	Nth          int     `json:"nth,omitempty"`
	// NthSet: the scenario gave nth (0 included): the step takes that match even when the locator means
	// several elements.
	NthSet bool `json:"-"`
	Line   int  `json:"-"`
}

// Condition is a state the page must reach: a target becoming visible, or the URL matching a regex.
type Condition struct {
	Target *Target `json:"target,omitempty"`
	URL    string  `json:"url,omitempty"` // regex on the full URL
	Line   int     `json:"line"`
}

// Device names of the registry (audit/device), for scenarios built in Go.
const (
	Desktop = device.Desktop
	Mobile  = device.Mobile
)
