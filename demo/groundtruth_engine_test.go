package demo

import (
	"context"
	"flag"
	"io/fs"
	"path"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/run"
	"github.com/cancelpath/cancelpath/audit/scenario"
	"github.com/cancelpath/cancelpath/scenarios"
)

var shots = flag.String("shots", "", "write the runs' evidence (a screenshot per step) into this folder")

// Every bundled scenario, run by the real engine on both devices, measures exactly the designed ground truth.
func TestScenariosMeasureGroundTruth(t *testing.T) {
	b := needBrowser(t)
	truth, err := LoadGroundTruth()
	require.NoError(t, err)
	files, err := scenarios.DemoScenarios()
	require.NoError(t, err)
	require.Len(t, files, len(truth.Sites))
	srv, err := Start("127.0.0.1:0")
	require.NoError(t, err)
	defer func() { _ = srv.Close() }()
	env := srv.Env()
	opts := scenario.Options{Env: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}

	for _, f := range files {
		data, err := fs.ReadFile(scenarios.Demo, f)
		require.NoError(t, err)
		sc, err := scenario.Parse(path.Join("scenarios", f), data, opts)
		require.NoError(t, err)
		for _, dev := range sc.Devices {
			t.Run(sc.ID+"/"+dev, func(t *testing.T) {
				want, ok := truth.For(sc.ID, dev)
				require.True(t, ok, "no ground truth for %s", sc.ID)
				res := run.Run(context.Background(), b, sc, dev, run.Options{OutDir: *shots})
				require.Equal(t, want.Status, string(res.Status), res.Reason)
				assert.Equal(t, want, measured(res))
			})
		}
	}
}

// measured puts a result in the ground truth's shape.
func measured(r *metrics.Result) Expected {
	deref := func(p *int) int {
		if p == nil {
			return -1
		}
		return *p
	}
	m := r.Metrics
	e := Expected{Status: string(r.Status), ClicksToControl: deref(m.ClicksToControl), HoversToControl: deref(m.HoversToControl),
		LevelsToControl: deref(m.LevelsToControl), ClicksToDone: deref(m.ClicksToDone), Interstitials: deref(m.Interstitials),
		ReachableWithoutLogin: m.ReachableWithoutLogin}
	if c := r.Control; c != nil {
		e.Control = ControlBox{Label: c.Label, Width: c.Box.Width, Height: c.Box.Height}
	}
	if d := r.DeadEnd; d != nil {
		e.DeadEnd = &DeadEnd{Clicks: d.Clicks, Text: d.Text}
	}
	if r.Effect != nil {
		e.EffectPassed = r.Effect.Passed
	}
	if s := r.Subscribe; s != nil {
		e.ClicksToSubscribe = deref(s.ClicksToSubscribe)
		e.DisclosureFontPX, e.DisclosureInView = s.DisclosureFontPX, s.DisclosureInViewWithButton
		if s.AutorenewPrechecked != nil {
			e.AutorenewPrechecked = *s.AutorenewPrechecked
		}
	}
	return e
}
