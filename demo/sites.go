package demo

import (
	"fmt"
	"time"
)

// Flaw is the one thing a demo site gets wrong (or, for the compliant sites, right).
type Flaw string

const (
	FlawCompliant       Flaw = "compliant"             // 1: 我的 → 自动续费 switch → 确认关闭
	FlawHelpMaze        Flaw = "help_maze"             // 2: 帮助中心 → 常见问题 → 退订指引 → link
	FlawShrunkMobile    Flaw = "shrunk_mobile"         // 3: 12×12 退订 button under 480 px
	FlawGauntlet        Flaw = "retention_gauntlet"    // 4: three retention screens before the confirm
	FlawSlowReview      Flaw = "slow_review"           // 5: a request under "manual review"; pre-ticked sign-up
	FlawThirdParty      Flaw = "third_party_channel"   // 6: cancel only at the payment channel's 代扣 page
	FlawFalseSuccess    Flaw = "false_success"         // 7: says 已退订, auto-renew stays on
	FlawKuendigung      Flaw = "kuendigungsbutton"     // 8: §312k BGB footer button, no login needed
	FlawCustomerService Flaw = "customer_service_only" // 9: no control; 联系客服 ends at a bot (a dead end)
)

// Demo account: every site accepts it, and every login gets a fresh account state.
const (
	DemoUser = "demo"
	DemoPass = "demo123"
)

// site is the static description of one demo platform.
type site struct {
	ID         string
	Name       string
	Slogan     string
	Logo       string // one or two characters drawn in the logo square
	Lang       string // "zh" or "de"
	Flaw       Flaw
	Shows      string // what it demonstrates, for `demo --serve` and SiteInfo
	Brand      string // primary colour
	Accent     string // price / highlight colour
	PriceCent  int    // monthly membership price
	Prechecked bool   // the sign-up's auto-renew box is ticked by default
}

// Price formats the membership price in the site's currency.
func (s *site) Price() string { return money(s.Lang, s.PriceCent) }

// Money formats cents in the site's currency.
func (s *site) Money(cent int) string { return money(s.Lang, cent) }

// Date formats a day the way the site's country does.
func (s *site) Date(t time.Time) string {
	if s.Lang == "de" {
		return t.Format("02.01.2006")
	}
	return t.Format("2006-01-02")
}

// DateTime formats a moment the way the site's country does.
func (s *site) DateTime(t time.Time) string {
	if s.Lang == "de" {
		return t.Format("02.01.2006, 15:04 Uhr")
	}
	return t.Format("2006-01-02 15:04")
}

// Is tells whether the site has this flaw (templates branch on it).
func (s *site) Is(f string) bool { return string(s.Flaw) == f }

func money(lang string, cent int) string {
	if lang == "de" {
		return fmt.Sprintf("%d,%02d €", cent/100, cent%100)
	}
	return fmt.Sprintf("¥%d.%02d", cent/100, cent%100)
}

// payName is the fictional payment channel of site 6 (a WeChat/Alipay-like 扣费服务 page).
const payName = "银河支付"

// catalogue lists the sites in the order of the issue; ids are the URL prefixes and scenario ids.
func catalogue() []*site {
	return []*site{
		{ID: "xingchen", Name: "星辰卡盟", Slogan: "正规授权 · 秒充秒到", Logo: "星", Lang: "zh",
			Flaw: FlawCompliant, Brand: "#1668dc", Accent: "#f5222d", PriceCent: 1500,
			Shows: "compliant: 我的 → 自动续费 switch → 确认关闭"},
		{ID: "yunduan", Name: "云端卡盟", Slogan: "游戏点卡 一站购齐", Logo: "云", Lang: "zh",
			Flaw: FlawHelpMaze, Brand: "#08979c", Accent: "#fa541c", PriceCent: 1800,
			Shows: "help-center maze: 帮助中心 → 常见问题 → 退订指引 → link"},
		{ID: "zhangyou", Name: "掌游卡盟", Slogan: "手游充值 首选掌游", Logo: "掌", Lang: "zh",
			Flaw: FlawShrunkMobile, Brand: "#d46b08", Accent: "#cf1322", PriceCent: 1200,
			Shows: "shrunk on mobile: 12×12 px 退订 button under 480 px"},
		{ID: "jinniu", Name: "金牛卡盟", Slogan: "低价批发 代理招募中", Logo: "牛", Lang: "zh",
			Flaw: FlawGauntlet, Brand: "#a8071a", Accent: "#d48806", PriceCent: 1990,
			Shows: "retention gauntlet: offer, are-you-sure, 「我不想省钱」, confirm"},
		{ID: "haoyun", Name: "好运卡盟", Slogan: "好运连连 充值无忧", Logo: "好", Lang: "zh",
			Flaw: FlawSlowReview, Brand: "#389e0d", Accent: "#f5222d", PriceCent: 2500, Prechecked: true,
			Shows: "slow review (3-5 个工作日), auto-renew stays on; pre-ticked sign-up"},
		{ID: "feiyu", Name: "飞鱼卡盟", Slogan: "激活码 自动发货", Logo: "鱼", Lang: "zh",
			Flaw: FlawThirdParty, Brand: "#531dab", Accent: "#eb2f96", PriceCent: 1600,
			Shows: "third-party channel: cancel only at " + payName + " 扣费服务 (another origin)"},
		{ID: "lanjing", Name: "蓝鲸卡盟", Slogan: "大额点卡 九折起", Logo: "鲸", Lang: "zh",
			Flaw: FlawFalseSuccess, Brand: "#10239e", Accent: "#f5222d", PriceCent: 1500,
			Shows: "false success: says 已退订, auto-renew stays on"},
		{ID: "kartenwelt", Name: "KartenWelt", Slogan: "Guthabenkarten & Gamecards", Logo: "KW", Lang: "de",
			Flaw: FlawKuendigung, Brand: "#1d3b2a", Accent: "#c41d1d", PriceCent: 499,
			Shows: "§312k BGB: „Verträge hier kündigen“ on every page, no login"},
		{ID: "wuyou", Name: "无忧卡盟", Slogan: "客服在线 售后无忧", Logo: "无", Lang: "zh",
			Flaw: FlawCustomerService, Brand: "#c41d7f", Accent: "#fa541c", PriceCent: 2200,
			Shows: "customer service only: no control; 联系客服 ends at a bot asking for an order number"},
	}
}

// SiteInfo describes one demo site for people and for the demo audit.
type SiteInfo struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Flaw         Flaw   `json:"flaw"`
	Demonstrates string `json:"demonstrates"`
	URL          string `json:"url"`
	User         string `json:"user"`
	Password     string `json:"password"`
}

// t picks the Chinese or the German text.
func (s *site) t(zh, de string) string {
	if s.Lang == "de" {
		return de
	}
	return zh
}

// memberItem is the membership's line in 订单管理.
func (s *site) memberItem() string {
	return s.t(s.Name+" 会员 · 连续包月", "Premium-Mitgliedschaft (1 Monat)")
}
