package explore

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

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
// at the designed shortest length (demo/ground-truth.yaml).
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

// BenchmarkExploreDemo explores each demo site once per iteration and reports screens (pages) visited,
// actions tried and wall time. Run: go test ./audit/explore/ -run '^$' -bench ExploreDemo -benchtime 1x
func BenchmarkExploreDemo(b *testing.B) {
	scs, gt := demoSites(b)
	var table strings.Builder
	fmt.Fprintf(&table, "%-11s %-9s %6s %6s %7s %7s %8s %8s\n", "site", "status", "clicks", "pages", "screens", "actions", "contexts", "wall")
	for _, id := range sortedKeys(gt.Sites) {
		b.Run(id, func(b *testing.B) {
			var res *Result
			for i := 0; i < b.N; i++ {
				var err error
				res, err = Explore(context.Background(), testBrowser, scs[id], Options{Parallel: 3})
				if err != nil {
					b.Fatal(err)
				}
			}
			clicks := "-"
			if res.Shortest != nil {
				clicks = fmt.Sprint(res.Shortest.ClicksToControl)
			}
			ex := res.Explored
			b.ReportMetric(float64(ex.Pages), "pages/op")
			b.ReportMetric(float64(ex.Actions), "actions/op")
			fmt.Fprintf(&table, "%-11s %-9s %6s %6d %7d %7d %8d %8s\n", id, res.Status, clicks, ex.Pages, ex.States,
				ex.Actions, ex.Contexts, (time.Duration(ex.WallMS) * time.Millisecond).Round(100*time.Millisecond))
		})
	}
	fmt.Fprint(os.Stderr, table.String())
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
