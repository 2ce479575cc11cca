package run

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/browser"
	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

// One browser and one site for the whole package: launching is the slow part.
var (
	testBrowser *browser.Browser
	siteURL     string
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	bin, err := browser.Find("")
	if err != nil {
		fmt.Fprintln(os.Stderr, "engine tests drive a real Chromium:", err)
		return 2
	}
	srv := httptest.NewServer(http.FileServer(http.Dir("testdata/site")))
	defer srv.Close()
	siteURL = srv.URL + "/"
	testBrowser, err = browser.Launch(context.Background(), bin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	code := m.Run()
	if left := closeChecked(testBrowser); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "browser processes still running after Close: %v\n", left)
		if code == 0 {
			code = 1
		}
	}
	return code
}

func txt(s string) *scenario.Target { return &scenario.Target{Text: s} }

func click(t *scenario.Target) scenario.Step { return scenario.Step{Action: scenario.Click, Target: t} }

func control(t *scenario.Target) scenario.Step {
	return scenario.Step{Action: scenario.Click, Target: t, Control: true}
}

// newScenario starts on page (login: one goto) and walks cancel to done.
func newScenario(page string, cancel []scenario.Step, done *scenario.Target) *scenario.Scenario {
	return &scenario.Scenario{
		ID: "t", Site: "test", URL: siteURL, Jurisdictions: []string{"cn"}, Devices: []string{"desktop"},
		Timeouts: scenario.Timeouts{Step: 2 * time.Second, Scenario: 30 * time.Second},
		Login:    []scenario.Step{{Action: scenario.Goto, URL: page}},
		Cancel:   cancel, Done: scenario.Condition{Target: done},
	}
}

func ip(n int) *int { return &n }

type want struct {
	status                               metrics.Status
	clicksToControl, levels, hovers      *int
	clicksToDone, interstitials, dialogs *int
	box                                  *metrics.Box // width and height only
	levelKinds                           []string     // of the cancel steps that opened a level, in order
	pages                                *int
}

func TestCounting(t *testing.T) {
	tests := []struct {
		name   string
		device string
		sc     *scenario.Scenario
		want   want
	}{
		{
			name: "three-level help centre",
			sc: newScenario("index.html", []scenario.Step{
				click(txt("帮助中心")), click(txt("常见问题")), click(txt("退订指引")), control(txt("退订")),
			}, txt("已退订")),
			want: want{status: metrics.StatusOK, clicksToControl: ip(4), levels: ip(3), hovers: ip(0), clicksToDone: ip(4),
				interstitials: ip(0), box: &metrics.Box{Width: 120, Height: 44},
				levelKinds: []string{"navigation", "navigation", "navigation", "reveal"}},
		},
		{
			name: "hover-only menu",
			sc: newScenario("menu.html", []scenario.Step{
				{Action: scenario.Hover, Target: txt("账户设置")}, click(txt("会员管理")), control(txt("退订")),
			}, txt("已退订")),
			want: want{status: metrics.StatusOK, clicksToControl: ip(2), levels: ip(2), hovers: ip(1), clicksToDone: ip(2),
				interstitials: ip(0), levelKinds: []string{"reveal", "navigation", "reveal"}},
		},
		{
			name: "hash-routed single-page app",
			sc: newScenario("spa.html#/", []scenario.Step{
				click(txt("我的")), click(txt("会员设置")), control(txt("关闭自动续费")),
			}, txt("自动续费已关闭")),
			want: want{status: metrics.StatusOK, clicksToControl: ip(3), levels: ip(2), clicksToDone: ip(3), interstitials: ip(0),
				box: &metrics.Box{Width: 200, Height: 48}, levelKinds: []string{"route", "route", "reveal"}},
		},
		{
			name: "control inside a same-origin iframe",
			sc:   newScenario("iframe.html", []scenario.Step{control(txt("取消续费"))}, txt("已关闭")),
			want: want{status: metrics.StatusOK, clicksToControl: ip(1), levels: ip(0), clicksToDone: ip(1), interstitials: ip(0),
				box: &metrics.Box{Width: 100, Height: 30}},
		},
		{
			name: "control inside an open shadow root",
			sc:   newScenario("shadow.html", []scenario.Step{control(&scenario.Target{Role: "button", Name: "解约"})}, txt("已解约")),
			want: want{status: metrics.StatusOK, clicksToControl: ip(1), levels: ip(0), clicksToDone: ip(1), box: &metrics.Box{Width: 90, Height: 36}},
		},
		{
			name: "modal dialog is one interstitial",
			sc: newScenario("modal.html", []scenario.Step{control(txt("取消订阅")), click(txt("确认取消"))},
				txt("已取消")),
			want: want{status: metrics.StatusOK, clicksToControl: ip(1), levels: ip(0), clicksToDone: ip(2), interstitials: ip(1),
				box: &metrics.Box{Width: 150, Height: 40}, levelKinds: []string{"reveal", "reveal"}},
		},
		{
			name: "retention gauntlet",
			sc: newScenario("retention.html", []scenario.Step{
				control(txt("取消会员")), click(txt("仍要取消")), click(txt("是的")), click(txt("确认取消")),
			}, txt("已取消")),
			want: want{status: metrics.StatusOK, clicksToControl: ip(1), clicksToDone: ip(4), interstitials: ip(3)},
		},
		{
			name:   "10×10 control on a phone",
			device: "mobile",
			sc:     newScenario("size.html", []scenario.Step{control(txt("退订"))}, txt("已退订")),
			want:   want{status: metrics.StatusOK, clicksToControl: ip(1), clicksToDone: ip(1), box: &metrics.Box{Width: 10, Height: 10}},
		},
		{
			name: "120×44 control on a desktop",
			sc:   newScenario("size.html", []scenario.Step{control(txt("退订"))}, txt("已退订")),
			want: want{status: metrics.StatusOK, clicksToControl: ip(1), clicksToDone: ip(1), box: &metrics.Box{Width: 120, Height: 44}},
		},
		{
			name: "JS confirm on the way",
			sc:   newScenario("confirm.html", []scenario.Step{control(txt("关闭自动续费"))}, txt("已关闭")),
			want: want{status: metrics.StatusOK, clicksToControl: ip(1), clicksToDone: ip(1), dialogs: ip(1)},
		},
		{
			name: "popup tab is followed",
			sc:   newScenario("popup.html", []scenario.Step{click(txt("管理订阅")), control(txt("退订"))}, txt("已退订")),
			want: want{status: metrics.StatusOK, clicksToControl: ip(2), levels: ip(1), clicksToDone: ip(2),
				levelKinds: []string{"navigation", "reveal"}},
		},
		{
			name: "landing page already shows a twin of the next link",
			sc: newScenario("twin-home.html", []scenario.Step{
				click(txt("账户")), click(txt("管理订阅")), control(txt("退订")),
			}, txt("已退订")),
			want: want{status: metrics.StatusOK, clicksToControl: ip(3), levels: ip(2), clicksToDone: ip(3), interstitials: ip(0),
				levelKinds: []string{"navigation", "navigation", "reveal"}},
		},
		{
			name: "two retention pages in a row with the same button text",
			sc: newScenario("ret-1.html", []scenario.Step{
				control(txt("取消订阅")), click(txt("继续取消")), click(txt("继续取消")), click(txt("确认取消")),
			}, txt("已取消")),
			want: want{status: metrics.StatusOK, clicksToControl: ip(1), levels: ip(0), clicksToDone: ip(4), interstitials: ip(3),
				levelKinds: []string{"navigation", "navigation", "navigation", "reveal"}, pages: ip(4)},
		},
		{
			name: "single-page app: retention screens at one URL with the same button text",
			sc: newScenario("spa-ret.html", []scenario.Step{
				control(txt("取消订阅")), click(txt("继续取消")), click(txt("继续取消")), click(txt("确认取消")),
			}, txt("已取消")),
			want: want{status: metrics.StatusOK, clicksToControl: ip(1), levels: ip(0), clicksToDone: ip(4), interstitials: ip(3),
				levelKinds: []string{"screen", "screen", "screen", "reveal"}, pages: ip(4)},
		},
		{
			name: "overlay that swallows the click",
			sc:   newScenario("overlay.html", []scenario.Step{control(txt("退订"))}, txt("已退订")),
			want: want{status: metrics.StatusBlocked},
		},
		{
			name: "control that never appears",
			sc:   newScenario("index.html", []scenario.Step{control(txt("取消自动续费"))}, txt("已关闭")),
			want: want{status: metrics.StatusNoControl},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			device := tc.device
			if device == "" {
				device = "desktop"
			}
			res := Run(context.Background(), testBrowser, tc.sc, device, Options{})
			require.Equal(t, tc.want.status, res.Status, "reason: %s", res.Reason)
			m := res.Metrics
			assertCount(t, "clicks_to_control", tc.want.clicksToControl, m.ClicksToControl)
			assertCount(t, "levels_to_control", tc.want.levels, m.LevelsToControl)
			assertCount(t, "hovers_to_control", tc.want.hovers, m.HoversToControl)
			assertCount(t, "clicks_to_done", tc.want.clicksToDone, m.ClicksToDone)
			assertCount(t, "interstitials", tc.want.interstitials, m.Interstitials)
			assertCount(t, "pages_to_done", tc.want.pages, m.PagesToDone)
			if tc.want.dialogs != nil {
				assert.Equal(t, *tc.want.dialogs, m.Dialogs, "dialogs")
			}
			if tc.want.box != nil {
				require.NotNil(t, res.Control)
				assert.InDelta(t, tc.want.box.Width, res.Control.Box.Width, 0.01, "control width")
				assert.InDelta(t, tc.want.box.Height, res.Control.Box.Height, 0.01, "control height")
			}
			if tc.want.levelKinds != nil {
				var kinds []string
				for _, s := range res.Steps {
					if s.Phase == phaseCancel && s.Level {
						kinds = append(kinds, s.LevelKind)
					}
				}
				assert.Equal(t, tc.want.levelKinds, kinds)
			}
			assert.Equal(t, 1, m.LoginActions)
		})
	}
}

func assertCount(t *testing.T, name string, want, got *int) {
	t.Helper()
	if want == nil {
		return
	}
	if assert.NotNil(t, got, name) {
		assert.Equal(t, *want, *got, name)
	}
}

func TestFailureReasons(t *testing.T) {
	res := Run(context.Background(), testBrowser,
		newScenario("overlay.html", []scenario.Step{control(txt("退订"))}, txt("已退订")), "desktop", Options{})
	assert.Contains(t, res.Reason, "covered by div#ad")
	require.NotNil(t, res.FailedStep)
	assert.Equal(t, "cancel", res.FailedStep.Phase)
	assert.Nil(t, res.Metrics.ClicksToControl, "a control that was not clicked has no click count")

	res = Run(context.Background(), testBrowser,
		newScenario("index.html", []scenario.Step{control(txt("取消自动续费"))}, txt("已关闭")), "desktop", Options{})
	assert.Contains(t, res.Reason, `text="取消自动续费"`)
	assert.Contains(t, res.Reason, "个人中心", "the reason says what the page showed")
}

func TestControlMeasurements(t *testing.T) {
	res := Run(context.Background(), testBrowser,
		newScenario("modal.html", []scenario.Step{control(txt("取消订阅")), click(txt("确认取消"))}, txt("已取消")),
		"desktop", Options{})
	require.Equal(t, metrics.StatusOK, res.Status, res.Reason)
	c := res.Control
	require.NotNil(t, c)
	assert.Equal(t, "取消订阅", c.Label)
	assert.Equal(t, "button", c.Role)
	assert.True(t, c.InViewportOnArrival)
	assert.Equal(t, "pass", c.TargetSize)
	require.NotNil(t, c.LargestOtherButton)
	assert.Equal(t, "继续享受会员", c.LargestOtherButton.Label)
	assert.InDelta(t, 150.0*40/(300*60), c.SizeRatio, 0.001)
	assert.Greater(t, c.ContrastRatio, 10.0) // #000-ish on #eee
	require.NotNil(t, res.Confirm)
	assert.Equal(t, "确认取消", res.Confirm.Label)
	assert.False(t, res.Confirm.Offers)

	res = Run(context.Background(), testBrowser,
		newScenario("size.html", []scenario.Step{control(txt("退订"))}, txt("已退订")), "mobile", Options{})
	require.Equal(t, metrics.StatusOK, res.Status, res.Reason)
	assert.Equal(t, "pass_spacing", res.Control.TargetSize, "a lone 10×10 control passes by the spacing exception")
	assert.Equal(t, "coarse", res.Device.Pointer)
	assert.Equal(t, "none", res.Device.Hover)
}

func TestRetentionOffersOnConfirmScreen(t *testing.T) {
	res := Run(context.Background(), testBrowser, newScenario("retention.html", []scenario.Step{
		control(txt("取消会员")), click(txt("仍要取消")), click(txt("是的")), click(txt("确认取消")),
	}, txt("已取消")), "desktop", Options{})
	require.Equal(t, metrics.StatusOK, res.Status, res.Reason)
	require.NotNil(t, res.Confirm)
	assert.True(t, res.Confirm.Offers)
	assert.Contains(t, res.Confirm.OfferText, "8 折")
}

func TestSubscribeSide(t *testing.T) {
	sc := newScenario("guide.html", []scenario.Step{control(txt("退订"))}, txt("已退订"))
	sc.Subscribe = &scenario.Subscribe{
		Steps:      []scenario.Step{{Action: scenario.Goto, URL: "subscribe.html"}, click(txt("立即开通"))},
		Autorenew:  &scenario.Target{CSS: "#ar"},
		Disclosure: &scenario.Target{CSS: ".terms"},
	}
	res := Run(context.Background(), testBrowser, sc, "desktop", Options{})
	require.Equal(t, metrics.StatusOK, res.Status, res.Reason)
	sub := res.Subscribe
	require.NotNil(t, sub)
	require.Equal(t, metrics.StatusOK, sub.Status, sub.Reason)
	assertCount(t, "clicks_to_subscribe", ip(1), sub.ClicksToSubscribe)
	require.NotNil(t, sub.AutorenewPrechecked)
	assert.True(t, *sub.AutorenewPrechecked)
	assert.Contains(t, sub.DisclosureText, "¥30/月")
	assert.Equal(t, 10.0, sub.DisclosureFontPX)
}

func TestEvidenceAndSecrets(t *testing.T) {
	out := t.TempDir()
	sc := newScenario("help.html", []scenario.Step{click(txt("常见问题")), click(txt("退订指引")), control(txt("退订"))}, txt("已退订"))
	sc.ID = "evidence"
	sc.Secrets = []string{"常见问题"} // any page text that equals a secret must not reach a report
	res := Run(context.Background(), testBrowser, sc, "desktop", Options{OutDir: out})
	require.Equal(t, metrics.StatusOK, res.Status, res.Reason)
	require.NotNil(t, res.Control)
	assert.FileExists(t, filepath.Join(out, filepath.FromSlash(res.Control.Screenshot)))
	assert.FileExists(t, filepath.Join(out, "evidence", "evidence@desktop", "control.mhtml"))
	for _, s := range res.Steps {
		assert.NotContains(t, s.Target, "常见问题")
		if s.Phase == phaseCancel {
			assert.NotEmpty(t, s.Screenshot, "every cancel step has a screenshot")
		}
	}
}

func TestSavedSession(t *testing.T) {
	host := strings.TrimPrefix(strings.TrimSuffix(siteURL, "/"), "http://")
	state := fmt.Sprintf(`{"cookies":[{"name":"sid","value":"abc","domain":"%s","path":"/","expires":-1,"httpOnly":false,"secure":false,"sameSite":"Lax"}],
		"origins":[{"origin":"%s","localStorage":[{"name":"token","value":"t1"}]}]}`,
		strings.Split(host, ":")[0], strings.TrimSuffix(siteURL, "/"))
	path := filepath.Join(t.TempDir(), "state.json")
	require.NoError(t, os.WriteFile(path, []byte(state), 0o600))
	sc := newScenario("", []scenario.Step{{Action: scenario.WaitFor, Target: txt("已登录")}, control(txt("退订"))}, txt("已退订"))
	sc.Login, sc.Session, sc.Start = nil, path, "session.html"
	res := Run(context.Background(), testBrowser, sc, "desktop", Options{})
	require.Equal(t, metrics.StatusOK, res.Status, res.Reason)
	assert.Equal(t, 0, res.Metrics.LoginActions)
}

func TestDriverStepByStep(t *testing.T) {
	sc := newScenario("help.html", nil, txt("已退订"))
	d, err := Open(context.Background(), testBrowser, sc, "desktop", true, Options{})
	require.NoError(t, err)
	defer d.Close()
	ctx := context.Background()
	require.NoError(t, d.Do(ctx, click(txt("常见问题")), &scenario.Condition{Target: txt("退订指引")}))
	require.NoError(t, d.Do(ctx, click(txt("退订指引")), &scenario.Condition{Target: txt("退订")}))
	ok, err := d.Settle(ctx, &scenario.Condition{Target: txt("退订")})
	require.NoError(t, err)
	require.True(t, ok)
	var levels, clicks int
	for _, s := range d.Steps() {
		if s.Phase == phaseCancel {
			clicks += s.Clicks
			if s.Level {
				levels++
			}
		}
	}
	assert.Equal(t, 2, clicks)
	assert.Equal(t, 2, levels)
	assert.Equal(t, 1, d.Steps()[len(d.Steps())-1].Index)
}

func TestFillReplacesTextAndCounts(t *testing.T) {
	sc := newScenario("login.html", []scenario.Step{
		{Action: scenario.Fill, Target: &scenario.Target{CSS: "#u"}, Value: "张三"},
		{Action: scenario.Fill, Target: &scenario.Target{Role: "textbox", Name: "密码"}, Value: "pw", Secret: true},
		control(txt("登录")),
	}, txt("欢迎 2")) // the page shows the typed username's length: "old" was replaced, not appended to
	res := Run(context.Background(), testBrowser, sc, "desktop", Options{})
	require.Equal(t, metrics.StatusOK, res.Status, res.Reason)
	assert.Equal(t, 2, res.Metrics.FieldsFilled)
	assertCount(t, "clicks_to_control", ip(1), res.Metrics.ClicksToControl)
}

func TestRegexLocatorsWithCaseFlag(t *testing.T) {
	for _, target := range []*scenario.Target{
		{TextRegex: "(?i)^cancel subscription$"},
		{Role: "button", NameRegex: "(?i)cancel"},
	} {
		res := Run(context.Background(), testBrowser,
			newScenario("en.html", []scenario.Step{control(target)}, &scenario.Target{TextRegex: "^Cancell?ed$"}), "desktop", Options{})
		assert.Equal(t, metrics.StatusOK, res.Status, "%s: %s", target, res.Reason)
	}
}

func TestNoLoginOpensTheSiteURL(t *testing.T) {
	sc := newScenario("", []scenario.Step{control(txt("退订"))}, txt("已退订"))
	sc.Login, sc.URL = nil, siteURL+"guide.html"
	res := Run(context.Background(), testBrowser, sc, "desktop", Options{})
	require.Equal(t, metrics.StatusOK, res.Status, res.Reason)
	assert.Equal(t, 0, res.Metrics.LoginActions)
	assert.Equal(t, siteURL+"guide.html", res.LandingURL)
}
