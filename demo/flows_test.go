package demo

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The cancel path of each Chinese site, at HTTP level: the pages on the way, the final post, what the
// site says, and what the status page then really shows.
func TestCancelPaths(t *testing.T) {
	tests := []struct {
		site    string
		path    []string // GETs on the way to the final post, each must answer 200
		post    string   // the final confirm's form action
		says    string   // what the page after the post shows
		renewal string   // the status page afterwards
		extra   string   // more text on the status page afterwards
	}{
		{site: "xingchen", path: []string{"account"}, post: "autorenew/off", says: `<span class="ar-state">已关闭</span>`, renewal: "自动续费：已关闭"},
		{site: "yunduan", path: []string{"help", "help/faq", "help/faq/unsubscribe", "account/renewal"}, post: "autorenew/off",
			says: `<span class="ar-state">已关闭</span>`, renewal: "自动续费：已关闭"},
		{site: "zhangyou", path: []string{"account"}, post: "autorenew/off", says: `<span class="ar-state">已退订</span>`, renewal: "自动续费：已关闭"},
		{site: "jinniu", path: []string{"account", "cancel/offer", "cancel/sure", "cancel/last", "cancel/confirm"}, post: "autorenew/off",
			says: "已取消自动续费", renewal: "自动续费：已关闭"},
		{site: "haoyun", path: []string{"account"}, post: "autorenew/off", says: "申请已提交", renewal: "自动续费：已开启",
			extra: "人工审核中（3-5 个工作日）"},
		{site: "lanjing", path: []string{"account"}, post: "autorenew/off", says: "已退订", renewal: "自动续费：已开启"},
	}
	srv := startServer(t)
	for _, tt := range tests {
		t.Run(tt.site, func(t *testing.T) {
			c := client(t)
			base := srv.URL() + "/" + tt.site + "/"
			login(t, c, srv, tt.site)
			for _, p := range tt.path {
				code, _ := fetch(t, c, base+p, nil)
				require.Equal(t, http.StatusOK, code, p)
			}
			code, body := fetch(t, c, base+tt.post, url.Values{})
			require.Equal(t, http.StatusOK, code)
			assert.Contains(t, body, tt.says)
			assert.Equal(t, tt.renewal, autorenew(t, c, srv, tt.site))
			_, status := fetch(t, c, base+"status", nil)
			assert.Contains(t, status, tt.extra)
		})
	}
}

func TestHelpMazeIsTheOnlyWay(t *testing.T) {
	srv := startServer(t)
	c := client(t)
	login(t, c, srv, "yunduan")
	for _, p := range []string{"", "account", "vip", "orders", "help", "help/faq"} {
		_, body := fetch(t, c, srv.URL()+"/yunduan/"+p, nil)
		assert.NotContains(t, body, "/yunduan/account/renewal", "page %q links the renewal page", p)
	}
	_, body := fetch(t, c, srv.URL()+"/yunduan/help/faq/unsubscribe", nil)
	assert.Contains(t, body, `href="/yunduan/account/renewal">自动续费管理</a>`)
}

func TestThirdPartyChannelCancels(t *testing.T) {
	srv := startServer(t)
	c := client(t)
	login(t, c, srv, "feiyu")

	code, _ := fetch(t, c, srv.URL()+"/feiyu/autorenew/off", url.Values{})
	assert.Equal(t, http.StatusNotFound, code, "the merchant has no cancel control")

	_, account := fetch(t, c, srv.URL()+"/feiyu/account", nil)
	m := regexp.MustCompile(`href="([^"]+)">前往银河支付</a>`).FindStringSubmatch(account)
	require.NotNil(t, m, "the account page points to the payment channel")
	entry := strings.ReplaceAll(m[1], "&amp;", "&")
	require.True(t, strings.HasPrefix(entry, srv.PayURL()+"/entry?token="), entry)

	_, home := fetch(t, c, entry, nil)
	assert.Contains(t, home, "<span>扣费服务</span>")
	_, list := fetch(t, c, srv.PayURL()+"/deduct", nil)
	assert.Contains(t, list, "生效中")
	_, detail := fetch(t, c, srv.PayURL()+"/deduct/feiyu", nil)
	assert.Contains(t, detail, `id="close-service"`)

	code, closed := fetch(t, c, srv.PayURL()+"/deduct/feiyu/close", url.Values{})
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, closed, `<span class="state off">已关闭</span>`)
	assert.Equal(t, "自动续费：已关闭", autorenew(t, c, srv, "feiyu"), "closing the 代扣 agreement turns the merchant's renewal off")

	other := client(t)
	code, _ = fetch(t, other, srv.PayURL()+"/deduct", nil)
	assert.Equal(t, http.StatusUnauthorized, code, "the channel needs the hand-off")
	code, _ = fetch(t, other, srv.PayURL()+"/entry?token=forged", nil)
	assert.Equal(t, http.StatusNotFound, code)
}

// The customer-service-only site has no control anywhere: 我的 and the unsubscribe guide lead to 在线客服,
// whose bot only asks for an order number, and auto-renew stays on whatever the user does there.
func TestCustomerServiceIsADeadEnd(t *testing.T) {
	srv := startServer(t)
	c := client(t)
	base := srv.URL() + "/wuyou/"
	login(t, c, srv, "wuyou")

	_, account := fetch(t, c, base+"account", nil)
	assert.Contains(t, account, `<span class="ar-state">已开启</span>`)
	assert.Contains(t, account, "如需关闭自动续费，请联系客服。")
	assert.Contains(t, account, `href="/wuyou/service">联系客服</a>`)
	_, guide := fetch(t, c, base+"help/faq/unsubscribe", nil)
	assert.Contains(t, guide, `href="/wuyou/service">联系在线客服</a>`)
	code, service := fetch(t, c, base+"service", nil)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, service, "退订自动续费请提供订单号，人工客服将在 1-3 个工作日内处理。")
	for page, body := range map[string]string{"account": account, "guide": guide, "service": service} {
		assert.False(t, strings.Contains(body, `method="post"`), "%s posts a form: a control?", page)
	}

	code, _ = fetch(t, c, base+"autorenew/off", url.Values{})
	assert.Equal(t, http.StatusNotFound, code, "the site has no cancel control")
	assert.Equal(t, "自动续费：已开启", autorenew(t, c, srv, "wuyou"))
	login(t, c, srv, "xingchen")
	code, _ = fetch(t, c, srv.URL()+"/xingchen/service", nil)
	assert.Equal(t, http.StatusNotFound, code, "only this site sends people to a bot")
}

func TestKuendigungsbutton(t *testing.T) {
	srv := startServer(t)
	base := srv.URL() + "/kartenwelt/"
	form := url.Values{"kind": {"ordentlich"}, "name": {"Demo Kunde"}, "contract": {"KW-1"}, "when": {"next"}, "email": {"a@example.invalid"}}

	t.Run("logged out", func(t *testing.T) {
		c := client(t)
		for _, p := range []string{"", "cards", "vip", "help", "login"} {
			_, body := fetch(t, c, base+p, nil)
			assert.Contains(t, body, `href="/kartenwelt/kuendigen">Verträge hier kündigen</a>`, "footer button on %q", p)
		}
		code, body := fetch(t, c, base+"kuendigen", nil)
		require.Equal(t, http.StatusOK, code, "no login wall")
		assert.Contains(t, body, "jetzt kündigen")
		code, _ = fetch(t, c, base+"kuendigen", url.Values{"name": {"x"}})
		assert.Equal(t, http.StatusUnprocessableEntity, code)
		code, body = fetch(t, c, base+"kuendigen", form)
		require.Equal(t, http.StatusOK, code)
		assert.Contains(t, body, "Kündigung eingegangen")
	})
	t.Run("logged in", func(t *testing.T) {
		c := client(t)
		login(t, c, srv, "kartenwelt")
		assert.Equal(t, "Automatische Verlängerung: an", autorenew(t, c, srv, "kartenwelt"))
		_, page := fetch(t, c, base+"kuendigen", nil)
		assert.Contains(t, page, `value="Demo Kunde"`, "the form comes filled in")
		code, body := fetch(t, c, base+"kuendigen", form)
		require.Equal(t, http.StatusOK, code)
		assert.Contains(t, body, "Kündigung eingegangen")
		assert.Equal(t, "Automatische Verlängerung: aus", autorenew(t, c, srv, "kartenwelt"))
	})
}

func TestSubscribe(t *testing.T) {
	srv := startServer(t)
	for _, s := range srv.Sites() {
		t.Run(s.ID, func(t *testing.T) {
			c := client(t)
			login(t, c, srv, s.ID)
			_, plan := fetch(t, c, s.URL+"vip", nil)
			box := regexp.MustCompile(`<input type="checkbox" id="autorenew"[^>]*>`).FindString(plan)
			require.NotEmpty(t, box)
			assert.Equal(t, s.ID == "haoyun", strings.Contains(box, "checked"), "auto-renew pre-ticked only on 好运卡盟")
			assert.Contains(t, plan, `class="renewal-terms`)

			on, off := "自动续费：已开启", "自动续费：已关闭"
			if s.ID == "kartenwelt" {
				on, off = "Automatische Verlängerung: an", "Automatische Verlängerung: aus"
			}
			// Without the box: a one-off month.
			code, checkout := fetch(t, c, s.URL+"vip/checkout", url.Values{})
			require.Equal(t, http.StatusOK, code)
			assert.Contains(t, checkout, `name="autorenew" value="0"`)
			code, done := fetch(t, c, s.URL+"vip/pay", url.Values{"autorenew": {"0"}})
			require.Equal(t, http.StatusOK, code)
			assert.Regexp(t, "开通成功|Ihr Abo ist aktiv", done)
			assert.Equal(t, off, autorenew(t, c, srv, s.ID))
			// With it: auto-renew on again.
			fetch(t, c, s.URL+"vip/pay", url.Values{"autorenew": {"1"}})
			assert.Equal(t, on, autorenew(t, c, srv, s.ID))
			_, orders := fetch(t, c, s.URL+"orders", nil)
			assert.Equal(t, 4, strings.Count(orders, "<tr><td>"), "two orders at login, two subscriptions")
		})
	}
}

func TestBuyDeliversACode(t *testing.T) {
	srv := startServer(t)
	c := client(t)
	login(t, c, srv, "xingchen")
	code, orders := fetch(t, c, srv.URL()+"/xingchen/buy", url.Values{"p": {"k1"}})
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, orders, "云游戏平台 月卡激活码")
	assert.Regexp(t, `<code>[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}</code>`, orders)
}
