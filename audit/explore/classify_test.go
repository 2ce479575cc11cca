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
		follow bool   // the goal only loads a page: followed before it is called the control
		skip   string
		detail string
		key    string
	}{
		{name: "cancel button", it: button("取消自动续费"), goal: "cancel"},
		{name: "cancel link off the site is found all the same", it: link("退订", "https://pay.example/x"), goal: "cancel"},
		{name: "cancel link to a page of the site is followed", it: link("前往退订页面", "https://shop.example/unsub"), goal: "cancel",
			follow: true, key: "https://shop.example/unsub"},
		{name: "cancel link to a client route is followed", it: link("Cancel subscription", "https://shop.example/#/cancel"),
			goal: "cancel", follow: true, key: "https://shop.example/#/cancel"},
		{name: "cancel link to a deny_href page acts in place", it: link("退订", "https://shop.example/pay/unsub"), goal: "cancel"},
		{name: "cancel link by script acts in place", it: link("退订", "javascript:void(0)"), goal: "cancel"},
		{name: "button worded as a way there is followed", it: button("Go to cancellation"), goal: "cancel", follow: true,
			key: "press\x00\x00go to cancellation"},
		{name: "cancel submit acts in place", it: item{Label: "Unsubscribe", Role: "button", Tag: "button", Submits: true}, goal: "cancel"},
		{name: "a form field named after cancelling is no control",
			it: item{Label: "Art der Kündigung", Role: "combobox", Tag: "select", Field: true}, skip: skipField},
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
				assert.Equal(t, tc.follow, d.goal.follow, "follow")
				assert.Equal(t, tc.key, d.goal.key, "key")
				return
			}
			assert.Nil(t, d.goal)
			assert.Equal(t, tc.skip, d.skip, "skip")
			assert.Equal(t, tc.detail, d.detail, "detail")
			assert.Equal(t, tc.key, d.key, "key")
		})
	}
}

func TestDecideOption(t *testing.T) {
	lex, err := DefaultLexicon()
	require.NoError(t, err)
	c := &classifier{lex: lex, scope: newScope("https://wiki.example/", nil, "https://wiki.example/")}
	tools := item{Label: "Tools", Role: "combobox", Tag: "select", Select: true, FrameURL: "https://wiki.example/doku.php?id=start"}
	tests := []struct {
		name   string
		o      option
		goal   bool
		follow bool
		skip   string
		key    string
	}{
		{name: "an option that loads a page", o: option{Label: "Manage Subscriptions", Href: "https://wiki.example/doku.php?do=subscribe&id=start"},
			key: "https://wiki.example/doku.php?do=subscribe&id=start"},
		{name: "log out by its label", o: option{Label: "Log Out", Href: "https://wiki.example/doku.php?do=x"}, skip: skipDeny},
		{name: "log out by the page it loads", o: option{Label: "Leave", Href: "https://wiki.example/doku.php?do=logout"}, skip: skipDenyHref},
		{name: "an option that loads another site", o: option{Label: "Help", Href: "https://help.example/"}, skip: skipOffSite},
		{name: "an option whose effect is unknown", o: option{Label: "Compact view"}},
		{name: "a cancel option that loads a page is followed", o: option{Label: "Unsubscribe", Href: "https://wiki.example/unsub"},
			goal: true, follow: true, key: "https://wiki.example/unsub"},
		{name: "a cancel option whose effect is unknown acts in place", o: option{Label: "Cancel subscription"}, goal: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := c.decideOption(tools, tc.o)
			if tc.goal {
				require.NotNil(t, d.goal)
				assert.Equal(t, tc.o.Label, d.goal.option)
				assert.Equal(t, tc.follow, d.goal.follow, "follow")
				assert.Equal(t, tc.key, d.goal.key, "key")
				return
			}
			require.Nil(t, d.goal)
			assert.Equal(t, tc.skip, d.skip, "skip")
			assert.Equal(t, tc.key, d.key, "key")
		})
	}
}

// TestJudge: what the page a cancel-named link led to makes of it.
func TestJudge(t *testing.T) {
	lex, err := DefaultLexicon()
	require.NoError(t, err)
	x := &explorer{opt: Options{Lexicon: lex}, cls: &classifier{lex: lex, scope: newScope("https://shop.example/", nil, "")}}
	btn := func(label string) item { return item{Label: label, Text: label, Role: "button", Tag: "button"} }
	lnk := func(label, href string) item {
		return item{Label: label, Text: label, Role: "link", Tag: "a", Href: href}
	}
	submit := func(label string) item { it := btn(label); it.Submits = true; return it }
	cand := candidate{goal: &goal{item: lnk("退订", "https://shop.example/unsub"), kind: "cancel", key: "https://shop.example/unsub"}}
	tests := []struct {
		name     string
		s        screen
		control  bool
		evidence string
		detail   string
	}{
		{name: "a confirmation screen", s: screen{Items: []item{btn("确认退订"), lnk("再想想", "https://shop.example/my")}},
			control: true, evidence: EvidenceFlowScreen, detail: "确认退订"},
		{name: "a retention offer", s: screen{Items: []item{lnk("领取 5 折优惠", "https://shop.example/my"), lnk("仍要取消", "https://shop.example/c2")}},
			control: true, evidence: EvidenceFlowScreen, detail: "仍要取消"},
		{name: "a bare confirm on a page about cancelling", s: screen{Text: "确定要退订自动续费吗？", Items: []item{btn("确定"), btn("返回")}},
			control: true, evidence: EvidenceConfirmScreen, detail: "确定"},
		{name: "a bare confirm on a page about something else", s: screen{Text: "修改昵称", Items: []item{btn("确定")}}},
		{name: "a cancellation form", s: screen{Items: []item{submit("Kündigung absenden jetzt"), {Label: "Name", Field: true}}},
			control: true, evidence: EvidenceFlowScreen},
		{name: "a form whose submit names cancelling", s: screen{Items: []item{submit("Vertrag kündigen")}},
			control: true, evidence: EvidenceCancelForm, detail: "Vertrag kündigen"},
		{name: "the page asked confirm()", s: screen{Confirmed: "确定退订？"}, control: true, evidence: EvidenceConfirmDialog, detail: "确定退订？"},
		{name: "the page says it is done", s: screen{Text: "您已成功退订，已退订自动续费", Items: []item{lnk("返回", "https://shop.example/my")}},
			control: true, evidence: EvidenceSaysCancelled, detail: "已退订"},
		{name: "the page holds the control: a signpost", s: screen{Items: []item{btn("退订" + "自动续费"), lnk("返回", "https://shop.example/my")}},
			detail: "退订自动续费"},
		{name: "a switch that is on: a signpost", s: screen{Items: []item{{Label: "自动续费", Role: "switch", Stateful: true, Checked: true}}},
			detail: "自动续费"},
		{name: "the candidate again (a footer link) is not a control of the page",
			s:       screen{URL: "https://shop.example/unsub", Items: []item{lnk("退订", "https://shop.example/unsub"), submit("jetzt kündigen")}},
			control: true, evidence: EvidenceFlowScreen, detail: "jetzt kündigen"},
		{name: "a page without a control or a flow", s: screen{Text: "退订须知：请联系客服", Items: []item{lnk("首页", "https://shop.example/")}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := x.judge(cand, &tc.s)
			assert.Equal(t, tc.control, v.control, "control")
			assert.Equal(t, tc.evidence, v.evidence, "evidence")
			if tc.detail != "" {
				assert.Equal(t, tc.detail, v.detail, "detail")
			}
		})
	}
}
