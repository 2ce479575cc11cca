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
	Basis     string `json:"basis"` // "law" or "interpretation" ("standard" for WCAG criteria)
	Message   string `json:"message,omitempty"`
	// NotMeasured: the rule states a duty no browser run can test (a reminder e-mail, a notice before each
	// charge); it is listed so the pack is complete, and its outcome is always could_not_measure.
	NotMeasured bool `json:"not_measured,omitempty"`
	// Step points at the step (phase/index) where the measurement was taken, when there is one.
	StepPhase string `json:"step_phase,omitempty"`
	StepIndex *int   `json:"step_index,omitempty"`

	// Added with the rule packs (issue 4).

	Jurisdiction string `json:"jurisdiction"`
	// BasisSource says where an interpretation comes from (a court, a regulator's practice, this tool's
	// reading of "prominent"); for law it names the provision.
	BasisSource string `json:"basis_source,omitempty"`
	// RuleStatus is the rule's legal status when the result was measured: in_force, not_yet_in_force or
	// vacated. Only in-force verdicts count in scores and in FailsAt; the others are reported for reference.
	RuleStatus Status `json:"rule_status"`
	// StatusNote says it for people: "in force since 2021-05-01", "vacated 2025-07-08".
	StatusNote string `json:"status_note,omitempty"`
	// StepLine is the step's line in the scenario file; Screenshot the evidence file of that step (for
	// control properties, the screenshot taken just before the control was clicked).
	StepLine   int    `json:"step_line,omitempty"`
	Screenshot string `json:"screenshot,omitempty"`
}

// Score is one pack's score for one result.
type Score struct {
	Pack  string  `json:"pack"`
	Score float64 `json:"score"` // 0-100
	Grade string  `json:"grade"` // A-F

	// Added with the rule packs (issue 4).

	// Counted: the score enters the overall score. False for a pack none of whose rules was in force when the
	// result was measured (a vacated or not-yet-in-force reference pack: its score is computed over all its
	// rules and shown for reference), and for a pack with no applicable rule (Grade "n/a").
	Counted bool `json:"counted"`
	// Weight is the weight the score was computed over (pass + fail + could_not_measure): the pack's share in
	// the overall score.
	Weight float64 `json:"weight"`
	// Raw is the score from the weights alone, before any cap.
	Raw float64 `json:"raw"`
	// Cap is the lowest cap among the failed rules, if any: the most this pack, and the overall score, can
	// be. CapRule names that rule.
	Cap     *float64 `json:"cap,omitempty"`
	CapRule string   `json:"cap_rule,omitempty"`
	// Counts of the verdicts the score was computed from.
	Pass            int `json:"pass"`
	Fail            int `json:"fail"`
	NotApplicable   int `json:"not_applicable"`
	CouldNotMeasure int `json:"could_not_measure"`
}
