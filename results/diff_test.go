package results

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/rules"
)

func TestDiff(t *testing.T) {
	tests := []struct {
		name        string
		change      func(t *testing.T, d *Document)
		wantRows    []DiffRow // compared on Key, Metric, Old, New, Change
		regressions int
	}{
		{name: "identical", change: func(*testing.T, *Document) {}},
		{
			name:        "longer path",
			change:      func(t *testing.T, d *Document) { entry(t, d, "xingchen@mobile").Metrics.ClicksToControl = intp(5) },
			wantRows:    []DiffRow{{Key: "xingchen@mobile", Metric: "clicks_to_control", Old: "3", New: "5", Change: Worse}},
			regressions: 1,
		},
		{
			name:     "shorter path is no regression",
			change:   func(t *testing.T, d *Document) { entry(t, d, "xingchen@mobile").Metrics.LevelsToControl = intp(1) },
			wantRows: []DiffRow{{Key: "xingchen@mobile", Metric: "levels_to_control", Old: "2", New: "1", Change: Better}},
		},
		{
			name:        "smaller control",
			change:      func(t *testing.T, d *Document) { entry(t, d, "chaoji@mobile").Control.Box.Height = 30 },
			wantRows:    []DiffRow{{Key: "chaoji@mobile", Metric: "control_height", Old: "48", New: "30", Change: Worse}},
			regressions: 1,
		},
		{
			name:   "sub-pixel noise is ignored",
			change: func(t *testing.T, d *Document) { entry(t, d, "chaoji@mobile").Control.Box.Height = 47.8 },
		},
		{
			name: "lower grade and score",
			change: func(t *testing.T, d *Document) {
				e := entry(t, d, "chaoji@mobile")
				e.Overall, e.Grade = 65, "D"
			},
			wantRows: []DiffRow{
				{Key: "chaoji@mobile", Metric: "overall", Old: "80", New: "65", Change: Worse},
				{Key: "chaoji@mobile", Metric: "grade", Old: "B", New: "D", Change: Worse},
			},
			regressions: 2,
		},
		{
			name: "control no longer found",
			change: func(t *testing.T, d *Document) {
				e := entry(t, d, "chaoji@mobile")
				e.Status = metrics.StatusNoControl
				e.Control = nil
				e.Metrics.ClicksToControl = nil
			},
			wantRows: []DiffRow{
				{Key: "chaoji@mobile", Metric: "status", Old: "ok", New: "no_control", Change: Worse},
				{Key: "chaoji@mobile", Metric: "clicks_to_control", Old: "3", New: "", Change: Worse},
				{Key: "chaoji@mobile", Metric: "control_width", Old: "350", New: "", Change: Worse},
				{Key: "chaoji@mobile", Metric: "control_height", Old: "48", New: "", Change: Worse},
				{Key: "chaoji@mobile", Metric: "control_target_size", Old: "pass", New: "", Change: Worse},
				{Key: "chaoji@mobile", Metric: "control_in_viewport_on_arrival", Old: "true", New: "", Change: Worse},
				{Key: "chaoji@mobile", Metric: "control_contrast_ratio", Old: "12.6", New: "", Change: Worse},
				{Key: "chaoji@mobile", Metric: "control_size_ratio", Old: "1", New: "", Change: Worse},
			},
			regressions: 8,
		},
		{
			name:        "a rule in force that now fails",
			change:      func(t *testing.T, d *Document) { entry(t, d, "chaoji@mobile").Verdicts[0].Outcome = rules.Fail },
			wantRows:    []DiffRow{{Key: "chaoji@mobile", Metric: "rule:cn.art18.clicks", Old: "pass", New: "fail", Change: Worse}},
			regressions: 1,
		},
		{
			name: "a scenario missing from the new audit",
			change: func(t *testing.T, d *Document) {
				d.Results = slices.DeleteFunc(d.Results, func(e Entry) bool { return e.Key() == "jiguang@mobile" })
			},
			wantRows:    []DiffRow{{Key: "jiguang@mobile", Metric: "scenario", Old: "site_error", Change: Removed}},
			regressions: 1,
		},
		{
			name: "from a run that measured nothing to a finding is no regression",
			change: func(t *testing.T, d *Document) {
				e := entry(t, d, "jiguang@mobile")
				e.Status = metrics.StatusFailed
			},
			wantRows: []DiffRow{{Key: "jiguang@mobile", Metric: "status", Old: "site_error", New: "failed", Change: Changed}},
		},
		{
			name:        "a control that is there but now blocked",
			change:      func(t *testing.T, d *Document) { entry(t, d, "yueying@desktop").Status = metrics.StatusBlocked },
			wantRows:    []DiffRow{{Key: "yueying@desktop", Metric: "status", Old: "no_control", New: "blocked", Change: Better}},
			regressions: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, new := loadFixture(t), loadFixture(t)
			tt.change(t, new)
			d := Diff(old, new)
			var got []DiffRow
			for _, r := range d.Rows {
				got = append(got, DiffRow{Key: r.Key, Metric: r.Metric, Old: r.Old, New: r.New, Change: r.Change})
			}
			assert.Equal(t, tt.wantRows, got)
			assert.Len(t, d.Regressions(), tt.regressions)
		})
	}
}

// TestDiffStatusOrder: leaving ok is worse and reaching it better; between findings, how far a person gets
// decides; a move between a finding and a run that measured nothing, or between two such runs, is only
// "changed".
func TestDiffStatusOrder(t *testing.T) {
	const none Change = ""
	tests := []struct {
		old, new metrics.Status
		want     Change
	}{
		{metrics.StatusOK, metrics.StatusOK, none},
		{metrics.StatusOK, metrics.StatusNoControl, Worse},
		{metrics.StatusOK, metrics.StatusBlocked, Worse},
		{metrics.StatusOK, metrics.StatusFailed, Worse},
		{metrics.StatusOK, metrics.StatusOutOfReach, Worse},
		{metrics.StatusOK, metrics.StatusSiteError, Worse},
		{metrics.StatusOK, metrics.StatusError, Worse},
		{metrics.StatusBlocked, metrics.StatusOK, Better},
		{metrics.StatusSiteError, metrics.StatusOK, Better},
		{metrics.StatusBlocked, metrics.StatusNoControl, Worse},
		{metrics.StatusFailed, metrics.StatusBlocked, Worse},
		{metrics.StatusNoControl, metrics.StatusBlocked, Better},
		{metrics.StatusNoControl, metrics.StatusFailed, Better},
		{metrics.StatusNoControl, metrics.StatusOutOfReach, Changed},
		{metrics.StatusOutOfReach, metrics.StatusNoControl, Changed},
		{metrics.StatusSiteError, metrics.StatusError, Changed},
		{metrics.StatusError, metrics.StatusError, none},
		{"not_found", metrics.StatusNoControl, Changed}, // an unknown name: neither way is known
	}
	for _, tt := range tests {
		t.Run(string(tt.old)+"→"+string(tt.new), func(t *testing.T) {
			got, moved := statusCmp(tt.old, tt.new).change()
			if tt.want == none {
				assert.False(t, moved, "no row, got %s", got)
				return
			}
			assert.True(t, moved)
			assert.Equal(t, tt.want, got)
		})
	}
}

// The metrics a diff compares, in its order, are the registry's metrics that have a direction (reports/
// SCHEMA.md lists them): a metric given a direction there is compared here without more code.
func TestDiffComparesTheRegistrysMetrics(t *testing.T) {
	var names []string
	for _, m := range rules.Compared() {
		names = append(names, m.Name)
	}
	assert.Equal(t, []string{"clicks_to_control", "hovers_to_control", "levels_to_control", "clicks_to_done",
		"interstitials", "reachable_without_login", "control_width", "control_height", "control_target_size",
		"control_in_viewport_on_arrival", "control_contrast_ratio", "control_size_ratio", "confirm_offers",
		"autorenew_prechecked", "effect_passed"}, names)

	// A run's own record is compared, whether or not it was carried out: an error after the control keeps
	// what it measured on the way.
	old, new := loadFixture(t), loadFixture(t)
	e := entry(t, new, "xingchen@mobile")
	e.Status = metrics.StatusError
	e.Metrics.ClicksToControl = intp(*e.Metrics.ClicksToControl + 1)
	var got []string
	for _, r := range Diff(old, new).Rows {
		got = append(got, r.Metric+":"+string(r.Change))
	}
	assert.Equal(t, []string{"status:worse", "clicks_to_control:worse", "overall:worse"}, got)
}
