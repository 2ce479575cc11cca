package rules

import (
	"fmt"

	"github.com/cancelpath/cancelpath/audit/metrics"
)

// Evaluate applies every rule of the packs to one result and scores each pack. Verdicts come in pack order,
// then rule order; scores in pack order.
func Evaluate(packs []*Pack, r *metrics.Result) ([]Verdict, []Score) {
	var verdicts []Verdict
	scores := make([]Score, 0, len(packs))
	for _, p := range packs {
		vs := make([]Verdict, len(p.Rules))
		for i, rule := range p.Rules {
			vs[i] = evaluateRule(p, rule, r)
		}
		verdicts = append(verdicts, vs...)
		scores = append(scores, scorePack(p, vs))
	}
	return verdicts, scores
}

func evaluateRule(p *Pack, rule *Rule, r *metrics.Result) Verdict {
	status, note := rule.effective(r.StartedAt)
	v := Verdict{
		RuleID: rule.ID, Pack: p.ID, Title: rule.Title, Severity: rule.Severity, Weight: rule.Weight,
		Citation: rule.Citation, Basis: string(rule.Basis), BasisSource: rule.Source,
		Jurisdiction: rule.Jurisdiction, RuleStatus: status, StatusNote: note,
	}
	if rule.Check != nil {
		v.Threshold, v.Metric = rule.Check.threshold(nil), firstMetric(rule.Check)
	}
	if !r.Status.CarriedOut() {
		v.Outcome = CouldNotMeasure
		v.Message = statusExplanation(r)
		return v
	}
	if rule.Check == nil { // not_measured: listed so the pack is complete, never tested
		v.Outcome, v.NotMeasured = CouldNotMeasure, true
		v.Message = "not measured by cancelpath: " + rule.NotMeasured
		return v
	}
	if rule.When != nil {
		w := rule.When.eval(r)
		switch w.outcome {
		case CouldNotMeasure:
			v.Outcome = CouldNotMeasure
			v.Message = fmt.Sprintf("cannot tell whether the rule applies (when %s): %s", rule.When, w.detail)
			v.setEvidence(w.first, r)
			return v
		case Fail:
			v.Outcome = NotApplicable
			v.Message = fmt.Sprintf("applies only when %s; measured %s", rule.When, w.measured)
			return v
		}
	}
	c := rule.Check.eval(r)
	v.Outcome, v.Metric, v.Measured, v.Threshold = c.outcome, c.metric, c.measured, c.threshold
	v.setEvidence(c.first, r)
	switch c.outcome {
	case Fail:
		v.Message = fmt.Sprintf("%s is %s; %s requires %s", c.metric, c.measured, rule.Citation, requirement(rule.Check, c))
		if c.detail != "" {
			v.Message += " (" + c.detail + ")"
		}
	case CouldNotMeasure:
		v.Message = "not measured: " + c.detail
	}
	return v
}

// requirement phrases the threshold for a message: "clicks_to_control <= 3" for single checks (the metric is
// named once more, since the message may be read alone), the combined text otherwise.
func requirement(c *Check, res checked) string {
	if c.Any != nil || c.All != nil {
		return res.threshold
	}
	return c.Metric + " " + res.threshold
}

func firstMetric(c *Check) string {
	if ms := c.metricsOf(); len(ms) > 0 {
		return ms[0]
	}
	return ""
}

func (v *Verdict) setEvidence(m Metric, r *metrics.Result) {
	if m.Name == "" {
		return
	}
	e := m.evidence(r)
	v.StepPhase, v.StepIndex, v.StepLine, v.Screenshot = e.phase, e.index, e.line, e.screenshot
}
