package rules

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
)

// boundary holds, for one rule, a change to base that just passes and one that just fails.
type boundary struct{ pass, fail mod }

// boundaries covers every bundled rule that checks something: TestEveryRuleAtItsBoundary fails for a rule
// without a case. Rules the engine cannot test (not_measured) have none: TestRulesNotMeasuredNeverDecide.
func boundaries() map[string]boundary {
	const (
		cnFull     = "到期按 ¥15/月 自动续费，可随时在“我的”取消"
		usFull     = "Renews at $15 per month; cancel anytime in Account."
		onSite     = "https://shop.example/account"
		offSite    = "https://pay.example/deduct/shop"
		accountant = "https://shop.example/accountant"
	)
	present := noop
	exists := boundary{present, notFound}
	usable := boundary{present, blocked}
	effectOK := boundary{effect(true), effect(false)}
	precheck := boundary{prechecked(false), prechecked(true)}
	inAccount := boundary{controlURL(onSite), controlURL(accountant)}
	noHarder := boundary{all(clicksToDone(3), subscribeClicks(3)), all(clicksToDone(4), subscribeClicks(3))}
	oneScreen := boundary{interstitials(1), interstitials(2)}
	visible := boundary{inViewport(true), inViewport(false)}
	confirmSeen := boundary{confirmVisible(true), confirmVisible(false)}
	usTerms := boundary{disclosure(usFull), disclosure("Renews at $15 per month.")}
	ukTerms := boundary{disclosure("Renews at £15 per month; cancel anytime."), disclosure("Renews at £15; cancel anytime.")}
	const trial = "Free trial for 7 days, then "
	noOffer := boundary{offers(false), offers(true)}
	nearButton := boundary{disclosureInView(true), disclosureInView(false)}
	orderTerms := boundary{disclosure("9,99 € im Monat, jederzeit kündbar"), disclosure("9,99 €, jederzeit kündbar")}
	return map[string]boundary{
		// China.
		"cn.control-exists":         exists,
		"cn.control-usable":         usable,
		"cn.control-on-site":        {controlURL(onSite), controlURL(offSite)},
		"cn.control-in-account":     inAccount,
		"cn.clicks-to-control":      {clicksToControl(3), clicksToControl(4)},
		"cn.levels-to-control":      {levels(2), levels(3)},
		"cn.not-buried":             {levels(3), levels(4)},
		"cn.no-hover":               {hovers(0), hovers(1)},
		"cn.control-visible":        visible,
		"cn.control-size":           {controlBox(30, 24), controlBox(30, 23.9)},
		"cn.control-not-dwarfed":    {sizeRatio(0.5), sizeRatio(0.49)},
		"cn.control-contrast":       {contrast(3), contrast(2.99)},
		"cn.interstitials":          oneScreen,
		"cn.no-gauntlet":            {interstitials(2), interstitials(3)},
		"cn.clicks-to-done":         {clicksToDone(4), clicksToDone(5)},
		"cn.confirm-visible":        confirmSeen,
		"cn.no-precheck":            precheck,
		"cn.renewal-notice":         {disclosure("自动续费 ¥15/月"), disclosure("自动续费 ¥15")},
		"cn.cancel-route-disclosed": {disclosure(cnFull), disclosure("到期按 ¥15/月 自动续费")},
		"cn.disclosure-near":        nearButton,
		// China, sector rules (apps, internet TV).
		"cn-sector.no-precheck":        precheck,
		"cn-sector.easy-unsubscribe":   exists,
		"cn-sector.unsubscribe-usable": usable,
		"cn.disclosure-size":           {disclosureFont(12), disclosureFont(11.9)},
		"cn.disclosure-contrast":       {disclosureContrast(4.5), disclosureContrast(4.49)},
		"cn.effect":                    effectOK,

		// Germany.
		"de.button-exists":     exists,
		"de.button-usable":     usable,
		"de.button-label":      {controlLabel("Vertrag kündigen"), controlLabel("Kündigungsabsicht abschicken")},
		"de.button-readable":   {contrast(4.5), contrast(4.49)},
		"de.order-terms":       orderTerms,
		"de.button-direct":     {clicksToControl(1), clicksToControl(2)},
		"de.no-login":          {reachable(true), reachable(false)},
		"de.confirmation-page": {present, noConfirm},
		"de.one-hop":           oneScreen,
		"de.confirm-label":     {confirmLabel("Jetzt kündigen"), confirmLabel("Kündigung absenden")},
		"de.confirm-at-once":   {all(clicksToControl(1), clicksToDone(2)), all(clicksToControl(1), clicksToDone(3))},
		"de.confirm-visible":   confirmSeen,
		"de.confirm-no-offers": noOffer,

		// California.
		"us-ca.control-exists":           exists,
		"us-ca.control-usable":           usable,
		"us-ca.no-harder-than-subscribe": noHarder,
		"us-ca.no-extra-steps":           oneScreen,
		"us-ca.offer-beside-cancel":      {all(offers(true), confirmVisible(true)), all(offers(true), confirmVisible(false))},
		"us-ca.terms-disclosed":          usTerms,
		"us-ca.trial-price": {disclosure(trial + "$15 per month; cancel anytime."),
			disclosure(trial + "billed monthly; cancel anytime.")},
		"us-ca.terms-readable":     {disclosureRelativeFont(1), disclosureRelativeFont(0.99)},
		"us-ca.terms-in-proximity": nearButton,
		"us-ca.no-precheck":        precheck,
		"us-ca.effect":             effectOK,

		// United States, federal.
		"us-ftc.simple-mechanism":         exists,
		"us-ftc.mechanism-usable":         usable,
		"us-ftc.no-harder-than-subscribe": noHarder,
		"us-ftc.terms-disclosed":          usTerms,
		"us-ftc.express-consent":          precheck,
		"us-ftc.effect":                   effectOK,
		"us-ftc-2024.as-easy-as-signup":   noHarder,
		"us-ftc-2024.same-medium":         exists,
		"us-ftc-2024.terms-disclosed":     usTerms,
		"us-ftc-2024.express-consent":     precheck,

		// New York, Massachusetts, Minnesota.
		"us-ny.terms-next-to-consent": {disclosure("Renews at $15 per month."), disclosure("Renews at $15.")},
		"us-ny.how-to-cancel":         {disclosure("Renews at $15 per month; cancel in Account."), disclosure("Renews at $15 per month.")},
		"us-ny.cancel-deadline": {disclosure("Renews at $15 per month; cancel before the renewal date."),
			disclosure("Renews at $15 per month; cancel anytime.")},
		"us-ma.control-exists":           exists,
		"us-ma.control-usable":           usable,
		"us-ma.simple":                   oneScreen,
		"us-ma.no-harder-than-subscribe": noHarder,
		"us-ma.trial-dates": {disclosure("Free trial until March 5, then $15 per month; cancel before March 5."),
			disclosure(trial + "$15 per month; cancel before the trial ends.")},
		"us-ma.effect":               effectOK,
		"us-mn.no-offer-on-confirm":  noOffer,
		"us-mn.no-retention-screens": oneScreen,

		// European Union.
		"eu.withdrawal-function":  exists,
		"eu.withdrawal-label":     {controlLabel("Cancel"), controlLabel("Manage plan")},
		"eu.withdrawal-prominent": visible,
		"eu.confirm-step":         {present, noConfirm},
		"eu.confirm-label":        {confirmLabel("Confirm withdrawal"), confirmLabel("Continue")},
		"eu.ucpd-no-barriers":     noHarder,
		"eu.dsa-no-harder":        noHarder,
		"eu.order-terms":          orderTerms,
		"eu.two-clicks":           {all(clicksToControl(2), clicksToDone(3)), all(clicksToControl(2), clicksToDone(4))},

		// United Kingdom.
		"uk.false-cancellation":   effectOK,
		"uk.key-information":      ukTerms,
		"uk.end-online":           exists,
		"uk.no-unnecessary-steps": oneScreen,

		// WCAG.
		"wcag.2.5.8": {all(controlBox(40, 24), targetSize("pass")), all(controlBox(40, 23.9), targetSize("fail"))},
		"wcag.2.5.5": {controlBox(44, 60), controlBox(43.9, 60)},
		"wcag.1.4.3": {all(contrast(4.5), fontPX(16)), all(contrast(4.49), fontPX(16))},
	}
}

func TestRulesEveryRuleAtItsBoundary(t *testing.T) {
	packs := bundled(t)
	cases := boundaries()
	seen := map[string]bool{}
	for _, p := range packs {
		for _, rule := range p.Rules {
			seen[rule.ID] = true
			if rule.Check == nil {
				continue // not_measured: nothing to cross
			}
			b, ok := cases[rule.ID]
			if !assert.True(t, ok, "rule %s has no boundary case", rule.ID) {
				continue
			}
			t.Run(rule.ID, func(t *testing.T) {
				v := verdictFor(t, []*Pack{p}, rule.ID, base())
				require.Contains(t, []Outcome{Pass, NotApplicable}, v.Outcome, "base result: %s", v.Message)

				v = verdictFor(t, []*Pack{p}, rule.ID, base(b.pass))
				assert.Equal(t, Pass, v.Outcome, "just passing: %s", v.Message)

				v = verdictFor(t, []*Pack{p}, rule.ID, base(b.fail))
				require.Equal(t, Fail, v.Outcome, "just failing: measured %s", v.Measured)
				// Every failure explains itself: value, threshold, citation, and where it was measured.
				assert.NotEmpty(t, v.Measured)
				assert.NotEmpty(t, v.Threshold)
				assert.NotEmpty(t, v.Citation)
				assert.Contains(t, v.Message, v.Citation)
				assert.Contains(t, v.Message, v.Measured)
				if v.Metric != "control_found" { // nothing to point at when the control never appeared
					assert.NotEmpty(t, v.StepPhase, "step of %s", v.Metric)
					assert.NotNil(t, v.StepIndex)
					assert.NotZero(t, v.StepLine)
					assert.NotEmpty(t, v.Screenshot)
				}
			})
		}
	}
	for id := range cases {
		assert.True(t, seen[id], "boundary case for a rule that does not exist: %s", id)
	}
}

func TestRulesSpacingExceptionPassesAnUndersizedTarget(t *testing.T) {
	packs := bundled(t)
	v := verdictFor(t, packs, "wcag.2.5.8", base(controlBox(12, 12), targetSize("pass_spacing")))
	assert.Equal(t, Pass, v.Outcome)
	v = verdictFor(t, packs, "wcag.2.5.8", base(controlBox(12, 12), targetSize("")))
	assert.Equal(t, CouldNotMeasure, v.Outcome, "small and no spacing verdict: cannot tell")
}

func TestRulesLargeTextContrast(t *testing.T) {
	packs := bundled(t)
	for _, c := range []struct {
		ratio, font float64
		want        Outcome
	}{
		{3, 24, Pass},
		{2.99, 24, Fail},
		{3, 23.9, Fail},
		{4.5, 12, Pass},
	} {
		v := verdictFor(t, packs, "wcag.1.4.3", base(contrast(c.ratio), fontPX(c.font)))
		assert.Equal(t, c.want, v.Outcome, "contrast %v at %v px", c.ratio, c.font)
	}
}

// A duty the engine cannot test is could_not_measure on every result, whatever it measured, and never moves a
// score or fails a build.
func TestRulesNotMeasuredNeverDecide(t *testing.T) {
	packs := bundled(t)
	n := 0
	for _, p := range packs {
		for _, rule := range p.Rules {
			if rule.Check != nil {
				continue
			}
			n++
			for name, r := range map[string]*metrics.Result{"ok": base(), "no_control": base(notFound),
				"blocked": base(blocked), "site_error": base(status(metrics.StatusSiteError, "down"))} {
				v := verdictFor(t, []*Pack{p}, rule.ID, r)
				assert.Equal(t, CouldNotMeasure, v.Outcome, "%s on %s", rule.ID, name)
				assert.Empty(t, v.Metric, rule.ID)
				if r.Status.CarriedOut() {
					assert.Equal(t, "not measured by cancelpath: "+rule.NotMeasured, v.Message, rule.ID)
				}
				assert.False(t, FailsAt([]Verdict{v}, Info), rule.ID)
			}
			_, scores := Evaluate([]*Pack{p}, base())
			assert.Equal(t, 100.0, scoreFor(t, scores, p.ID).Score, "%s lowers no score", rule.ID)
		}
	}
	assert.GreaterOrEqual(t, n, 5, "de Abs. 3 and 4, the fields, eu Art. 11a(4), cn charge notices, …")
}
