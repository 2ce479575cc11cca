package run

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

// loginSite is a shop whose login sets an HttpOnly session cookie (counted), whose member pages need it,
// and whose cancel button, with ?end=1, ends every session (as some sites log the user out on cancelling).
type loginSite struct {
	logins atomic.Int32
	mu     sync.Mutex
	valid  map[string]bool
}

func (l *loginSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	loggedIn := func() bool {
		c, err := r.Cookie("sid")
		l.mu.Lock()
		defer l.mu.Unlock()
		return err == nil && l.valid[c.Value]
	}
	switch r.URL.Path {
	case "/login":
		fmt.Fprint(w, `<!doctype html><meta charset="utf-8"><form method="post" action="/session">
			<input id="user" name="user"><button>登录</button></form>`)
	case "/session":
		sid := fmt.Sprintf("s%d", l.logins.Add(1))
		l.mu.Lock()
		if l.valid == nil {
			l.valid = map[string]bool{}
		}
		l.valid[sid] = true
		l.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: sid, Path: "/", HttpOnly: true})
		http.Redirect(w, r, "/home", http.StatusSeeOther)
	case "/home":
		if !loggedIn() {
			fmt.Fprint(w, `<!doctype html><meta charset="utf-8"><p>请先登录</p>`)
			return
		}
		fmt.Fprint(w, `<!doctype html><meta charset="utf-8"><h1>会员中心</h1><a href="/cancel">退订</a> <a href="/subscribe">开通会员</a>`)
	case "/cancel":
		if r.URL.Query().Get("end") == "1" {
			l.mu.Lock()
			clear(l.valid)
			l.mu.Unlock()
		}
		fmt.Fprint(w, `<!doctype html><meta charset="utf-8"><p>已退订</p>`)
	case "/subscribe":
		if !loggedIn() {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		fmt.Fprint(w, `<!doctype html><meta charset="utf-8"><label><input id="ar" type="checkbox" checked>自动续费</label>
			<button onclick="this.insertAdjacentHTML('afterend', '<p>开通成功</p>')">立即开通</button>`)
	default:
		http.NotFound(w, r)
	}
}

// The subscribe side starts from the cancel path's login (one login per run), logs in again when the
// scenario asks, and, when the saved login no longer holds (the site ended the session on cancelling), is
// measured after a fresh login, with a note: the same figures whichever way it started.
func TestSubscribeReusesTheLogin(t *testing.T) {
	for _, tc := range []struct {
		name        string
		endOnCancel bool
		fresh       bool
		wantLogins  int32
		wantNote    bool
	}{
		{name: "reused", wantLogins: 1},
		{name: "fresh login asked", fresh: true, wantLogins: 2},
		{name: "session ended by the cancellation", endOnCancel: true, wantLogins: 2, wantNote: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := &loginSite{}
			srv := httptest.NewServer(site)
			defer srv.Close()
			cancelURL := "/cancel"
			if tc.endOnCancel {
				cancelURL += "?end=1"
			}
			sc := &scenario.Scenario{
				ID: "login", Site: "login", URL: srv.URL + "/", Jurisdictions: []string{"cn"}, Devices: []string{"desktop"},
				Timeouts: scenario.Timeouts{Step: 5 * time.Second, Scenario: 60 * time.Second},
				Login: []scenario.Step{{Action: scenario.Goto, URL: "/login"}, {Action: scenario.Fill, Target: css("#user"), Value: "alice"},
					click(txt("登录")), {Action: scenario.WaitFor, Target: txt("会员中心")}},
				Cancel: []scenario.Step{{Action: scenario.Goto, URL: cancelURL}},
				Done:   scenario.Condition{Target: txt("已退订")},
				Subscribe: &scenario.Subscribe{FreshLogin: tc.fresh, Autorenew: css("#ar"), Button: txt("立即开通"),
					Steps: []scenario.Step{click(txt("开通会员")), click(txt("立即开通")), {Action: scenario.WaitFor, Target: txt("开通成功")}}},
			}
			res := Run(context.Background(), testBrowser, sc, "desktop", Options{})
			require.Equal(t, metrics.StatusOK, res.Status, res.Reason)
			sub := res.Subscribe
			require.NotNil(t, sub)
			require.Equal(t, metrics.StatusOK, sub.Status, sub.Reason)
			require.NotNil(t, sub.ClicksToSubscribe)
			assert.Equal(t, 2, *sub.ClicksToSubscribe)
			require.NotNil(t, sub.AutorenewPrechecked)
			assert.True(t, *sub.AutorenewPrechecked)
			assert.Equal(t, tc.wantLogins, site.logins.Load(), "logins")
			var noted bool
			for _, n := range res.Notes {
				noted = noted || strings.Contains(n, "measured again after a fresh login")
			}
			assert.Equal(t, tc.wantNote, noted, "notes: %q", res.Notes)
			subSteps := 0
			for _, st := range res.Steps {
				if st.Phase == phaseSubscribe {
					subSteps++
				}
			}
			assert.Equal(t, 3, subSteps, "a failed first attempt leaves no steps behind")
		})
	}
}
