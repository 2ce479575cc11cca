package explore

import (
	"context"
	_ "embed"

	"github.com/go-rod/rod"

	"github.com/cancelpath/cancelpath/audit/run"

	"github.com/cancelpath/cancelpath/audit/scenario"
)

//go:embed candidates.js
var candidatesSource string

// newHelper is explore's in-page helper (candidates.js around the engine's dom.js), installed in the same
// isolated world as the engine's probe. Each replay has its own.
func newHelper() *run.Script { return run.NewScript("explore", candidatesSource) }

// item is one control on a screen, as candidates.js reports it.
type item struct {
	Label    string   `json:"label"` // accessible name, else visible text
	Text     string   `json:"text"`
	Role     string   `json:"role"`
	Tag      string   `json:"tag"`
	Href     string   `json:"href"` // absolute, for links
	NewTab   bool     `json:"new_tab"`
	Anchor   bool     `json:"anchor"` // a link to something of its own page already on display: it only scrolls
	Select   bool     `json:"select"` // a native select that picks a page or a view: its options are tried
	Options  []option `json:"options"`
	Submits  bool     `json:"submits"`  // a submit button with a form owner
	Field    bool     `json:"field"`    // a text field, select, or a label of one
	Stateful bool     `json:"stateful"` // switch, checkbox, radio: clicking changes a setting
	Checked  bool     `json:"checked"`
	Disabled bool     `json:"disabled"`
	Download bool     `json:"download"`
	Hover    bool     `json:"hover"` // a menu container to hover, not a control to click
	FrameURL string   `json:"frame_url"`
	InFrame  bool     `json:"in_frame"`
	InShadow bool     `json:"in_shadow"`
	Locator  jsTarget `json:"locator"`
}

// option is one option of a select item, other than the chosen one.
type option struct {
	Label string `json:"label"`
	Value string `json:"value"`
	Href  string `json:"href"` // the page choosing it loads, when that can be known
}

// jsTarget is the locator candidates.js chose: text, role+name or css, with nth among the visible matches,
// within a container when that is what makes it mean one element.
type jsTarget struct {
	Text   string    `json:"text,omitempty"`
	Role   string    `json:"role,omitempty"`
	Name   string    `json:"name,omitempty"`
	CSS    string    `json:"css,omitempty"`
	Nth    int       `json:"nth"`
	Within *jsTarget `json:"within,omitempty"`
}

func (t jsTarget) target() *scenario.Target {
	st := &scenario.Target{Text: t.Text, Role: t.Role, Name: t.Name, CSS: t.CSS, Nth: t.Nth}
	if t.Within != nil {
		st.Within = t.Within.target()
	}
	return st
}

// screen is what enumerate found.
type screen struct {
	URL       string   `json:"url"`
	Title     string   `json:"title"`
	Items     []item   `json:"items"`
	Truncated bool     `json:"truncated"`
	Text      string   `json:"text"`      // what the page says, cut
	Dialog    bool     `json:"dialog"`    // a modal dialog is on display
	Confirmed string   `json:"confirmed"` // the question of a confirm() the page asked (answered no)
	snap      snapshot // the screen's fingerprint when it was read
}

// snapshot is a cheap fingerprint of the screen, compared while waiting for it to settle.
type snapshot struct {
	URL    string  `json:"url"`
	Origin float64 `json:"origin"`
	Ready  string  `json:"ready"`
	Count  int     `json:"count"`
	Hash   int64   `json:"hash"`
	// Mutated is how long ago (ms) the DOM last changed; Busy: something on display has aria-busy; Moving: a
	// short transition or animation is running.
	Mutated int64 `json:"mutated"`
	Busy    bool  `json:"busy"`
	Moving  bool  `json:"moving"`
	// Leaving: the page began a navigation to another document (see pageScript), not yet committed.
	Leaving bool `json:"leaving"`
}

// same tells whether two snapshots show the same screen.
func (s snapshot) same(o snapshot) bool {
	return s.URL == o.URL && s.Origin == o.Origin && s.Count == o.Count && s.Hash == o.Hash
}

// enumerate lists the controls on the screen; hover adds menu containers to hover.
func enumerate(ctx context.Context, h *run.Script, p *rod.Page, hover bool) (*screen, error) {
	var s screen
	if err := h.Call(ctx, p.Context(ctx), &s, "enumerate", map[string]bool{"hover": hover}); err != nil {
		return nil, err
	}
	return &s, nil
}
