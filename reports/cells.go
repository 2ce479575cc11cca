package reports

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/rules"
	"github.com/cancelpath/cancelpath/results"
)

// Cell helpers shared by the text formats. Missing measurements are "" here; each format says how it shows
// them.

func intText(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func boolText(p *bool) string {
	if p == nil {
		return ""
	}
	return strconv.FormatBool(*p)
}

// num formats a float without trailing zeros: 46.7, 100, 0.0134.
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// px formats a CSS pixel length rounded to a tenth: 22, 12.5.
func px(f float64) string { return num(math.Round(f*10) / 10) }

// boxText is "W×H" of the control in CSS px, or "" when there is no control.
func boxText(c *metrics.Control) string {
	if c == nil {
		return ""
	}
	return px(c.Box.Width) + "×" + px(c.Box.Height)
}

// scoreText is the overall score rounded to a whole number, or "" for a run that was not scored: no pack
// scores, or a run that was not carried out (its could-not-measure verdicts say nothing about the site, even
// where an older cancelpath scored them).
func scoreText(e *results.Entry) string {
	if !e.Scored() {
		return ""
	}
	return strconv.FormatFloat(e.Overall, 'f', 0, 64)
}

// gradeText is the grade, cleaned, or "" for a run that was not scored (as scoreText).
func gradeText(e *results.Entry) string {
	if !e.Status.CarriedOut() {
		return ""
	}
	return Clean(e.Grade)
}

// problems are the verdicts of rules in force that count against a site: failures, then what could not be
// measured.
func problems(e *results.Entry) []rules.Verdict {
	var fails, unknown []rules.Verdict
	for _, v := range e.Verdicts {
		if !results.InForce(&v) {
			continue
		}
		switch v.Outcome {
		case rules.Fail:
			fails = append(fails, v)
		case rules.CouldNotMeasure:
			unknown = append(unknown, v)
		}
	}
	return append(fails, unknown...)
}

// notInForce are the failures of rules that were not in force (vacated, not yet in force): shown for
// reference, never counted.
func notInForce(e *results.Entry) []rules.Verdict {
	var out []rules.Verdict
	for _, v := range e.Verdicts {
		if v.Outcome == rules.Fail && !results.InForce(&v) {
			out = append(out, v)
		}
	}
	return out
}

// ruleIDs joins the ids of verdicts with "; ".
func ruleIDs(vs []rules.Verdict, outcome rules.Outcome) string {
	var ids []string
	for _, v := range vs {
		if v.Outcome == outcome {
			ids = append(ids, Clean(v.RuleID))
		}
	}
	return strings.Join(ids, "; ")
}

// stepFor returns the step a verdict points at, or nil.
func stepFor(e *results.Entry, v *rules.Verdict) *metrics.Step {
	if v.StepPhase == "" || v.StepIndex == nil {
		return nil
	}
	for i := range e.Steps {
		if e.Steps[i].Phase == v.StepPhase && e.Steps[i].Index == *v.StepIndex {
			return &e.Steps[i]
		}
	}
	return nil
}

// measuredText explains a verdict's check: "2 (required: <= 1)".
func measuredText(v *rules.Verdict, w *words) string {
	m := Clean(v.Measured)
	if v.Outcome == rules.CouldNotMeasure {
		m = w.CouldNotMeasure
	}
	if t := Clean(v.Threshold); t != "" {
		if m == "" {
			return w.RequiredInline + " " + t
		}
		return m + " (" + w.RequiredInline + " " + t + ")"
	}
	return m
}

// rfc3339Seconds formats a time in UTC to the second, or "" for the zero time.
func rfc3339Seconds(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
