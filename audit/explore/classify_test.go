package explore

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestScope(t *testing.T) {
	s := newScope("https://shop.example.com/cn/", []string{"pay.example.net", "127.0.0.1:9001"}, "https://shop.example.com/cn/home")
	for raw, want := range map[string]bool{
		"https://shop.example.com/account":     true,
		"https://SHOP.example.com:443/account": true,  // the default port, spelled out
		"http://shop.example.com/account":      false, // another port (80)
		"https://www.example.com/":             false,
		"https://pay.example.net:8443/deduct":  true, // allowed by name: any port
		"http://127.0.0.1:9001/x":              true,
		"http://127.0.0.1:9002/x":              false, // allowed with a port: that port only
	} {
		u, err := url.Parse(raw)
		require.NoError(t, err)
		assert.Equal(t, want, s.allows(u), raw)
	}
}

func TestPageKey(t *testing.T) {
	for raw, want := range map[string]string{
		"https://a.example/x?q=1#top": "https://a.example/x?q=1",
		"https://A.example/#/account": "https://a.example/#/account", // a client-side route is a page
		"https://a.example/#!/vip":    "https://a.example/#!/vip",
	} {
		u, err := url.Parse(raw)
		require.NoError(t, err)
		assert.Equal(t, want, pageKey(u), raw)
	}
}

func TestDecide(t *testing.T) {
	lex, err := DefaultLexicon()
	require.NoError(t, err)
	c := &classifier{lex: lex, scope: newScope("https://shop.example/", nil, "https://shop.example/")}
	link := func(label, href string) item {
		return item{Label: label, Text: label, Role: "link", Tag: "a", Href: href, FrameURL: "https://shop.example/home"}
	}
	button := func(label string) item { return item{Label: label, Text: label, Role: "button", Tag: "button"} }
	tests := []struct {
		name   string
		it     item
		goal   string // the goal's kind, or ""
		skip   string
		detail string
		key    string
	}{
		{name: "cancel button", it: button("取消自动续费"), goal: "cancel"},
		{name: "cancel link off the site is found all the same", it: link("退订", "https://pay.example/x"), goal: "cancel"},
		{name: "renewal switch on", it: item{Label: "自动续费", Role: "switch", Tag: "button", Stateful: true, Checked: true}, goal: "toggle"},
		{name: "renewal switch off", it: item{Label: "自动续费", Role: "switch", Tag: "button", Stateful: true}, skip: skipSetting},
		{name: "disabled cancel button", it: item{Label: "退订", Role: "button", Disabled: true}, skip: skipDisabled},
		{name: "a paragraph about cancelling", it: link(strings.Repeat("会员可以随时在我的页面退订自动续费，", 5), "https://shop.example/terms"),
			key: "https://shop.example/terms"},
		{name: "logout by label", it: link("退出登录", "https://shop.example/bye"), skip: skipDeny, detail: "退出"},
		{name: "logout by href", it: link("离开", "https://shop.example/user/logout?next=/"), skip: skipDenyHref, detail: "logout"},
		{name: "pay button", it: button("立即支付"), skip: skipDeny, detail: "立即支付"},
		{name: "form submit", it: item{Label: "搜索", Role: "button", Tag: "button", Submits: true}, skip: skipFormSubmit},
		{name: "text field", it: item{Label: "搜索商品", Role: "textbox", Tag: "input", Field: true}, skip: skipField},
		{name: "off-site link", it: link("合作伙伴", "https://partner.example/"), skip: skipOffSite, detail: "partner.example"},
		{name: "mail link", it: link("联系我们", "mailto:help@shop.example"), skip: skipScheme, detail: "mailto"},
		{name: "download", it: item{Label: "发票", Role: "link", Href: "https://shop.example/i.pdf", Download: true}, skip: skipDownload},
		{name: "page link", it: link("我的", "https://shop.example/account#top"), key: "https://shop.example/account"},
		{name: "in-page anchor is a button", it: link("更多", "https://shop.example/home#"), key: ""},
		{name: "script link is a button", it: link("菜单", "javascript:void(0)"), key: ""},
		{name: "plain button", it: button("展开")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := c.decide(tc.it)
			if tc.goal != "" {
				require.NotNil(t, d.goal)
				assert.Equal(t, tc.goal, d.goal.kind)
				return
			}
			assert.Nil(t, d.goal)
			assert.Equal(t, tc.skip, d.skip, "skip")
			assert.Equal(t, tc.detail, d.detail, "detail")
			assert.Equal(t, tc.key, d.key, "key")
		})
	}
}
