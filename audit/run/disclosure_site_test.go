package run

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

// TestDisclosureMeasured: the scenario names the subscribe button; the engine finds the renewal terms nearest
// to it by their words and measures where they are, how big, and what they state.
func TestDisclosureMeasured(t *testing.T) {
	srv := statusSite(t, unreachableURL(t))
	type want struct {
		found               bool
		text                string
		font, around        float64
		distance            float64
		sameBlock, together bool
		states              metrics.TermsStated
		relativeFont        float64
	}
	for _, tc := range []struct {
		name, page, button, done string
		disclosure               *scenario.Target
		want                     want
	}{
		{name: "terms right under the button, an agreement link above it is not the terms", page: "terms-near.html",
			button: "确认支付", done: "开通成功",
			want: want{found: true, text: "到期后按 ¥30/月 自动续费，可随时在“我的”中取消", font: 12, around: 16, relativeFont: 0.75,
				distance: 8, sameBlock: true, together: true,
				states: metrics.TermsStated{Price: true, Period: true, Cancel: true, Renewal: true}}},
		{name: "terms in the footer, 1200 px below the button", page: "terms-far.html", button: "确认支付", done: "开通成功",
			want: want{found: true, text: "会员到期后自动续费，30元/月。", font: 10, around: 10, relativeFont: 1,
				distance: 1200, sameBlock: false, together: false,
				states: metrics.TermsStated{Price: true, Period: true, Renewal: true}}},
		{name: "German terms: amount before the currency, kündbar", page: "terms-de.html",
			button: "zahlungspflichtig bestellen", done: "Ihr Abo ist aktiv",
			want: want{found: true, text: "9,99 € im Monat, jederzeit kündbar", font: 14, around: 16, relativeFont: 0.88,
				distance: 4, sameBlock: true, together: true,
				states: metrics.TermsStated{Price: true, Period: true, Cancel: true}}},
		{name: "no terms anywhere: an agreement's title states nothing", page: "terms-none.html", button: "确认支付",
			done: "开通成功", want: want{found: false}},
		{name: "terms named by the author are measured against the button", page: "terms-far.html", button: "确认支付",
			done: "开通成功", disclosure: css("footer p"),
			want: want{found: true, text: "会员到期后自动续费，30元/月。", font: 10, around: 10, relativeFont: 1,
				distance: 1200, states: metrics.TermsStated{Price: true, Period: true, Renewal: true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := hostileScenarioFor(srv.URL+"/", tc.page, []scenario.Step{control(css("button"))}, css("h1"))
			sc.Timeouts.Scenario = 30 * time.Second
			sc.Subscribe = &scenario.Subscribe{Steps: []scenario.Step{click(txt(tc.button)),
				{Action: scenario.WaitFor, Target: txt(tc.done)}}, Button: txt(tc.button), Disclosure: tc.disclosure}
			res := Run(context.Background(), testBrowser, sc, "desktop", Options{})
			sub := res.Subscribe
			require.NotNil(t, sub)
			require.Equal(t, metrics.StatusOK, sub.Status, sub.Reason)
			require.NotNil(t, sub.DisclosureFound, "the button was seen: the terms were looked for")
			w := tc.want
			assert.Equal(t, w.found, *sub.DisclosureFound)
			if !w.found {
				assert.Empty(t, sub.DisclosureText)
				assert.Nil(t, sub.DisclosureDistancePX)
				return
			}
			assert.Equal(t, w.text, sub.DisclosureText)
			assert.Equal(t, w.font, sub.DisclosureFontPX)
			assert.Equal(t, w.around, sub.DisclosureAroundFontPX)
			assert.Equal(t, w.relativeFont, sub.DisclosureRelativeFont)
			require.NotNil(t, sub.DisclosureDistancePX)
			assert.Equal(t, w.distance, *sub.DisclosureDistancePX)
			if tc.disclosure == nil {
				assert.Equal(t, w.sameBlock, *sub.DisclosureSameBlock, "same block")
				assert.Equal(t, w.together, *sub.DisclosureInViewWithButton, "in view with the button")
			}
			require.NotNil(t, sub.DisclosureStates)
			assert.Equal(t, w.states, *sub.DisclosureStates)
		})
	}
}
