package run

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

// TestIliadReplica walks the replica of the Prime cancellation flow that the FTC's complaint against Amazon
// calls "a four-page, six-click, fifteen-option cancellation process" (testdata/iliad.yaml, pages
// testdata/site/iliad-*.html), with the site's header, navigation, sidebar and footer on every page.
//
// Six clicks and fifteen options come out as the complaint counts them: Manage membership, End membership
// (the control), Continue to cancel twice, the "End now" choice and the confirmation; 3 options on the
// benefits reminder, 7 on the offers, 5 on the end screen, and none of the chrome's links. The complaint's
// four pages are the pages a consumer acts on (Prime Central and the three Iliad pages); pages_to_done also
// counts the page that shows the done state, so it measures 5.
func TestIliadReplica(t *testing.T) {
	sc, err := scenario.LoadFile("testdata/iliad.yaml", scenario.Options{Env: func(name string) (string, bool) {
		return siteURL, name == "CP_ILIAD_URL"
	}})
	require.NoError(t, err)
	res := Run(context.Background(), testBrowser, sc, "desktop", Options{})
	require.Equal(t, metrics.StatusOK, res.Status, "reason: %s", res.Reason)

	m := res.Metrics
	assertCount(t, "clicks_to_control", ip(2), m.ClicksToControl)
	assertCount(t, "clicks_to_done", ip(6), m.ClicksToDone)
	assertCount(t, "pages_to_done", ip(5), m.PagesToDone)
	assertCount(t, "options_on_path", ip(15), m.OptionsOnPath)
	var kinds []string
	for _, s := range res.Steps {
		if s.Phase == phaseCancel && s.Level {
			kinds = append(kinds, s.LevelKind)
		}
	}
	assert.Equal(t, []string{"reveal", "navigation", "navigation", "screen", "navigation"}, kinds,
		"the end screen replaces the offers at the same URL")

	assert.Equal(t, []metrics.ScreenOptions{
		{StepIndex: 2, StepLine: 14, URL: siteURL + "iliad-1.html", Scope: scopePage,
			Options: []string{"Remind me later", "Keep my membership", "Continue to cancel"}},
		{StepIndex: 3, StepLine: 15, URL: siteURL + "iliad-2.html", Scope: scopePage,
			Options: []string{"Switch to monthly", "Switch to annual", "Get the student discount",
				"Get Prime Access for EBT and Medicaid", "Keep my membership", "Remind me later", "Continue to cancel"}},
		// Read once, by the choice of "End now": the confirmation after it acts on the same screen.
		{StepIndex: 4, StepLine: 16, URL: siteURL + "iliad-2.html", Scope: scopePage,
			Options: []string{"End now", "End on 12 Jan 2026", "Keep my membership", "Remind me later", "Confirm cancellation"}},
	}, res.PathScreens)
}

// TestScreenOptions: what counts as an option of a screen. On a page: what a person can activate in its
// content, once per label, shadow roots and same-origin frames included; not the chrome, nor anything
// hidden, disabled, aria-hidden, inert or editable. With a modal dialog open over the page: only the
// dialog. Labels are masked like all recorded text.
func TestScreenOptions(t *testing.T) {
	tests := []struct {
		name    string
		sc      *scenario.Scenario
		scope   string
		options []string
		kinds   []string
	}{
		{
			name: "page",
			sc: newScenario("options-start.html", []scenario.Step{control(txt("Cancel plan")), click(txt("Confirm"))},
				txt("Plan cancelled")),
			scope: scopePage,
			options: []string{"Confirm", "See the offer", "Change plan", "Too expensive", "Not using it",
				"Send me feedback mail", "1 month", "3 months", "Talk to us", "Reminders", "Shadow option", "Frame option"},
			kinds: []string{"navigation", "reveal"},
		},
		{
			name: "modal dialog over the page",
			sc: newScenario("options-dialog.html", []scenario.Step{control(txt("Cancel subscription")), click(txt("Yes, cancel"))},
				txt("Subscription cancelled")),
			scope:   scopeDialog,
			options: []string{"Close", "Yes, cancel", "No, keep it", "Email the receipt to ***", "Remind me later"},
			kinds:   []string{"reveal", "screen"}, // closing the dialog takes most of the screen's text away
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.sc.Secrets = []string{"jane@example.com"}
			res := Run(context.Background(), testBrowser, tc.sc, "desktop", Options{})
			require.Equal(t, metrics.StatusOK, res.Status, "reason: %s", res.Reason)
			var kinds []string
			for _, s := range res.Steps {
				if s.Phase == phaseCancel && s.Level {
					kinds = append(kinds, s.LevelKind)
				}
			}
			assert.Equal(t, tc.kinds, kinds)
			require.Len(t, res.PathScreens, 1, "one screen between the control and done")
			got := res.PathScreens[0]
			assert.Equal(t, 1, got.StepIndex, "read by the step after the control")
			assert.Equal(t, tc.scope, got.Scope)
			assert.Equal(t, tc.options, got.Options)
			assert.False(t, got.Truncated)
			assertCount(t, "options_on_path", ip(len(tc.options)), res.Metrics.OptionsOnPath)
		})
	}
}
