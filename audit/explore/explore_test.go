package explore

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/browser"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

// One browser and one pair of servers for the whole package: launching is the slow part.
var (
	testBrowser *browser.Browser
	siteURL     string // testdata/sites, and /trap/ counting harmful requests
	otherURL    string // testdata/other: another origin
	harm        = &hits{}
	otherHits   = &hits{}
)

// hits counts requests that must never be made.
type hits struct {
	mu    sync.Mutex
	paths []string
}

func (h *hits) add(p string) {
	h.mu.Lock()
	h.paths = append(h.paths, p)
	h.mu.Unlock()
}

func (h *hits) reset() {
	h.mu.Lock()
	h.paths = nil
	h.mu.Unlock()
}

func (h *hits) list() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.paths...)
}

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherHits.add(r.URL.Path)
		serveSite("testdata/other", "").ServeHTTP(w, r)
	}))
	defer other.Close()
	otherURL = other.URL
	mux := http.NewServeMux()
	mux.HandleFunc("/trap/", func(w http.ResponseWriter, r *http.Request) {
		harm.add(r.URL.RequestURI())
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("/api/slow", slowAPI)
	mux.HandleFunc("/tools/go.html", toolsGo)
	mux.Handle("/", serveSite("testdata/sites", otherURL))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	siteURL = srv.URL + "/"

	bin, err := browser.Find("")
	if err != nil {
		fmt.Fprintln(os.Stderr, "explore tests drive a real Chromium:", err)
		return 2
	}
	testBrowser, err = browser.Launch(context.Background(), bin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer func() { _ = testBrowser.Close() }()
	return m.Run()
}

// serveSite serves dir's files; in HTML, {{OTHER}} becomes other (the second origin's URL).
func serveSite(dir, other string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, ".html") {
			files.ServeHTTP(w, r)
			return
		}
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(path.Clean("/"+r.URL.Path))))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(bytes.ReplaceAll(b, []byte("{{OTHER}}"), []byte(other)))
	})
}

// slowAPI answers after ?ms= milliseconds (at most 5 s), as a real API does: the single-page app of
// testdata/sites/spa renders each screen from it.
func slowAPI(w http.ResponseWriter, r *http.Request) {
	ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
	select {
	case <-time.After(time.Duration(min(max(ms, 0), 5000)) * time.Millisecond):
	case <-r.Context().Done():
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"plan":"Pro, billed monthly"}`))
}

// toolsGo is where testdata/sites/tools' Tools form goes (GET, do=): the page the option names.
func toolsGo(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Query().Get("do") {
	case "recent":
		http.Redirect(w, r, "recent.html", http.StatusFound)
	case "subscribe":
		http.Redirect(w, r, "subs.html", http.StatusFound)
	case "logout":
		http.Redirect(w, r, "/trap/logout", http.StatusFound)
	default:
		http.Redirect(w, r, "index.html", http.StatusFound)
	}
}

// siteScenario is a scenario without login that starts on testdata/sites/<site>/index.html.
func siteScenario(site string) *scenario.Scenario {
	return &scenario.Scenario{
		ID: site, Site: site, URL: siteURL + site + "/index.html", Jurisdictions: []string{"cn"},
		Devices:  []string{"desktop"},
		Timeouts: scenario.Timeouts{Step: 2 * time.Second, Scenario: 30 * time.Second},
	}
}

type want struct {
	status    Status
	clicks    int
	hovers    int
	levels    int
	control   string
	steps     []string // labels of the path's steps
	inFrame   bool
	inShadow  bool
	exhausted string
	// candidates are the labels of the other controls found; the search stops at the first screen with
	// one unless Options.Complete
	candidates []string
	actions    []string // the path's actions, when not all clicks
	signposts  []string // labels of the cancel-named controls found to be only a way to the control
	evidence   string   // Control.Evidence
}

func TestExplore(t *testing.T) {
	tests := []struct {
		name  string
		site  string
		allow []string
		opt   Options
		want  want
	}{
		{name: "shortest of two paths", site: "maze",
			want: want{status: StatusFound, clicks: 2, levels: 1, control: "取消订阅", steps: []string{"我的"}}},
		{name: "shortest of two paths, complete level", site: "maze", opt: Options{Complete: true},
			want: want{status: StatusFound, clicks: 2, levels: 1, control: "取消订阅", steps: []string{"我的"}, candidates: []string{"退订"}}},
		{name: "hover menu", site: "hover",
			want: want{status: StatusFound, clicks: 2, hovers: 1, levels: 2, control: "退订", steps: []string{"账户设置", "会员管理"}}},
		{name: "control in an iframe", site: "frame",
			want: want{status: StatusFound, clicks: 2, levels: 1, control: "取消自动续费", steps: []string{"我的"}, inFrame: true}},
		{name: "link and control in shadow roots", site: "shadow",
			want: want{status: StatusFound, clicks: 2, levels: 1, control: "解约", steps: []string{"会员中心"}, inShadow: true}},
		{name: "link to a new tab", site: "popup",
			want: want{status: StatusFound, clicks: 2, levels: 1, control: "退订", steps: []string{"账户"}}},
		{name: "button that opens a window", site: "winopen",
			want: want{status: StatusFound, clicks: 2, levels: 1, control: "退订", steps: []string{"账户"}}},
		{name: "no cancel control", site: "none", want: want{status: StatusNotFound}},
		{name: "no cancel control, action budget", site: "none", opt: Options{MaxActions: 2},
			want: want{status: StatusNotFound, exhausted: "max_actions"}},
		{name: "no cancel control, depth budget", site: "none", opt: Options{MaxDepth: 1},
			want: want{status: StatusNotFound, exhausted: "max_depth"}},
		{name: "off-site link not followed", site: "offsite", want: want{status: StatusNotFound}},
		{name: "off-site link followed with allow_hosts", site: "offsite", allow: []string{hostOf(otherURL)},
			want: want{status: StatusFound, clicks: 2, levels: 1, control: "退订", steps: []string{"合作伙伴"}}},
		// A link that names cancelling but only leads to the page holding the control is a step on the way.
		{name: "signpost link, zh", site: "signpost-zh",
			want: want{status: StatusFound, clicks: 3, levels: 2, control: "退订", steps: []string{"我的", "前往退订页面"},
				signposts: []string{"前往退订页面"}, evidence: EvidenceInPlace}},
		{name: "signpost link, en", site: "signpost-en",
			want: want{status: StatusFound, clicks: 3, levels: 2, control: "Cancel subscription", steps: []string{"Account", "Go to cancellation"},
				signposts: []string{"Go to cancellation"}, evidence: EvidenceInPlace}},
		{name: "signpost link, de", site: "signpost-de",
			want: want{status: StatusFound, clicks: 3, levels: 2, control: "Vertrag kündigen", steps: []string{"Mein Konto", "Zur Kündigung"},
				signposts: []string{"Zur Kündigung"}, evidence: EvidenceInPlace}},
		// ... and one that starts the cancellation (its confirm page, or a confirm() it asks) is the control.
		{name: "link to the confirm page", site: "confirmpage",
			want: want{status: StatusFound, clicks: 2, levels: 1, control: "退订", steps: []string{"我的"}, evidence: EvidenceFlowScreen}},
		{name: "link that asks confirm()", site: "confirmlink",
			want: want{status: StatusFound, clicks: 2, levels: 1, control: "Cancel membership", steps: []string{"Account"},
				evidence: EvidenceConfirmDialog}},
		// A hash-routed app whose last screen renders its button after a 600 ms API call (the step timeout
		// that bounds the wait is generous: the machine may be loaded).
		{name: "single-page app, slow API", site: "spa", opt: Options{StepTimeout: 6 * time.Second},
			want: want{status: StatusFound, clicks: 4, levels: 3, control: "Cancel membership", steps: []string{"Account", "Billing", "Membership"}}},
		// Page tools as links on a wide screen, a native Tools select on a phone.
		{name: "tools as links", site: "tools",
			want: want{status: StatusFound, clicks: 2, levels: 1, control: "Unsubscribe", steps: []string{"Manage subscriptions"}}},
		{name: "tools in a native select, on a phone", site: "tools", opt: Options{Device: "mobile"},
			want: want{status: StatusFound, clicks: 2, levels: 1, control: "Unsubscribe", steps: []string{"Tools"}, actions: []string{"select"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			otherHits.reset()
			harm.reset()
			sc := siteScenario(tc.site)
			sc.AllowHosts = tc.allow
			sc.Timeouts.Step = max(sc.Timeouts.Step, tc.opt.StepTimeout)
			opt := tc.opt
			opt.Parallel = 3
			res, err := Explore(context.Background(), testBrowser, sc, opt)
			require.NoError(t, err)
			require.Equal(t, tc.want.status, res.Status, "reason: %s", res.Reason)
			assert.Empty(t, harm.list(), "requests that change something")
			assert.Equal(t, tc.want.exhausted, res.Explored.Exhausted, "exhausted")
			assert.Positive(t, res.Explored.States)
			if tc.allow == nil {
				assert.Empty(t, otherHits.list(), "requests to the other origin")
			}
			if tc.want.status != StatusFound {
				assert.Nil(t, res.Shortest)
				return
			}
			p := res.Shortest
			require.NotNil(t, p)
			assert.True(t, p.Verified, p.VerifyError)
			assert.Equal(t, tc.want.clicks, p.ClicksToControl, "clicks_to_control")
			assert.Equal(t, tc.want.hovers, p.HoversToControl, "hovers_to_control")
			if assert.NotNil(t, p.LevelsToControl) {
				assert.Equal(t, tc.want.levels, *p.LevelsToControl, "levels_to_control")
			}
			assert.Equal(t, tc.want.control, p.Control.Label)
			assert.Equal(t, tc.want.inFrame, p.Control.InFrame, "in frame")
			assert.Equal(t, tc.want.inShadow, p.Control.InShadow, "in shadow")
			var labels []string
			for _, s := range p.Steps {
				labels = append(labels, s.Label)
			}
			assert.Equal(t, tc.want.steps, labels)
			var signposts []string
			for _, s := range res.Signposts {
				signposts = append(signposts, s.Label)
			}
			assert.Equal(t, tc.want.signposts, signposts, "signposts")
			if tc.want.evidence != "" {
				assert.Equal(t, tc.want.evidence, p.Control.Evidence, "evidence")
			}
			if tc.want.actions != nil {
				var actions []string
				for _, s := range p.Steps {
					actions = append(actions, s.Action)
				}
				assert.Equal(t, tc.want.actions, actions)
			}
			var candidates []string
			for _, c := range res.Candidates {
				candidates = append(candidates, c.Control.Label)
			}
			assert.Equal(t, tc.want.candidates, candidates, "candidates")
		})
	}
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	return u.Host
}

// TestDenyLexiconRespected explores a site whose every control but one does harm (logout, recharge, pay,
// delete the account, change the password, submit a form, a select's harmful options, a select that posts
// its form, turn auto-renew on): the server counts every request they would make, and none may arrive.
func TestDenyLexiconRespected(t *testing.T) {
	harm.reset()
	res, err := Explore(context.Background(), testBrowser, siteScenario("harm"), Options{Parallel: 3})
	require.NoError(t, err)
	assert.Equal(t, StatusNotFound, res.Status)
	assert.Empty(t, harm.list(), "harmful requests")
	assert.Equal(t, 2, res.Explored.States, "the landing page and 帮助")
	reasons := map[string]string{}
	for _, s := range res.Graph.Skipped {
		reasons[s.Label] = s.Reason
	}
	assert.Equal(t, map[string]string{
		"退出登录": skipDeny, "充值": skipDeny, "删除账号": skipDeny, "离开": skipDenyHref, "立即支付": skipDeny,
		"修改密码": skipDeny, "Top up": skipDeny, "提交": skipFormSubmit, "下一步": skipFormSubmit, "自动续费": skipSetting,
		"Sign out": skipDeny, "快捷操作: 退出登录": skipDeny, "快捷操作: 充值": skipDeny,
	}, reasons)
}

// TestExploreSessionNotKept: a site that keeps its sign-in in sessionStorage (one tab's, which a saved
// session does not hold) is searched all the same, each new context logging in again.
func TestExploreSessionNotKept(t *testing.T) {
	harm.reset()
	sc := siteScenario("tabsession")
	sc.Login = []scenario.Step{
		{Action: scenario.Goto, URL: siteURL + "tabsession/login.html"},
		{Action: scenario.Fill, Target: &scenario.Target{CSS: "#user"}, Value: "alice"},
		{Action: scenario.Click, Target: &scenario.Target{Role: "button", Name: "Sign in"}},
		{Action: scenario.WaitFor, Target: &scenario.Target{Text: "Account"}},
	}
	res, err := Explore(context.Background(), testBrowser, sc, Options{Parallel: 3})
	require.NoError(t, err)
	require.Equal(t, StatusFound, res.Status, res.Reason)
	assert.Empty(t, harm.list(), "requests that change something")
	assert.True(t, res.Shortest.Verified, res.Shortest.VerifyError)
	assert.Equal(t, "Cancel subscription", res.Shortest.Control.Label)
	assert.Equal(t, 2, res.Shortest.ClicksToControl)
	assert.Equal(t, SessionReplayed, res.Explored.Session, "the saved session did not hold")
	assert.GreaterOrEqual(t, res.Explored.Logins, 2, "the first login, and the one that showed the session was dropped")
}
