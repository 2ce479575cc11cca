package rules

// Outcome is a rule's verdict on one result.
type Outcome string

const (
	Pass          Outcome = "pass"
	Fail          Outcome = "fail"
	NotApplicable Outcome = "not_applicable"
	// CouldNotMeasure never counts as a pass: the run did not produce the measurement the rule needs.
	CouldNotMeasure Outcome = "could_not_measure"
)

// Severity orders failures for --fail-on.
type Severity string

const (
	Info     Severity = "info"
	Minor    Severity = "minor"
	Major    Severity = "major"
	Critical Severity = "critical"
)

// Verdict is one rule applied to one result, explained.
type Verdict struct {
	RuleID   string   `json:"rule_id"`
	Pack     string   `json:"pack"`
	Title    string   `json:"title"`
	Severity Severity `json:"severity"`
	Weight   float64  `json:"weight"`
	Outcome  Outcome  `json:"outcome"`
	// Metric, Measured and Threshold explain the check: "clicks_to_control", "4", "<= 2".
	Metric    string `json:"metric,omitempty"`
	Measured  string `json:"measured,omitempty"`
	Threshold string `json:"threshold,omitempty"`
	Citation  string `json:"citation"`
	Basis     string `json:"basis"` // "law" or "interpretation"
	Message   string `json:"message,omitempty"`
	// Step points at the step (phase/index) where the measurement was taken, when there is one.
	StepPhase string `json:"step_phase,omitempty"`
	StepIndex *int   `json:"step_index,omitempty"`
}

// Score is one pack's score for one result.
type Score struct {
	Pack  string  `json:"pack"`
	Score float64 `json:"score"` // 0-100
	Grade string  `json:"grade"` // A-F
}
