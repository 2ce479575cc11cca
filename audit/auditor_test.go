package audit

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/rules"
	"github.com/cancelpath/cancelpath/audit/scenario"
	"github.com/cancelpath/cancelpath/results"
)

// A run that measured nothing keeps its verdicts, each saying why, but is not scored: no 0 and no F for a
// site the tool could not see.
func TestScoreLeavesRunsNotCarriedOutUnscored(t *testing.T) {
	packs, err := rules.Bundled()
	require.NoError(t, err)
	for _, s := range metrics.Statuses {
		t.Run(string(s), func(t *testing.T) {
			e := Score(packs, &metrics.Result{ScenarioID: "s", Status: s, Reason: "why"})
			require.NotEmpty(t, e.Verdicts)
			if s.CarriedOut() {
				assert.NotEmpty(t, e.Scores)
				assert.NotEmpty(t, e.Grade)
				return
			}
			assert.Empty(t, e.Scores)
			assert.Empty(t, e.Grade)
			assert.Zero(t, e.Overall)
			for _, v := range e.Verdicts {
				assert.Equal(t, rules.CouldNotMeasure, v.Outcome, v.RuleID)
			}
		})
	}
}

// The pipeline: each new result is scored and reaches every sink once; a resumed sweep runs only what is
// missing and keeps what it had; a sink that fails stops itself, not the audit.
func TestAuditorPipeline(t *testing.T) {
	ctx := context.Background()
	b, err := OpenBrowser(ctx, BrowserOptions{})
	require.NoError(t, err)
	defer func() { _ = b.Close() }()
	packs, err := rules.Bundled()
	require.NoError(t, err)
	scs := []*scenario.Scenario{testScenario("a", ""), testScenario("b", ""), testScenario("c", "")}
	prev := Score(packs, &metrics.Result{ScenarioID: "b", Site: "b", Status: metrics.StatusOK,
		Device: metrics.Device{Name: "desktop"}})

	var got []string
	broken := errors.New("disk full")
	a := Auditor{Browser: b, Packs: packs, Parallel: 2, Previous: []results.Entry{prev}, Sinks: []Sink{
		SinkFunc(func(e *results.Entry) error {
			assert.NotEmpty(t, e.Verdicts, "scored before it reaches a sink")
			got = append(got, e.Key())
			return nil
		}),
		SinkFunc(func(*results.Entry) error { return broken }),
	}}
	assert.Len(t, a.Pending(scs), 2)
	doc, outcome, err := a.Audit(ctx, scs)
	require.ErrorIs(t, err, broken)
	require.NotNil(t, doc)
	assert.ElementsMatch(t, []string{"a@desktop", "c@desktop"}, got, "the resumed run is not run again")
	var keys []string
	for _, e := range doc.Results {
		keys = append(keys, e.Key())
		assert.Equal(t, metrics.StatusOK, e.Status, e.Reason)
	}
	assert.ElementsMatch(t, []string{"a@desktop", "b@desktop", "c@desktop"}, keys)
	assert.Empty(t, outcome.NotMeasured)
}

// A rule pack that is not loaded stops the audit before anything runs.
func TestAuditorConfigErrorRunsNothing(t *testing.T) {
	packs, err := rules.Bundled()
	require.NoError(t, err)
	sc := testScenario("x", "")
	ran := false
	a := Auditor{Browser: nil, Packs: packs, Rules: []string{"nosuch"}, Sinks: []Sink{SinkFunc(func(*results.Entry) error { ran = true; return nil })}}
	_, _, err = a.Audit(context.Background(), []*scenario.Scenario{sc})
	require.ErrorIs(t, err, ErrConfig, "no browser")
	b, err := OpenBrowser(context.Background(), BrowserOptions{})
	require.NoError(t, err)
	defer func() { _ = b.Close() }()
	a.Browser = b
	_, _, err = a.Audit(context.Background(), []*scenario.Scenario{sc})
	require.ErrorIs(t, err, ErrConfig)
	assert.Contains(t, err.Error(), "nosuch")
	assert.False(t, ran)
}

// Outcome kinds, from the worst: a run that measured nothing outranks findings.
func TestOutcomeKinds(t *testing.T) {
	assert.Equal(t, Passed, Outcome{}.Kind())
	assert.Equal(t, Findings, Outcome{Failing: []string{"a@desktop"}}.Kind())
	assert.Equal(t, Unmeasured, Outcome{Failing: []string{"a@desktop"}, NotMeasured: []string{"b@desktop (error)"}}.Kind())
	assert.Contains(t, Outcome{Failing: []string{"a@desktop"}}.Summary(rules.Major), "rules failed at or above major in 1 run(s): a@desktop")
}
