package run

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

// An honest status for every failure: each page here has a control, or fails for a reason other than
// the control's absence, and the run must say which (no_control only when the page really has none).

// statusSite serves testdata/status plus the cases a static file cannot play.
func statusSite(t *testing.T, unreachable string) *httptest.Server {
	t.Helper()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, hostileHead+`<title>框架</title></head><body>`+doneButton+`</body></html>`)
	}))
	t.Cleanup(other.Close)
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServer(http.Dir("testdata/status")))
	mux.HandleFunc("/slow.png", func(w http.ResponseWriter, r *http.Request) {
		select { // the page's load event waits for this image
		case <-time.After(500 * time.Millisecond):
		case <-r.Context().Done():
		}
		w.Header().Set("Content-Type", "image/png")
	})
	mux.HandleFunc("/frame.html", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, hostileHead+`<title>会员</title></head><body><p>会员管理</p>`+
			`<iframe src="`+other.URL+`/" style="width:400px;height:200px;border:0"></iframe></body></html>`)
	})
	mux.HandleFunc("/dead-link.html", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, hostileHead+`<title>个人中心</title></head><body><p>个人中心</p><a href="`+unreachable+`">会员管理</a></body></html>`)
	})
	mux.HandleFunc("/invoice.csv", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		w.Header().Set("Content-Disposition", `attachment; filename="invoice.csv"`)
		fmt.Fprint(w, "月份,金额\n2026-11,30\n")
	})
	mux.HandleFunc("/download.html", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, hostileHead+`<title>会员</title></head><body><a href="invoice.csv">管理订阅</a></body></html>`)
	})
	mux.HandleFunc("/self-redirect.html", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, hostileHead+`<title>跳转</title></head><body><p>正在跳转</p>`+
			`<script>setTimeout(() => location.replace('self-redirect.html?n=' + Math.random()), 50);</script></body></html>`)
	})
	mux.HandleFunc("/reset-early.html", func(w http.ResponseWriter, _ *http.Request) {
		hj, ok := w.(http.Hijacker)
		if !ok {
			return
		}
		conn, _, err := hj.Hijack()
		if err != nil {
			return
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // close with RST before a byte of the answer
		}
		_ = conn.Close()
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestHonestStatus(t *testing.T) {
	srv := statusSite(t, unreachableURL(t))
	simple := []scenario.Step{control(txt("退订"))}
	cases := []struct {
		name   string
		page   string
		cancel []scenario.Step
		status metrics.Status
		reason string
		check  func(t *testing.T, res *metrics.Result)
	}{
		{name: "control further down a page that loads more as it scrolls", page: "scroll.html", cancel: simple,
			status: metrics.StatusOK, check: func(t *testing.T, res *metrics.Result) {
				assert.Contains(t, strings.Join(res.Notes, "\n"), "appeared only after scrolling down", "the result says the engine scrolled")
			}},
		{name: "control inside a frame of another origin", page: "frame.html", cancel: simple,
			status: metrics.StatusOutOfReach, reason: "frames the tool cannot look into"},
		{name: "a link to a site that does not answer", page: "dead-link.html",
			cancel: []scenario.Step{click(txt("会员管理")), control(txt("退订"))},
			status: metrics.StatusSiteError, reason: "ERR_CONNECTION_REFUSED"},
		{name: "a link that answers with a download", page: "download.html",
			cancel: []scenario.Step{click(txt("管理订阅")), control(txt("退订"))},
			status: metrics.StatusOutOfReach, reason: `answered with a download ("invoice.csv")`},
		{name: "a page that answers with a download", page: "invoice.csv", cancel: simple,
			status: metrics.StatusOutOfReach, reason: "answered with a download"},
		{name: "a script that redirects forever", page: "self-redirect.html", cancel: simple,
			status: metrics.StatusSiteError, reason: "the page never settled"},
		{name: "a connection reset before the page arrives", page: "reset-early.html", cancel: simple,
			status: metrics.StatusSiteError, reason: "ERR_CONNECTION_RESET"},
		{name: "a page without the control", page: "broken-link.html", cancel: simple,
			status: metrics.StatusNoControl, reason: `text="退订": not visible`},
		{name: "a login that does not go through", page: "broken-link.html", cancel: simple,
			status: metrics.StatusOutOfReach, reason: "the login did not go through"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc := hostileScenarioFor(srv.URL+"/", tc.page, tc.cancel, txt("已退订"))
			if tc.name == "a login that does not go through" {
				sc.Login = append(sc.Login, scenario.Step{Action: scenario.WaitFor, Target: txt("欢迎回来")})
			}
			res := Run(context.Background(), testBrowser, sc, "desktop", Options{})
			t.Logf("%s: %s", res.Status, res.Reason)
			assert.Equal(t, tc.status, res.Status, "reason: %s", res.Reason)
			assert.Contains(t, res.Reason, tc.reason)
			if tc.check != nil {
				tc.check(t, res)
			}
		})
	}
}

// TestSubscribeReadsTheBoxAsLoaded: the auto-renew box is read once its page has loaded and before any
// step touches it, whatever the timing of the navigation that brings it.
func TestSubscribeReadsTheBoxAsLoaded(t *testing.T) {
	srv := statusSite(t, unreachableURL(t))
	for _, tc := range []struct {
		name, start string
		steps       []scenario.Step
		want        bool
	}{
		{"unticked box on a page that arrives late, then ticked by the user", "subscribe-nav.html",
			[]scenario.Step{click(txt("立即开通")), {Action: scenario.Check, Target: css("#ar")}, click(txt("确认支付"))}, false},
		{"box a script ticks when the page has loaded", "subscribe-ticked.html",
			[]scenario.Step{{Action: scenario.Check, Target: css("#ar")}, click(txt("确认支付"))}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for i := 0; i < 3; i++ { // a race shows itself in one reading of a few
				// The cancel side only has to pass: its first button, whatever it does, and the heading.
				sc := hostileScenarioFor(srv.URL+"/", tc.start, []scenario.Step{control(css("button"))}, css("h1"))
				sc.Timeouts.Scenario = 30 * time.Second
				sc.Subscribe = &scenario.Subscribe{Steps: append(append([]scenario.Step(nil), tc.steps...),
					scenario.Step{Action: scenario.WaitFor, Target: txt("开通成功")}), Autorenew: css("#ar")}
				res := Run(context.Background(), testBrowser, sc, "desktop", Options{})
				sub := res.Subscribe
				require.NotNil(t, sub)
				require.Equal(t, metrics.StatusOK, sub.Status, sub.Reason)
				require.NotNil(t, sub.AutorenewPrechecked)
				assert.Equal(t, tc.want, *sub.AutorenewPrechecked, "reading %d", i+1)
			}
		})
	}
}

// TestScenarioForms: a declared dead end, steps for another device, and steps that prepare the account.
func TestScenarioForms(t *testing.T) {
	srv := statusSite(t, unreachableURL(t))
	t.Run("a site without a cancel control, walked to its dead end", func(t *testing.T) {
		sc := hostileScenarioFor(srv.URL+"/", "member.html", []scenario.Step{click(txt("联系客服"))}, nil)
		sc.Done = scenario.Condition{}
		sc.DeadEnd = &scenario.Condition{Target: css(".notice")}
		res := Run(context.Background(), testBrowser, sc, "desktop", Options{})
		assert.Equal(t, metrics.StatusNoControl, res.Status, res.Reason)
		require.NotNil(t, res.DeadEnd)
		assert.Equal(t, "如需退订自动续费，请联系在线客服，工作时间 9:00–18:00", res.DeadEnd.Text)
		assert.Equal(t, 1, res.DeadEnd.Clicks)
		assert.Contains(t, res.Reason, "the site offers no cancel control: after 1 click the path ends at a screen that says")
		assert.Nil(t, res.Metrics.ClicksToControl, "no control: no count to it")
	})
	t.Run("a step for another device costs nothing and counts nowhere", func(t *testing.T) {
		sc := hostileScenarioFor(srv.URL+"/", "banner.html", []scenario.Step{
			{Action: scenario.Click, Target: txt("只在手机上"), Devices: []string{"mobile"}}, control(txt("退订"))}, txt("已退订"))
		sc.BeforeCancel = []scenario.Step{click(txt("我知道了"))}
		res := Run(context.Background(), testBrowser, sc, "desktop", Options{})
		require.Equal(t, metrics.StatusOK, res.Status, res.Reason)
		assertCount(t, "clicks_to_control", ip(1), res.Metrics.ClicksToControl)
		assertCount(t, "levels_to_control", ip(0), res.Metrics.LevelsToControl)
		var phases []string
		for _, st := range res.Steps {
			phases = append(phases, st.Phase+"/"+st.Action)
		}
		assert.Equal(t, []string{"login/goto", "before_cancel/click", "cancel/click", "done/done"}, phases)
	})
	t.Run("steps that prepare the account and fail", func(t *testing.T) {
		sc := hostileScenarioFor(srv.URL+"/", "banner.html", []scenario.Step{control(txt("退订"))}, txt("已退订"))
		sc.BeforeCancel = []scenario.Step{click(txt("重置测试账户"))}
		res := Run(context.Background(), testBrowser, sc, "desktop", Options{})
		assert.Equal(t, metrics.StatusOutOfReach, res.Status)
		assert.Contains(t, res.Reason, "the steps that prepare the account did not go through")
	})
}

// TestSelectCountsWhatAPersonDoes: with a mouse, choosing an option is one click; on a phone a person taps the
// select, the system picker takes over the screen (a level), then taps the option.
func TestSelectCountsWhatAPersonDoes(t *testing.T) {
	srv := statusSite(t, unreachableURL(t))
	for _, tc := range []struct {
		device         string
		clicks, levels int
	}{
		{"desktop", 2, 1},
		{"mobile", 3, 2},
	} {
		t.Run(tc.device, func(t *testing.T) {
			sc := hostileScenarioFor(srv.URL+"/", "select.html", []scenario.Step{
				{Action: scenario.Select, Target: css("#tools"), Value: "关闭自动续费"}, control(txt("确认关闭"))}, txt("已关闭"))
			sc.Devices = []string{tc.device}
			res := Run(context.Background(), testBrowser, sc, tc.device, Options{})
			require.Equal(t, metrics.StatusOK, res.Status, res.Reason)
			assertCount(t, "clicks_to_control", ip(tc.clicks), res.Metrics.ClicksToControl)
			assertCount(t, "levels_to_control", ip(tc.levels), res.Metrics.LevelsToControl)
			var sel metrics.Step
			for _, st := range res.Steps {
				if st.Action == string(scenario.Select) {
					sel = st
				}
			}
			assert.Equal(t, tc.device == "mobile", sel.Picker, "picker")
			assert.True(t, sel.Level, "choosing the option revealed the confirm button")
		})
	}
}
