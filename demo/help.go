package demo

import "net/http"

// faqEntry is one question in 常见问题.
type faqEntry struct{ Slug, Title string }

type link struct{ Text, Href string }

type article struct {
	Paras []string
	Link  *link
}

func faqList(st *site) []faqEntry {
	if st.Lang == "de" {
		return []faqEntry{{"buy", "Wie kaufe ich eine Gamecard?"}, {"payment", "Zahlung fehlgeschlagen – was tun?"},
			{"code", "Wo finde ich meinen Code?"}, {"unsubscribe", "Wie kündige ich meine Mitgliedschaft?"}, {"contact", "Kontakt"}}
	}
	return []faqEntry{{"buy", "如何购买游戏点卡？"}, {"payment", "充值未到账怎么办？"}, {"code", "激活码在哪里查看？"},
		{"unsubscribe", "退订指引"}, {"invoice", "如何开具发票？"}, {"contact", "联系客服"}}
}

func (s *Server) help(w http.ResponseWriter, r *http.Request, q req) {
	s.page(w, http.StatusOK, "help", q, view{Title: q.site.t("帮助中心", "Hilfe"), Nav: "help"})
}

func (s *Server) faq(w http.ResponseWriter, r *http.Request, q req) {
	s.page(w, http.StatusOK, "faq", q, view{Title: q.site.t("常见问题", "Häufige Fragen"), Nav: "help", Data: faqList(q.site)})
}

func (s *Server) article(w http.ResponseWriter, r *http.Request, q req) {
	slug := r.PathValue("slug")
	var title string
	for _, e := range faqList(q.site) {
		if e.Slug == slug {
			title = e.Title
		}
	}
	if title == "" {
		http.NotFound(w, r)
		return
	}
	var a article
	if slug == "unsubscribe" {
		a = s.unsubscribeGuide(q)
	} else {
		a = genericArticle(q.site, slug)
	}
	s.page(w, http.StatusOK, "article", q, view{Title: title, Nav: "help", Data: a})
}

// unsubscribeGuide is 退订指引: on the help-maze site it holds the only link to the page where auto-renew
// can be turned off; on the third-party site it points to the payment channel, on the customer-service-only
// site to its 在线客服 (no control there either).
func (s *Server) unsubscribeGuide(q req) article {
	st := q.site
	switch st.Flaw {
	case FlawCompliant:
		return article{Paras: []string{"在「我的」页面找到「自动续费」开关，点击并确认即可关闭，立即生效；会员到期后不再扣费。"}}
	case FlawHelpMaze:
		return article{Paras: []string{"会员自动续费可随时关闭，关闭后会员到期不再扣费，已支付的会员期不受影响。",
			"如需关闭，请点击下方链接进入自动续费管理页面操作。"},
			Link: &link{"自动续费管理", "/" + st.ID + "/account/renewal"}}
	case FlawShrunkMobile:
		return article{Paras: []string{"在「我的」页面的会员信息中点击「退订」并确认即可。"}}
	case FlawGauntlet:
		return article{Paras: []string{"在「我的」页面点击「取消自动续费」，按页面提示完成操作。"}}
	case FlawSlowReview:
		return article{Paras: []string{"在「我的」页面点击「申请退订」提交申请，客服将在 3-5 个工作日内人工审核，审核通过后关闭自动续费。"}}
	case FlawThirdParty:
		a := article{Paras: []string{"本站会员通过" + payName + "免密代扣，本站无法直接关闭自动续费。",
			"请前往" + payName + "「我的 → 扣费服务」，找到本站的扣费服务并关闭。"}}
		if q.acct != nil {
			a.Link = &link{"前往" + payName, s.payEntryURL(q.acct)}
		}
		return a
	case FlawFalseSuccess:
		return article{Paras: []string{"在「我的」页面点击「退订自动续费」并确认即可。"}}
	case FlawCustomerService:
		return article{Paras: []string{"本站会员自动续费暂不支持在线关闭。如需关闭，请在「我的」页面点击「联系客服」，由人工客服为您处理。"},
			Link: &link{"联系在线客服", "/" + st.ID + "/service"}}
	case FlawKuendigung:
		return article{Paras: []string{"Sie können jederzeit über den Button „Verträge hier kündigen“ am Ende jeder Seite kündigen – auch ohne Anmeldung.",
			"Sie erhalten sofort eine Eingangsbestätigung."}}
	}
	return article{}
}

func genericArticle(st *site, slug string) article {
	if st.Lang == "de" {
		return article{Paras: []string{"Wählen Sie den gewünschten Artikel, bezahlen Sie mit Ihrem Guthaben und Sie erhalten den Code sofort unter „Bestellungen“ und per E-Mail.",
			"Bei Fragen erreichen Sie unseren Kundenservice Mo–Fr von 9 bis 18 Uhr."}}
	}
	paras := map[string][]string{
		"buy":     {"选择商品后点击「购买」，使用账户余额支付，系统自动发货，卡密可在「订单管理」中查看。"},
		"payment": {"充值一般 1 分钟内到账。如 10 分钟后仍未到账，请在「订单管理」中查看订单状态或联系客服。"},
		"code":    {"激活码购买后自动发货，可在「订单管理」中查看卡密。请勿将卡密透露给他人。"},
		"invoice": {"本平台暂不支持在线开具发票，请联系客服登记。"},
		"contact": {"客服在线时间 9:00-23:00。客服QQ：800-000-000（演示）。"},
	}
	return article{Paras: paras[slug]}
}
