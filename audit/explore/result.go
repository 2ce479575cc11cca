package explore

import (
	"time"

	"github.com/cancelpath/cancelpath/audit/scenario"
)

// FormatVersion is the version of Result's JSON form; it changes when a field changes meaning.
const FormatVersion = 1

// Status is how an exploration ended.
type Status string

const (
	StatusFound    Status = "found"     // a cancel control was reached; Shortest is the shortest path to it
	StatusNotFound Status = "not_found" // none within the budgets; Explored says how far the search went
)

// Result is one exploration of one site on one device. Its JSON form is stable (see FormatVersion); every
// text that came from the page or the scenario has had the scenario's secrets masked.
type Result struct {
	Version    int       `json:"version"`
	ScenarioID string    `json:"scenario_id"`
	Site       string    `json:"site"`
	URL        string    `json:"url"`    // the scenario's base URL
	Device     string    `json:"device"` // desktop, mobile
	Browser    string    `json:"browser"`
	StartedAt  time.Time `json:"started_at"`
	Status     Status    `json:"status"`
	// Reason says why the search stopped: which budget ran out, or that every reachable screen was seen.
	Reason string `json:"reason"`
	// Shortest is the path with the fewest actions (then the fewest clicks) from the landing page to a
	// cancel control, replayed in a fresh context with the engine measuring it; nil when not found.
	Shortest *Path `json:"shortest"`
	// Candidates are the other cancel controls found, each with the shortest path the search saw to it.
	Candidates []Path `json:"candidates"`
	// Signposts are the cancel-named controls that only led towards a control ("前往退订页面", "Go to
	// cancellation"): steps on the way, not the control.
	Signposts []Signpost `json:"signposts,omitempty"`
	Explored  Explored   `json:"explored"`
	Budget    Budget     `json:"budget"`
	Graph     Graph      `json:"graph"`
}

// Path is a way from the landing page to a cancel control. Steps are the actions before the control; the
// control itself is found, never clicked by explore, and its click is counted in ClicksToControl.
type Path struct {
	Steps   []PathStep `json:"steps"`
	Control Control    `json:"control"`
	// The metrics of the README's metric table for this path, as `audit` would measure them for the scenario Scenario
	// writes: ClicksToControl includes the click on the control. LevelsToControl is measured by the engine
	// during the verification replay; nil when the path was not replayed (candidates) or the replay failed.
	ClicksToControl int  `json:"clicks_to_control"`
	HoversToControl int  `json:"hovers_to_control"`
	LevelsToControl *int `json:"levels_to_control"`
	// Verified: the path was replayed from a fresh login and the control appeared at its end.
	Verified    bool   `json:"verified"`
	VerifyError string `json:"verify_error,omitempty"`
}

// Actions is the number of steps before the control.
func (p *Path) Actions() int { return len(p.Steps) }

// PathStep is one action on the way.
type PathStep struct {
	Action string           `json:"action"`           // click, hover or select
	Target *scenario.Target `json:"target"`           // the locator the scenario uses
	Option string           `json:"option,omitempty"` // for a select: the option chosen (its visible label)
	Label  string           `json:"label"`            // the control's accessible name (or text)
	Role   string           `json:"role,omitempty"`
	URL    string           `json:"url"` // the page it was taken on
	// Level and LevelKind are the engine's: this action revealed the next step's target (see metrics.Step).
	Level     bool   `json:"level,omitempty"`
	LevelKind string `json:"level_kind,omitempty"`
}

// Control is the cancel control at the end of a path.
type Control struct {
	Label  string           `json:"label"`
	Role   string           `json:"role,omitempty"`
	Tag    string           `json:"tag"`
	Target *scenario.Target `json:"target"`
	// Action is "select" for a select's option (Option), "" for a click.
	Action string `json:"action,omitempty"`
	Option string `json:"option,omitempty"`
	// Kind is "cancel" (its label holds a cancel term) or "toggle" (an auto-renewal switch that is on).
	Kind  string `json:"kind"`
	Match string `json:"match"` // the lexicon term
	// Evidence says why it is the control: in_place (it acts where it stands: a button, never activated),
	// switch_on, or, for a control that only loads a page and was followed to see what it starts,
	// confirm_dialog, flow_screen, confirm_screen, cancel_form or says_cancelled; Shows is what that page
	// showed (the flow control, the question, the words), LeadsTo the page.
	Evidence string `json:"evidence,omitempty"`
	Shows    string `json:"shows,omitempty"`
	LeadsTo  string `json:"leads_to,omitempty"`
	URL      string `json:"url"` // the document it is in (an iframe's own URL when in one)
	InFrame  bool   `json:"in_frame"`
	InShadow bool   `json:"in_shadow"`
}

// Explored says how much of the site the search saw.
type Explored struct {
	States int `json:"states"` // distinct screens: URL and the set of visible controls
	Pages  int `json:"pages"`  // distinct URLs among them
	// Actions is the actions tried whose screen was read, each in a replay from a fresh login. Replays that
	// an early stop or the time budget cut short are not counted here, but in Steps and Contexts.
	Actions  int `json:"actions"`
	Steps    int `json:"steps"`    // steps replayed in all, the tried actions included (login steps not)
	Contexts int `json:"contexts"` // fresh browser contexts opened, the verification replays included
	// Logins is the contexts that replayed the scenario's login; Session says how the others started: none
	// (no login), scenario (its session file), saved (from the session saved after one login) or replayed
	// (each logged in: the session could not be saved, or the site did not keep it).
	Logins  int    `json:"logins"`
	Session string `json:"session"`
	// Reused is the replays that ran in a context an earlier one left: one that only followed links leaves
	// nothing behind a click could have changed, and its context takes the next replay.
	Reused int `json:"reused"`
	// Shortcuts is the replays that started on a page of their path that loads by its URL, replaying only
	// the steps after it; Fallbacks the replays started again from further back when such a page, or the
	// saved session, did not open as before.
	Shortcuts int `json:"shortcuts"`
	Fallbacks int `json:"fallbacks"`
	Depth     int `json:"depth"` // the deepest level expanded (actions from the landing page)
	// Skipped counts the controls left alone, by reason: deny, deny_href, form_submit, off_site, setting,
	// disabled, download, scheme, known_page, field, in_page.
	Skipped map[string]int `json:"skipped"`
	Errors  int            `json:"errors"` // replays that failed (a step's target was not found again ...)
	// Dialogs are the JS dialogs the pages opened during the search (the browser accepts them).
	Dialogs int   `json:"dialogs"`
	WallMS  int64 `json:"wall_ms"`
	// Exhausted names the budget that stopped the search: max_depth, max_actions or timeout; "" when it
	// stopped because it found the control or ran out of screens.
	Exhausted string `json:"exhausted,omitempty"`
}

// Budget is the limits the search ran under.
type Budget struct {
	MaxDepth    int   `json:"max_depth"`
	MaxActions  int   `json:"max_actions"`
	TimeoutMS   int64 `json:"timeout_ms"`
	StepTimeout int64 `json:"step_timeout_ms"`
	Parallel    int   `json:"parallel"`
}

// Signpost is a cancel-named control that only led towards a cancel control: Holds is the control the page
// it led to holds ("" when that page held none and started nothing either).
type Signpost struct {
	Label   string `json:"label"`
	URL     string `json:"url"` // the page it stands on
	LeadsTo string `json:"leads_to"`
	Holds   string `json:"holds,omitempty"`
}
