package demo

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/scenarios"
)

// The ground truth covers exactly the served sites, names a scenario that exists for each, and agrees with
// the site catalogue on what each site is about.
func TestGroundTruthMatchesSites(t *testing.T) {
	g, err := LoadGroundTruth()
	require.NoError(t, err)
	require.Len(t, g.Sites, len(catalogue()))
	for _, st := range catalogue() {
		truth, ok := g.Sites[st.ID]
		require.True(t, ok, st.ID)
		assert.Equal(t, st.Name, truth.Name, st.ID)
		assert.Equal(t, st.Flaw, truth.Flaw, st.ID)
		_, err := scenarios.Demo.ReadFile("demo/" + truth.Scenario)
		assert.NoError(t, err, st.ID)
		for _, dev := range []string{"desktop", "mobile"} {
			e, ok := g.For(st.ID, dev)
			require.True(t, ok)
			assert.Equal(t, st.Prechecked, e.AutorenewPrechecked, "%s %s", st.ID, dev)
			assert.GreaterOrEqual(t, e.ClicksToDone, e.ClicksToControl, "%s %s", st.ID, dev)
			assert.Equal(t, e.Status == "no_control", e.DeadEnd != nil, "%s %s: a dead end exactly where there is no control", st.ID, dev)
		}
	}
}

func TestParseGroundTruthIsStrict(t *testing.T) {
	_, err := ParseGroundTruth([]byte("version: 1\nsites:\n  x:\n    desktop:\n      clicks_to_contrl: 2\n"))
	assert.ErrorContains(t, err, "clicks_to_contrl")
	_, err = ParseGroundTruth([]byte("version: 2\n"))
	assert.Error(t, err)
}
