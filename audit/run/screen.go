package run

// What the in-page probe reports about the screen around an action (probe.js: mark, changed, scrollMore,
// closedFrames).

// changedState is the screen after an action, compared with the mark taken before it.
type changedState struct {
	pageState
	Marked    bool    `json:"marked"`     // the mark is there: still the document of the action
	NewTarget bool    `json:"new_target"` // the next target stands where nothing with its label stood before
	Overlap   float64 `json:"overlap"`    // share of the text lines shown before that are still shown
}

// scrolled is one screen scrolled down while looking for a target.
type scrolled struct {
	Moved    bool    `json:"moved"`
	From     float64 `json:"from"` // where the page was scrolled to before
	Grew     bool    `json:"grew"`
	AtBottom bool    `json:"at_bottom"`
	Height   float64 `json:"height"`
}

// closedFrame is a visible frame the locators cannot enter.
type closedFrame struct {
	Origin string `json:"origin"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

// newScreenOverlap: after an action that kept the document and the URL, a screen that still shows less than
// this share of the lines of text shown before is another screen (a single-page app's next step).
const newScreenOverlap = 0.5
