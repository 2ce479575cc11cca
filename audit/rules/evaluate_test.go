package rules

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
)

func TestRulesBaseResultPassesEverything(t *testing.T) {
	packs := bundled(t)
	vs, scores := Evaluate(packs, base())
	for _, v := range vs {
		if _, r, _ := Find(packs, v.RuleID); r.Check == nil {
			assert.Equal(t, CouldNotMeasure, v.Outcome, "%s is not measured, ever", v.RuleID)
			continue
		}
		assert.Contains(t, []Outcome{Pass, NotApplicable}, v.Outcome, "%s: %s", v.RuleID, v.Message)
	}
	for _, s := range scores {
		assert.Equal(t, 100.0, s.Score, s.Pack)
		assert.Equal(t, "A", s.Grade, s.Pack)
	}
}

func TestRulesRunErrorMeasuresNothing(t *testing.T) {
	r := base(func(r *metrics.Result) { r.Status, r.Reason = metrics.StatusError, "browser crashed" })
	vs, scores := Evaluate(bundled(t), r)
	for _, v := range vs {
		assert.Equal(t, CouldNotMeasure, v.Outcome, v.RuleID)
		assert.Equal(t, "the run could not be carried out: browser crashed", v.Message)
	}
	for _, s := range scores {
		assert.Zero(t, s.Score, "could_not_measure never counts as a pass")
		assert.Equal(t, "F", s.Grade)
	}
}

func TestRulesControlNotFound(t *testing.T) {
	packs := bundled(t)
	r := base(notFound)

	v := verdictFor(t, packs, "cn.control-exists", r)
	assert.Equal(t, Fail, v.Outcome)
	assert.Equal(t, "false", v.Measured)
	assert.Equal(t, "== true", v.Threshold)

	for _, id := range []string{"cn.control-size", "cn.control-in-account", "cn.clicks-to-control", "wcag.2.5.8"} {
		v := verdictFor(t, packs, id, r)
		assert.Equal(t, CouldNotMeasure, v.Outcome, id)
		assert.Equal(t, "not measured: the cancel control is not there: no element matched the control's target", v.Message, id)
	}
	// The sign-up side was measured in its own context and still counts.
	assert.Equal(t, Pass, verdictFor(t, packs, "cn.no-precheck", r).Outcome)

	_, scores := Evaluate(packs, r)
	cn := scoreFor(t, scores, "cn")
	assert.Equal(t, "cn.control-exists", cn.CapRule)
	assert.Equal(t, 49.0, *cn.Cap)
	assert.Equal(t, 28.2, cn.Score, "22 of 78: the sign-up side")
	assert.Equal(t, "F", cn.Grade)
}

func TestRulesFailedRunExplainsWhatIsMissing(t *testing.T) {
	r := base(func(r *metrics.Result) {
		r.Status, r.Reason = metrics.StatusFailed, "target 确认关闭 not visible after 5s"
		r.FailedStep = &metrics.StepRef{Phase: "cancel", Index: 1, Line: 18}
		r.Metrics.ClicksToDone, r.Metrics.Interstitials, r.Effect, r.Confirm = nil, nil, nil, nil
	})
	packs := bundled(t)
	v := verdictFor(t, packs, "cn.clicks-to-done", r)
	assert.Equal(t, CouldNotMeasure, v.Outcome)
	assert.Equal(t, "not measured: the run failed at cancel step 1 (line 18): target 确认关闭 not visible after 5s", v.Message)

	// Whether a confirmation screen exists is unknown: the rules that depend on it cannot be decided.
	v = verdictFor(t, packs, "cn.confirm-visible", r)
	assert.Equal(t, CouldNotMeasure, v.Outcome)
	assert.Contains(t, v.Message, "cannot tell whether the rule applies (when confirm_present == true)")

	assert.Equal(t, Fail, verdictFor(t, packs, "cn.effect", base(effect(false))).Outcome)
	v = verdictFor(t, packs, "cn.effect", r)
	assert.Equal(t, CouldNotMeasure, v.Outcome)
	assert.Equal(t, "not measured: the run failed at cancel step 1 (line 18): target 确认关闭 not visible after 5s", v.Message,
		"the status, not a missing effect section, is why nothing was checked")

	v = verdictFor(t, packs, "cn.effect", base(func(r *metrics.Result) { r.Effect = nil }))
	assert.Equal(t, "not measured: no effect check ran (the scenario has no effect section, or the done state was not reached)", v.Message)
}

// Each status decides what the status-derived metrics say, and the verdicts name the status truthfully: a
// control is "missing" only when the run walked to its screen and it was not there.
func TestRulesStatuses(t *testing.T) {
	type want struct {
		found, usable, done string // "true", "false", or "" for not measured
		exists, usableRule  Outcome
		message             string // of cn.control-size (a property of the control)
	}
	tests := []struct {
		name string
		r    *metrics.Result
		want want
	}{
		{"ok", base(), want{"true", "true", "true", Pass, Pass, ""}},
		{"no_control", base(notFound), want{"false", "", "false", Fail, NotApplicable,
			"not measured: the cancel control is not there: no element matched the control's target"}},
		{"blocked", base(blocked), want{"true", "false", "false", Pass, Fail,
			`not measured: the control is there but blocked: text="退订" is covered by div#ad: a click at its centre would hit that instead (still so after 2s)`}},
		{"failed after the control", base(func(r *metrics.Result) {
			r.Status, r.Reason = metrics.StatusFailed, "target 确认关闭 not visible after 5s"
			r.FailedStep = &metrics.StepRef{Phase: "cancel", Index: 1, Line: 18}
			r.Metrics.ClicksToDone, r.Effect = nil, nil
		}), want{"true", "true", "false", Pass, Pass, ""}},
		{"failed before the control", base(failedBefore), want{"", "", "", CouldNotMeasure, CouldNotMeasure,
			`not measured: the run failed at cancel step 0 (line 15): text="我的": not visible within 2s`}},
		// The runs that measured nothing: whatever they recorded on the way, every rule could not measure.
		{"out_of_reach", base(failedBefore, status(metrics.StatusOutOfReach, "the login failed: 我的 not visible")),
			want{"", "", "", CouldNotMeasure, CouldNotMeasure, "the run could not look: the login failed: 我的 not visible"}},
		{"site_error", base(failedBefore, status(metrics.StatusSiteError, "net::ERR_CONNECTION_RESET")),
			want{"", "", "", CouldNotMeasure, CouldNotMeasure, "the site could not be audited: net::ERR_CONNECTION_RESET"}},
		{"error", base(failedBefore, status(metrics.StatusError, "browser lost")),
			want{"", "", "", CouldNotMeasure, CouldNotMeasure, "the run could not be carried out: browser lost"}},
	}
	packs := bundled(t)
	read := func(r *metrics.Result, name string) string {
		m, ok := LookupMetric(name)
		require.True(t, ok, name)
		v, ok := m.Value(r)
		if !ok {
			return ""
		}
		return v.String()
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want.found, read(tt.r, "control_found"), "control_found")
			assert.Equal(t, tt.want.usable, read(tt.r, "control_usable"), "control_usable")
			assert.Equal(t, tt.want.done, read(tt.r, "done_reached"), "done_reached")
			for _, id := range []string{"cn.control-exists", "de.button-exists", "us-ca.control-exists", "us-ftc.simple-mechanism"} {
				assert.Equal(t, tt.want.exists, verdictFor(t, packs, id, tt.r).Outcome, id)
			}
			for _, id := range []string{"cn.control-usable", "de.button-usable", "us-ca.control-usable", "us-ftc.mechanism-usable"} {
				assert.Equal(t, tt.want.usableRule, verdictFor(t, packs, id, tt.r).Outcome, id)
			}
			if tt.want.message != "" {
				assert.Equal(t, tt.want.message, verdictFor(t, packs, "cn.control-size", tt.r).Message)
			}
			assert.Equal(t, tt.want.found == "true", ControlReached(tt.r), "ControlReached")
		})
	}
}

func TestRulesBlockedControlCapsTheScore(t *testing.T) {
	packs := bundled(t)
	_, scores := Evaluate(packs, base(blocked))
	for _, c := range []struct{ pack, rule string }{
		{"cn", "cn.control-usable"}, {"de", "de.button-usable"}, {"us-ca", "us-ca.control-usable"}, {"us-ftc", "us-ftc.mechanism-usable"},
	} {
		s := scoreFor(t, scores, c.pack)
		require.NotNil(t, s.Cap, c.pack)
		assert.Equal(t, 49.0, *s.Cap, c.pack)
		assert.Equal(t, c.rule, s.CapRule, c.pack)
		assert.Equal(t, "F", s.Grade, c.pack)
	}
	// A gate weighs nothing: where the control could be clicked, the scores are what they were without it.
	_, ok := Evaluate(packs, base(clicksToControl(5)))
	for _, s := range ok {
		if s.Pack == "cn" {
			assert.Equal(t, 94.9, s.Score, "74 of 78: the weights of the pack without the gate")
		}
	}
}

func TestRulesWhenMakesARuleNotApplicable(t *testing.T) {
	packs := bundled(t)
	v := verdictFor(t, packs, "cn.confirm-visible", base(noConfirm))
	assert.Equal(t, NotApplicable, v.Outcome)
	assert.Equal(t, "applies only when confirm_present == true; measured false", v.Message)

	v = verdictFor(t, packs, "us-ca.offer-beside-cancel", base())
	assert.Equal(t, NotApplicable, v.Outcome, "no offer on the confirmation screen")
}

func TestRulesExplanationOfAFailure(t *testing.T) {
	packs := bundled(t)
	const art18 = "《网络交易监督管理办法》第十八条（总局令第37号公布，根据2025年3月18日总局令第101号修订）"
	v := verdictFor(t, packs, "cn.clicks-to-control", base(clicksToControl(5)))
	assert.Equal(t, Verdict{
		RuleID: "cn.clicks-to-control", Pack: "cn", Title: "到达取消控件不超过 3 次点击", Severity: Major, Weight: 4,
		Outcome: Fail, Metric: "clicks_to_control", Measured: "5", Threshold: "<= 3",
		Citation: art18, Basis: "interpretation",
		BasisSource: "本工具对“简便”的解释：法律没有规定点击次数；3 次 = 我的 → 会员/自动续费 → 取消。",
		Message:     "clicks_to_control is 5; " + art18 + " requires clicks_to_control <= 3",
		StepPhase:   "cancel", StepIndex: ip(0), StepLine: 16, Screenshot: "shots/cancel-0.png",
		Jurisdiction: "cn", RuleStatus: StatusInForce,
		StatusNote: "in force on 2026-11-01, since 2021-05-01; pack checked 2026-12-04",
	}, v)

	// A comparison with another metric shows that metric's value too.
	v = verdictFor(t, packs, "us-ftc.no-harder-than-subscribe", base(clicksToDone(6), subscribeClicks(2)))
	assert.Equal(t, Fail, v.Outcome)
	assert.Equal(t, "6", v.Measured)
	assert.Equal(t, "<= clicks_to_subscribe (2)", v.Threshold)
	assert.Equal(t, "done", v.StepPhase)
	assert.Equal(t, "shots/done.png", v.Screenshot)

	// A pattern check names the missing pattern.
	v = verdictFor(t, packs, "us-ny.how-to-cancel", base(disclosure("Renews at $15 per month.")))
	assert.Equal(t, `"Renews at $15 per month."`, v.Measured)
	assert.Contains(t, v.Message, "(no match for /(?i)cancel|取消|退订/)")
	assert.Equal(t, "subscribe", v.StepPhase)
	assert.Equal(t, "shots/subscribe-1.png", v.Screenshot)

	// A check of what the terms state names the fact that is missing.
	v = verdictFor(t, packs, "cn.renewal-notice", base(disclosure("自动续费 ¥15")))
	assert.Equal(t, Fail, v.Outcome)
	assert.Contains(t, v.Message, "(fails disclosure_names_period == true)")
	assert.Equal(t, "subscribe", v.StepPhase)

	// The target-size rule reads the engine's verdict, not the box: a 24×24 box whose uncovered part is
	// smaller fails (axe-core's target-size rule).
	v = verdictFor(t, packs, "wcag.2.5.8", base(controlBox(40, 30), targetSize("fail")))
	assert.Equal(t, Fail, v.Outcome)
	assert.Equal(t, "control_target_size", v.Metric)
	assert.Equal(t, `"fail"`, v.Measured)
	assert.Equal(t, `matches /^pass(_spacing|_inline)?$/`, v.Threshold)
	v = verdictFor(t, packs, "wcag.2.5.8", base(controlBox(12, 12), targetSize("pass_inline")))
	assert.Equal(t, Pass, v.Outcome)

	v = verdictFor(t, packs, "cn.effect", base(effect(false)))
	assert.Equal(t, "effect", v.StepPhase)
	assert.Equal(t, "shots/effect-1.png", v.Screenshot)
}

func TestRulesRuleStatusAtMeasurementTime(t *testing.T) {
	packs := bundled(t)
	at := func(day string) mod {
		return func(r *metrics.Result) {
			d, err := time.Parse(time.DateOnly, day)
			require.NoError(t, err)
			r.StartedAt = d
		}
	}
	for _, c := range []struct {
		rule, day string
		want      Status
		note      string
	}{
		{"eu.withdrawal-function", "2026-06-18", StatusNotYetInForce, "not yet in force on 2026-06-18, applies from 2026-06-19"},
		{"eu.withdrawal-function", "2026-06-19", StatusInForce, "in force on 2026-06-19, applies from 2026-06-19"},
		{"cn.cancel-route-disclosed", "2026-04-09", StatusNotYetInForce, "not yet in force on 2026-04-09, applies from 2026-04-10"},
		{"cn.cancel-route-disclosed", "2026-04-10", StatusInForce, "in force on 2026-04-10, applies from 2026-04-10"},
		{"cn.clicks-to-control", "2027-03-01", StatusInForce, "in force on 2027-03-01, since 2021-05-01"},
		{"eu.ucpd-no-barriers", "2026-11-01", StatusInForce, "in force on 2026-11-01"},
		{"us-ftc-2024.as-easy-as-signup", "2026-11-01", StatusVacated, "vacated on 2026-11-01, since 2025-07-08"},
		{"us-ftc-2024.as-easy-as-signup", "2025-03-01", StatusVacated, "vacated 2025-07-08, after this run on 2025-03-01: reported for reference"},
		{"uk.false-cancellation", "2025-04-05", StatusNotYetInForce, "not yet in force on 2025-04-05, since 2025-04-06"},
		{"uk.false-cancellation", "2026-11-01", StatusInForce, "in force on 2026-11-01, since 2025-04-06"},
		// Announced, day not set: a 2027 run of this pack still says what was known when it was checked.
		{"uk.key-information", "2026-11-01", StatusNotYetInForce, "announced, not in force on 2026-11-01, expected 2027-01"},
		{"uk.key-information", "2027-02-01", StatusNotYetInForce, "announced, not in force on 2027-02-01, expected 2027-01"},
		{"us-ny.cancel-deadline", "2025-11-04", StatusNotYetInForce, "not yet in force on 2025-11-04, applies from 2025-11-05"},
		{"us-ma.trial-dates", "2025-09-02", StatusInForce, "in force on 2025-09-02, applies from 2025-09-02"},
	} {
		v := verdictFor(t, packs, c.rule, base(at(c.day)))
		assert.Equal(t, c.want, v.RuleStatus, "%s on %s", c.rule, c.day)
		// Every note names the run's day and the day the pack was last checked.
		assert.Equal(t, c.note+"; pack checked 2026-12-04", v.StatusNote, "%s on %s", c.rule, c.day)
	}
	// A result without a start time is judged as if every dated rule applied, and says it had no date.
	v := verdictFor(t, packs, "eu.withdrawal-function", base(func(r *metrics.Result) { r.StartedAt = time.Time{} }))
	assert.Equal(t, StatusInForce, v.RuleStatus)
	assert.Equal(t, "applies from 2026-06-19, the result has no date; pack checked 2026-12-04", v.StatusNote)

	// A user's pack without a checked date says nothing about it.
	user, err := LoadPackFile("testdata/good.yaml")
	require.NoError(t, err)
	v = verdictFor(t, []*Pack{user}, "acme.few-clicks", base(at("2026-11-01")))
	assert.Equal(t, "in force on 2026-11-01, since 2025-01-01", v.StatusNote)
}

func TestRulesControlOnSiteNeedsTheLandingPage(t *testing.T) {
	packs := bundled(t)
	noLogin := func(r *metrics.Result) {
		var steps []metrics.Step
		for _, s := range r.Steps {
			if s.Phase != "login" {
				steps = append(steps, s)
			}
		}
		r.Steps = steps
	}
	v := verdictFor(t, packs, "cn.control-on-site", base(noLogin))
	assert.Equal(t, CouldNotMeasure, v.Outcome)
	assert.Equal(t, "not measured: the landing page is unknown (the scenario has no login steps)", v.Message)

	v = verdictFor(t, packs, "cn.control-on-site", base(controlURL("http://127.0.0.1:8081/deduct/feiyu"),
		func(r *metrics.Result) { r.Steps[1].URL = "http://127.0.0.1:8080/feiyu/" }))
	assert.Equal(t, Fail, v.Outcome, "another port is another origin")
}

func TestRulesEveryMetricIsDocumented(t *testing.T) {
	ms := Metrics()
	require.NotEmpty(t, ms)
	for i, m := range ms {
		assert.NotEmpty(t, m.Doc, m.Name)
		assert.Contains(t, []MetricType{TypeInt, TypeNumber, TypeBool, TypeString}, m.Type, m.Name)
		if i > 0 {
			assert.Less(t, ms[i-1].Name, m.Name, "sorted, no duplicates")
		}
		// Every metric reads something from the base result, and nothing from a run that failed outright.
		_, ok := m.Value(base())
		assert.True(t, ok, "%s measured on the base result", m.Name)
		for _, s := range []metrics.Status{metrics.StatusOutOfReach, metrics.StatusSiteError, metrics.StatusError} {
			_, ok = m.Value(base(func(r *metrics.Result) { r.Status = s }))
			assert.False(t, ok, "%s on a run that ended %s", m.Name, s)
		}
	}
}
