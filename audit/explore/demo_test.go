package explore

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/scenario"
	"github.com/cancelpath/cancelpath/demo"
	"github.com/cancelpath/cancelpath/scenarios"
)

// demoSites starts the bundled demo sites and loads their scenarios and ground truth.
func demoSites(tb testing.TB) (map[string]*scenario.Scenario, demo.GroundTruth) {
	tb.Helper()
	srv, err := demo.Start("127.0.0.1:0")
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = srv.Close() })
	env := srv.Env()
	opts := scenario.Options{Env: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	files, err := scenarios.DemoScenarios()
	require.NoError(tb, err)
	scs := map[string]*scenario.Scenario{}
	for _, f := range files {
		data, err := scenarios.Demo.ReadFile(f)
		require.NoError(tb, err)
		sc, err := scenario.Parse(f, data, opts)
		require.NoError(tb, err)
		scs[sc.ID] = sc
	}
	gt, err := demo.LoadGroundTruth()
	require.NoError(tb, err)
	require.Len(tb, scs, len(gt.Sites), "a scenario per site of the ground truth")
	return scs, gt
}

// TestExploreDemo explores every demo site on the desktop and expects the control the site was built with,
// at the designed shortest length (demo/ground-truth.yaml), or none on the site built without one.
func TestExploreDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the demo sites take most of this package's time")
	}
	scs, gt := demoSites(t)
	for id, truth := range gt.Sites {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			want := truth.Desktop
			res, err := Explore(context.Background(), testBrowser, scs[id], Options{Parallel: 3})
			require.NoError(t, err)
			if want.Status == "no_control" {
				assert.Equal(t, StatusNotFound, res.Status, "the search must not take anything for a control: %s", res.Reason)
				return
			}
			require.Equal(t, StatusFound, res.Status, res.Reason)
			p := res.Shortest
			require.True(t, p.Verified, p.VerifyError)
			assert.Equal(t, want.Control.Label, p.Control.Label, "control")
			assert.Equal(t, want.ClicksToControl, p.ClicksToControl, "clicks_to_control")
			assert.Equal(t, want.HoversToControl, p.HoversToControl, "hovers_to_control")
			if assert.NotNil(t, p.LevelsToControl) {
				assert.Equal(t, want.LevelsToControl, *p.LevelsToControl, "levels_to_control")
			}
		})
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
