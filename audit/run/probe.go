package run

import (
	"fmt"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
	"github.com/cancelpath/cancelpath/audit/terms"
)

// jsTarget is the locator as probe.js reads it.
type jsTarget struct {
	Text         string    `json:"text,omitempty"`
	TextContains string    `json:"text_contains,omitempty"`
	TextRegex    string    `json:"text_regex,omitempty"` // JS source; flags apart (see scenario.JSRegex)
	TextFlags    string    `json:"text_flags,omitempty"`
	Role         string    `json:"role,omitempty"`
	Name         string    `json:"name,omitempty"`
	NameRegex    string    `json:"name_regex,omitempty"`
	NameFlags    string    `json:"name_flags,omitempty"`
	CSS          string    `json:"css,omitempty"`
	XPath        string    `json:"xpath,omitempty"`
	Within       *jsTarget `json:"within,omitempty"`
	// Nth is set when the scenario picks a match; without it a step's locator must mean one element (see
	// resolve in dom.js). The loader cannot yet tell an explicit nth: 0 from none, so 0 is sent as none.
	Nth *int `json:"nth,omitempty"`
}

func toJS(t *scenario.Target) *jsTarget {
	if t == nil {
		return nil
	}
	j := &jsTarget{Text: t.Text, TextContains: t.TextContains, Role: t.Role, Name: t.Name, CSS: t.CSS, XPath: t.XPath,
		Within: toJS(t.Within)}
	if t.Nth != 0 || t.NthSet {
		n := t.Nth
		j.Nth = &n
	}
	if t.TextRegex != "" {
		j.TextRegex, j.TextFlags = scenario.JSRegex(t.TextRegex)
	}
	if t.NameRegex != "" {
		j.NameRegex, j.NameFlags = scenario.JSRegex(t.NameRegex)
	}
	return j
}

type pageState struct {
	URL    string  `json:"url"`
	Origin float64 `json:"origin"` // performance.timeOrigin: a new value means a new document
	Title  string  `json:"title"`
}

type probeResult struct {
	Count   int    `json:"count"`
	OK      bool   `json:"ok"`
	URL     string `json:"url"`
	Pending bool   `json:"pending"` // the document is on its way out: a navigation to another one began
}

type measured struct {
	Label        string  `json:"label"`
	Role         string  `json:"role"`
	Tag          string  `json:"tag"`
	Contrast     float64 `json:"contrast"`
	FontSize     float64 `json:"font_size"`
	TargetSize   string  `json:"target_size"`
	SizeRatio    float64 `json:"size_ratio"`
	InFrame      bool    `json:"in_frame"`
	InShadow     bool    `json:"in_shadow"`
	LargestOther *struct {
		Label string      `json:"label"`
		Box   metrics.Box `json:"box"`
	} `json:"largest"`
}

type prepared struct {
	Found               bool        `json:"found"`
	Box                 metrics.Box `json:"box"`
	InViewportOnArrival bool        `json:"in_viewport_on_arrival"`
	X                   float64     `json:"x"` // the click point, in viewport coordinates for Input events
	Y                   float64     `json:"y"`
	// Receives: a click at (X, Y) reaches the target; false only when no point of it does. CoveredBy is
	// what a click would hit instead, or (when it receives) what covers a part of it; VisibleFraction the
	// share of its points a click reaches (nil when not sampled: the centre received and no measure asked).
	Receives          bool      `json:"receives"`
	CoveredBy         string    `json:"covered_by"`
	VisibleFraction   *float64  `json:"visible_fraction"`
	Inert             string    `json:"inert"` // why it is inert ("" when it is not or a click reaches it)
	PointerEventsNone bool      `json:"pointer_events_none"`
	Disabled          bool      `json:"disabled"`
	AriaHidden        bool      `json:"aria_hidden"` // it or an ancestor has aria-hidden="true"
	Checked           bool      `json:"checked"`
	Tag               string    `json:"tag"`
	URL               string    `json:"url"`
	Measure           *measured `json:"measure"`
	OfferText         string    `json:"offer_text" probe:"optional"` // only when offers were looked for
	// Ambiguous: the locator matches several visible elements and none stands out; Chosen: it does, and the
	// one a person can activate was taken. Count and Candidates are the matches. Sent only then.
	Ambiguous  bool        `json:"ambiguous" probe:"optional"`
	Chosen     bool        `json:"chosen" probe:"optional"`
	Count      int         `json:"count" probe:"optional"`
	Candidates []candidate `json:"candidates" probe:"optional"`
}

// candidate is one of the elements a locator matches, as a reason lists it.
type candidate struct {
	Index      int         `json:"index"`
	Tag        string      `json:"tag"`
	Role       string      `json:"role"`
	Name       string      `json:"name"`
	Actionable bool        `json:"actionable"`
	Box        metrics.Box `json:"box"`
}

func (c candidate) String() string {
	s := c.Tag
	if c.Role != "" {
		s += " role=" + c.Role
	}
	if c.Name != "" {
		s += fmt.Sprintf(" %q", c.Name)
	}
	return s + fmt.Sprintf(" at (%.0f, %.0f) %.0f×%.0f", c.Box.X, c.Box.Y, c.Box.Width, c.Box.Height)
}

// delivered says where the press since the last hits() landed, by the probe's listeners (pressed in
// probe.js). Seen false: no event of it reached the document (a new document replaced it, or the page
// stopped the events first): as delivered as the page can tell.
type delivered struct {
	Seen      bool   `json:"seen"`
	Delivered bool   `json:"delivered"`
	Click     bool   `json:"click"`
	Hit       string `json:"hit"`
}

// hitResult says whether the last prepared target still receives a click at a point, and what does if not.
type hitResult struct {
	Receives bool   `json:"receives"`
	Hit      string `json:"hit"`
}

type prepareOpts struct {
	Scroll  bool   `json:"scroll"`
	Measure bool   `json:"measure"`
	Offers  string `json:"offers,omitempty"` // regex of retention-offer words; empty: not checked
}

type readResult struct {
	Found    bool    `json:"found"`
	Text     string  `json:"text"`
	FontSize float64 `json:"font_size"`
	Contrast float64 `json:"contrast"`
	Checked  bool    `json:"checked"`
	Ready    string  `json:"ready"` // document.readyState of the page it is on
}

// jsLexicon is the renewal-terms lexicon as probe.js's disclosure op takes it.
type jsLexicon struct {
	Price, Period, Cancel, Renewal string
	Flags                          string
}

func termsForJS() jsLexicon {
	l := terms.Lexicon
	return jsLexicon{Price: l.Price, Period: l.Period, Cancel: l.Cancel, Renewal: l.Renewal, Flags: terms.Flags}
}

// disclosureRead is what probe.js's disclosure op saw of the renewal terms near the subscribe button.
type disclosureRead struct {
	Button       bool    `json:"button"` // the button is on the screen
	Found        bool    `json:"found"`
	Text         string  `json:"text"`
	FontPX       float64 `json:"font_px"`
	Contrast     float64 `json:"contrast"`
	AroundFontPX float64 `json:"around_font_px"`
	DistancePX   float64 `json:"distance_px"`
	SameBlock    bool    `json:"same_block"`
	Together     bool    `json:"together"`
	Ready        string  `json:"ready"`
}

type screenResult struct {
	URL   string `json:"url"`
	Title string `json:"title"`
	Text  string `json:"text"`
}
