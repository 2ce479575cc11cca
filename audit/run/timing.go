package run

import "time"

// Timing holds every wait of the engine in one place. The zero value means the defaults (DefaultTiming); a
// test or a sweep on a slow machine can stretch them. None of them decides a status on its own: a definite
// signal (a navigation's net error, a crashed renderer, a lost target) always wins over running out of time.
type Timing struct {
	// Poll is the longest pause between two looks while waiting for a target or a condition.
	Poll time.Duration
	// RetryEvery is how often a target that cannot be used yet (covered, disabled, moving) is looked at again.
	RetryEvery time.Duration
	// Input bounds the acknowledgement of one input event (a press the page navigates away on may never be
	// acknowledged; the page is then asked whether it still answers).
	Input time.Duration
	// LivenessMin is the shortest span over which a page must answer nothing before it is called frozen; the
	// span is the step's timeout when that is longer. A page busy for a whole step is no page a person could
	// use either, and a loaded machine never delays a trivial evaluation that long.
	LivenessMin time.Duration
	// PopupLook bounds one look at a page the flow opened (an ad popup that hangs must not stall the flow).
	PopupLook time.Duration
	// Screenshot and Snapshot bound the evidence taken at one moment.
	Screenshot, Snapshot time.Duration
	// Info bounds small reads made for a reason or a record (the page's URL, what it shows).
	Info time.Duration
	// Look is what one piece of the engine's own work (a look through the probe, a screenshot) costs on an
	// idle machine; what it takes beyond that is given back to the step (see stepClock).
	Look time.Duration
}

// DefaultTiming is the engine's timing when Options.Timing is zero.
var DefaultTiming = Timing{
	Poll:        100 * time.Millisecond,
	RetryEvery:  100 * time.Millisecond,
	Input:       time.Second,
	LivenessMin: 3 * time.Second,
	PopupLook:   500 * time.Millisecond,
	Screenshot:  3 * time.Second,
	Snapshot:    5 * time.Second,
	Info:        2 * time.Second,
	Look:        100 * time.Millisecond,
}

// withDefaults fills every zero field from DefaultTiming.
func (t Timing) withDefaults() Timing {
	d := DefaultTiming
	set := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&t.Poll, d.Poll)
	set(&t.RetryEvery, d.RetryEvery)
	set(&t.Input, d.Input)
	set(&t.LivenessMin, d.LivenessMin)
	set(&t.PopupLook, d.PopupLook)
	set(&t.Screenshot, d.Screenshot)
	set(&t.Snapshot, d.Snapshot)
	set(&t.Info, d.Info)
	set(&t.Look, d.Look)
	return t
}

// livenessSpan is how long a page must answer nothing, after a step with timeout step failed, before it is
// called frozen.
func (t Timing) livenessSpan(step time.Duration) time.Duration {
	return max(step, t.LivenessMin)
}
