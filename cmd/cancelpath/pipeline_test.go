package main

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit"
	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/rules"
	"github.com/cancelpath/cancelpath/results"
)

// A run's status decides the exit code before any rule: 3 when nothing about the cancel control was
// measured, else 1 when a rule in force fails at or above --fail-on, else 0. A missing or blocked control is
// a finding: the rules judge it (exit 1 with the bundled packs), never a 3.
func TestExitStatus(t *testing.T) {
	packs, err := rules.Bundled()
	require.NoError(t, err)
	cn, err := rules.Select(packs, []string{"cn"}, nil)
	require.NoError(t, err)

	clicked := func(r *metrics.Result) {
		one := 1
		r.Metrics.ClicksToControl = &one
		r.Steps = []metrics.Step{{Phase: "cancel", Index: 0, Line: 12, Action: "click", Control: true}}
	}
	run := func(status metrics.Status, mods ...func(*metrics.Result)) *metrics.Result {
		r := &metrics.Result{ScenarioID: "s", Device: metrics.Device{Name: "desktop"}, Status: status, Reason: "why"}
		if status != metrics.StatusOK {
			r.FailedStep = &metrics.StepRef{Phase: "cancel", Index: 0, Line: 12}
		}
		for _, m := range mods {
			m(r)
		}
		return r
	}
	tests := []struct {
		name   string
		r      *metrics.Result
		failOn string
		code   int
		msg    string
	}{
		{name: "no_control is a finding", r: run(metrics.StatusNoControl), failOn: "major", code: exitFindings,
			msg: "rules failed at or above major"},
		{name: "blocked is a finding", r: run(metrics.StatusBlocked, func(r *metrics.Result) {
			r.Steps = []metrics.Step{{Phase: "cancel", Index: 0, Line: 12, Action: "click", Control: true, Error: "covered"}}
		}), failOn: "major", code: exitFindings, msg: "rules failed at or above major"},
		{name: "a finding under --fail-on none", r: run(metrics.StatusBlocked), failOn: "none", code: exitOK},
		{name: "failed after the control", r: run(metrics.StatusFailed, clicked), failOn: "none", code: exitOK},
		{name: "failed before the control measured nothing", r: run(metrics.StatusFailed), failOn: "none", code: exitRuntime,
			msg: "s@desktop (failed before the cancel control)"},
		{name: "out_of_reach (a login that failed)", r: run(metrics.StatusOutOfReach, func(r *metrics.Result) {
			r.FailedStep = &metrics.StepRef{Phase: "login", Index: 3, Line: 9}
		}), failOn: "none", code: exitRuntime, msg: "s@desktop (out_of_reach)"},
		{name: "site_error", r: run(metrics.StatusSiteError), failOn: "critical", code: exitRuntime, msg: "s@desktop (site_error)"},
		{name: "error", r: run(metrics.StatusError), failOn: "info", code: exitRuntime,
			msg: "1 run(s) measured nothing about the cancel control: s@desktop (error)"},
		{name: "not carried out wins over a finding", r: run(metrics.StatusOutOfReach, clicked), failOn: "info", code: exitRuntime},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &auditConfig{noFail: tt.failOn == "none"}
			if !c.noFail {
				sev, err := rules.ParseSeverity(tt.failOn)
				require.NoError(t, err)
				c.failOn = sev
			}
			doc := &results.Document{Results: []results.Entry{audit.Score(cn, tt.r)}}
			err := exitStatus(c, audit.OutcomeOf(doc, c.failOn))
			if tt.code == exitOK {
				require.NoError(t, err)
				return
			}
			var ee *exitError
			require.True(t, errors.As(err, &ee), "%v", err)
			assert.Equal(t, tt.code, ee.code, ee.err.Error())
			assert.Contains(t, ee.err.Error(), tt.msg)
		})
	}
}
