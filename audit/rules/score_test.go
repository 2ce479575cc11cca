package rules

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
)

// scorePackYAML has one rule per outcome: weights 1 (clicks), 2 (levels), 4 (effect, capped), 8 (hovers,
// not yet in force on the base date) and 16 (only when there are offers).
const scorePackYAML = `
id: sp
title: Score pack
jurisdiction: cn
status: in_force
rules:
  - {id: sp.clicks, title: C, citation: X, requirement: R, quote: paraphrase, basis: law, severity: minor, weight: 1,
     check: {metric: clicks_to_control, op: "<=", value: 2}}
  - {id: sp.levels, title: L, citation: X, requirement: R, quote: paraphrase, basis: law, severity: major, weight: 2,
     check: {metric: levels_to_control, op: "<=", value: 1}}
  - {id: sp.effect, title: E, citation: X, requirement: R, quote: paraphrase, basis: law, severity: critical, weight: 4,
     cap: 49, check: {metric: effect_passed, op: "==", value: true}}
  - {id: sp.later, title: H, citation: X, requirement: R, quote: paraphrase, basis: law, severity: critical, weight: 8,
     status: applies_from, since: 2030-01-01, check: {metric: hovers_to_control, op: "==", value: 0}}
  - {id: sp.offers, title: O, citation: X, requirement: R, quote: paraphrase, basis: law, severity: major, weight: 16,
     when: {metric: confirm_offers, op: "==", value: true}, check: {metric: confirm_in_viewport_on_arrival, op: "==", value: true}}
`

func testPack(t *testing.T) *Pack {
	t.Helper()
	p, err := ParsePack([]byte(scorePackYAML), "score.yaml")
	require.NoError(t, err)
	return p
}

func TestRulesPackScore(t *testing.T) {
	p := testPack(t)
	unmeasured := func(r *metrics.Result) { r.Metrics.LevelsToControl = nil }
	for _, c := range []struct {
		name       string
		r          *metrics.Result
		score      float64
		grade      string
		pass, fail int
		cnm, na    int
		weight     float64
		capRule    string
	}{
		// sp.later is not in force on the base date (left out, not even counted as not applicable) and
		// sp.offers does not apply: 1+2+4 = 7 counts.
		{"all pass", base(), 100, "A", 3, 0, 0, 1, 7, ""},
		{"clicks fail", base(clicksToControl(3)), 85.7, "B", 2, 1, 0, 1, 7, ""},
		{"levels not measured", base(unmeasured), 71.4, "C", 2, 0, 1, 1, 7, ""},
		{"clicks fail, levels not measured", base(clicksToControl(3), unmeasured), 57.1, "E", 1, 1, 1, 1, 7, ""},
		{"effect fails: capped at 49", base(effect(false)), 42.9, "F", 2, 1, 0, 1, 7, "sp.effect"},
		{"offers shown and hidden confirm", base(offers(true), confirmVisible(false)), 30.4, "F", 3, 1, 0, 0, 23, ""},
		{"hovers fail: not in force, not counted", base(hovers(2)), 100, "A", 3, 0, 0, 1, 7, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, scores := Evaluate([]*Pack{p}, c.r)
			require.Len(t, scores, 1)
			s := scores[0]
			assert.Equal(t, c.score, s.Score)
			assert.Equal(t, c.grade, s.Grade)
			assert.Equal(t, [4]int{c.pass, c.fail, c.cnm, c.na}, [4]int{s.Pass, s.Fail, s.CouldNotMeasure, s.NotApplicable})
			assert.Equal(t, c.weight, s.Weight)
			assert.Equal(t, c.capRule, s.CapRule)
			assert.True(t, s.Counted)
		})
	}

	// The cap bites when the weights alone would score higher: only the effect fails, 3 of 7 → 42.9; with the
	// effect's weight at 1 the weights give 75, the cap 49.
	light := testPack(t)
	light.Rules[2].Weight = 1
	_, scores := Evaluate([]*Pack{light}, base(effect(false)))
	assert.Equal(t, 49.0, scores[0].Score)
	assert.Equal(t, "F", scores[0].Grade)
}

func TestRulesReferencePackScoreIsNotCounted(t *testing.T) {
	packs := bundled(t)
	sel, err := Select(packs, []string{"cn", "us-ftc-2024", "uk"}, nil)
	require.NoError(t, err)
	_, scores := Evaluate(sel, base(clicksToDone(3)))
	ftc := scoreFor(t, scores, "us-ftc-2024")
	assert.False(t, ftc.Counted, "vacated")
	assert.Equal(t, 77.3, ftc.Score, "scored over all its rules for reference: 17 of 22")
	// uk counts only what applies now (Part 4 Chapter 1); its Chapter 2 rules, announced for 2027, are left out.
	uk := scoreFor(t, scores, "uk")
	assert.True(t, uk.Counted)
	assert.Equal(t, 8.0, uk.Weight, "uk.false-cancellation alone; uk.order-button is not measured and weighs 0")
	assert.True(t, scoreFor(t, scores, "cn").Counted)

	o, g := Overall(scores)
	assert.Equal(t, 100.0, o, "cn and uk count; the vacated pack does not")
	assert.Equal(t, "A", g)
}

func TestRulesGradeBands(t *testing.T) {
	for _, c := range []struct {
		score float64
		want  string
	}{
		{100, "A"}, {90, "A"}, {89.9, "B"}, {80, "B"}, {79.9, "C"}, {70, "C"}, {69.9, "D"}, {60, "D"},
		{59.9, "E"}, {50, "E"}, {49.9, "F"}, {0, "F"},
	} {
		assert.Equal(t, c.want, Grade(c.score), "%v", c.score)
	}
}

func TestRulesOverall(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	for _, c := range []struct {
		name   string
		scores []Score
		want   float64
		grade  string
	}{
		{"weighted by the weight each pack judged",
			[]Score{{Score: 50, Weight: 30, Counted: true}, {Score: 100, Weight: 10, Counted: true}}, 62.5, "D"},
		{"not counted packs are left out",
			[]Score{{Score: 80, Weight: 10, Counted: true}, {Score: 0, Weight: 50}}, 80, "B"},
		{"a failed cap limits the overall score",
			[]Score{{Score: 45, Weight: 10, Counted: true, Cap: f(49)}, {Score: 100, Weight: 30, Counted: true}}, 49, "F"},
		{"no counted pack", []Score{{Score: 90, Weight: 10}}, 0, NoGrade},
		{"nothing", nil, 0, NoGrade},
	} {
		o, g := Overall(c.scores)
		assert.Equal(t, c.want, o, c.name)
		assert.Equal(t, c.grade, g, c.name)
	}
}

func TestRulesNoApplicableRule(t *testing.T) {
	p := testPack(t)
	p.Rules = p.Rules[4:] // sp.offers only
	_, scores := Evaluate([]*Pack{p}, base())
	assert.Equal(t, Score{Pack: "sp", Grade: NoGrade, NotApplicable: 1}, scores[0])
}

func TestRulesSeverity(t *testing.T) {
	s, err := ParseSeverity(" Major ")
	require.NoError(t, err)
	assert.Equal(t, Major, s)
	_, err = ParseSeverity("high")
	require.EqualError(t, err, `unknown severity "high": valid severities are info, minor, major, critical`)

	vs := []Verdict{
		{Outcome: Fail, Severity: Minor, RuleStatus: StatusInForce},
		{Outcome: Fail, Severity: Critical, RuleStatus: StatusVacated},
		{Outcome: CouldNotMeasure, Severity: Critical, RuleStatus: StatusInForce},
	}
	assert.True(t, FailsAt(vs, Info))
	assert.True(t, FailsAt(vs, Minor))
	assert.False(t, FailsAt(vs, Major), "a vacated rule never fails a build; could_not_measure is not a failure")
}
