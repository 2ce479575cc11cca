package explore

import (
	"fmt"
	"io"
	"time"

	"github.com/cancelpath/cancelpath/audit/browser"
	"github.com/cancelpath/cancelpath/audit/run"
)

// Defaults of Options.
const (
	DefaultMaxDepth    = 6
	DefaultMaxActions  = 300
	DefaultTimeout     = 5 * time.Minute
	DefaultStepTimeout = 3 * time.Second
	DefaultParallel    = 2
)

// Options bound and tune an exploration.
type Options struct {
	Device string // desktop (default) or mobile; on a touch device nothing is hovered
	// MaxDepth is the most actions (clicks and hovers) before the cancel control.
	MaxDepth int
	// MaxActions is the most actions tried; each is a replay of its branch.
	MaxActions int
	// Timeout bounds the search's wall time (the verification replay of the path found comes on top).
	Timeout time.Duration
	// StepTimeout bounds each explored step and the wait for a screen to settle; default the scenario's step
	// timeout, at most DefaultStepTimeout. Login steps keep the scenario's own timeouts.
	StepTimeout time.Duration
	// Parallel is the replays at once, each in a browser context of its own: the contexts in flight.
	Parallel int
	// Complete finishes the level where a cancel control is found, to list every control at that distance
	// (Candidates) and pick the one with the fewest clicks; otherwise the search stops at the first screen
	// (in the level's order) that shows one.
	Complete bool
	Lexicon  *Lexicon  // default: the bundled one
	Progress io.Writer // a line per level of the search; nil: silent
	// Run is passed to the engine for every replay; OutDir is cleared (explore takes no evidence).
	Run run.Options
}

// withDefaults fills unset options and checks the rest.
func (o Options) withDefaults(scenarioStep time.Duration) (Options, error) {
	if o.Device == "" {
		o.Device = "desktop"
	}
	if _, err := browser.LookupDevice(o.Device); err != nil {
		return o, err
	}
	if o.MaxDepth == 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	if o.MaxActions == 0 {
		o.MaxActions = DefaultMaxActions
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.StepTimeout == 0 {
		o.StepTimeout = min(scenarioStep, DefaultStepTimeout)
		if o.StepTimeout <= 0 {
			o.StepTimeout = DefaultStepTimeout
		}
	}
	if o.Parallel == 0 {
		o.Parallel = DefaultParallel
	}
	switch {
	case o.MaxDepth < 0:
		return o, fmt.Errorf("max depth must be at least 0, not %d", o.MaxDepth)
	case o.MaxActions < 0:
		return o, fmt.Errorf("max actions must be at least 0, not %d", o.MaxActions)
	case o.Timeout < 0 || o.StepTimeout < 0:
		return o, fmt.Errorf("timeouts must be positive")
	case o.Parallel < 1:
		return o, fmt.Errorf("parallel must be at least 1, not %d", o.Parallel)
	}
	if o.Lexicon == nil {
		l, err := DefaultLexicon()
		if err != nil {
			return o, err
		}
		o.Lexicon = l
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	o.Run.OutDir = ""
	return o, nil
}
