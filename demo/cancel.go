package demo

import "net/http"

// autorenewOff is where every Chinese site's final confirm posts. What it really does is each site's
// design: turn auto-renew off, only file a review request, or nothing at all.
func (s *Server) autorenewOff(w http.ResponseWriter, r *http.Request, q req) {
	off := func(a *Account) { a.Member.AutoRenew = false }
	switch q.site.Flaw {
	case FlawCompliant, FlawShrunkMobile:
		s.store.update(q.acct.SID, off)
		redirect(w, r, q, "account?r=off")
	case FlawHelpMaze:
		s.store.update(q.acct.SID, off)
		redirect(w, r, q, "account/renewal")
	case FlawGauntlet:
		s.store.update(q.acct.SID, off)
		redirect(w, r, q, "cancel/done")
	case FlawSlowReview:
		// Only a request: auto-renew stays on while "manual review" takes 3-5 working days.
		s.store.update(q.acct.SID, func(a *Account) { a.ReviewPending = true })
		redirect(w, r, q, "review")
	case FlawFalseSuccess:
		// Says 已退订 and changes nothing: the effect check on the status page must catch it.
		redirect(w, r, q, "unsubscribed")
	default:
		// The third-party, the customer-service-only and the German sites have no such control.
		http.NotFound(w, r)
	}
}

func (s *Server) autorenewOn(w http.ResponseWriter, r *http.Request, q req) {
	s.store.update(q.acct.SID, func(a *Account) { a.Member.AutoRenew = a.Member.Active })
	redirect(w, r, q, "account?r=on")
}

// renewalPage is the help-maze site's real control page, linked only from 退订指引.
func (s *Server) renewalPage(w http.ResponseWriter, r *http.Request, q req) {
	s.page(w, http.StatusOK, "renewal", q, view{Title: "自动续费管理"})
}

// retention is one screen of 金牛卡盟's gauntlet.
type retention struct {
	Heading, Big string
	Paras        []string
	Keep, Go     string // the big "stay" button and the small way on
	Next         string // the next screen's step
	Final        bool   // the last screen: the real confirm
}

// retentionScreen serves the gauntlet: offer → sure → last → confirm, then done after the confirm posts.
func (s *Server) retentionScreen(w http.ResponseWriter, r *http.Request, q req) {
	st := q.site
	var d retention
	switch r.PathValue("step") {
	case "offer":
		d = retention{Heading: "先别走！送你一张续费优惠券", Big: "续费立享 5 折，仅 " + st.Money(st.PriceCent/2) + "/月",
			Paras: []string{"优惠券仅限今日领取，领取后自动用于下次续费。"}, Keep: "领取 5 折优惠", Go: "仍要取消", Next: "sure"}
	case "sure":
		d = retention{Heading: "确定要取消自动续费吗？",
			Paras: []string{"取消后，会员到期将失去：全站 9.5 折、每月 300 积分、专属客服。", "已有 12,380 位会员选择继续享受权益。"},
			Keep:  "我再想想", Go: "继续取消", Next: "last"}
	case "last":
		d = retention{Heading: "最后一次机会", Big: "再送你 3 个月会员，一分钱不花",
			Paras: []string{"聪明的玩家都选择了省钱。"}, Keep: "好的，帮我省钱", Go: "我不想省钱", Next: "confirm"}
	case "confirm":
		d = retention{Heading: "确认取消自动续费",
			Paras: []string{"取消后，会员到期（" + st.Date(q.acct.Member.Expires) + "）后不再自动扣费。"}, Final: true}
	case "done":
		s.notice(w, q, "取消结果", notice{State: "已取消自动续费", Badge: "off",
			Paras: []string{"自动续费已取消，会员到期（" + st.Date(q.acct.Member.Expires) + "）后不再扣费。"}})
		return
	default:
		http.NotFound(w, r)
		return
	}
	s.page(w, http.StatusOK, "retain", q, view{Title: "取消自动续费", Data: d})
}

func (s *Server) reviewNotice(w http.ResponseWriter, r *http.Request, q req) {
	s.notice(w, q, "退订申请", notice{State: "申请已提交", Badge: "wait",
		Paras: []string{"您的退订申请已提交，需人工审核，3-5 个工作日内处理。", "审核通过前自动续费仍然有效，期间到期将照常扣费。"}})
}

func (s *Server) unsubscribedNotice(w http.ResponseWriter, r *http.Request, q req) {
	s.notice(w, q, "退订结果", notice{State: "已退订", Paras: []string{"您已成功退订自动续费，会员到期后将不再扣费。"}})
}

// servicePage is 在线客服 of the customer-service-only site: where its 我的 sends whoever wants to stop
// auto-renew. The bot only takes an order number and promises a person within working days; nothing here
// turns auto-renew off, so the scenario declares this screen its dead end.
func (s *Server) servicePage(w http.ResponseWriter, r *http.Request, q req) {
	s.page(w, http.StatusOK, "service", q, view{Title: "在线客服"})
}

// notice is a result page: a state badge, a few lines and a way back.
type notice struct {
	State, Badge string
	Paras        []string
	Back         link
}

func (s *Server) notice(w http.ResponseWriter, q req, title string, n notice) {
	if n.Back.Href == "" {
		n.Back = link{q.site.t("返回个人中心", "Zum Konto"), "/" + q.site.ID + "/account"}
	}
	s.page(w, http.StatusOK, "notice", q, view{Title: title, Data: n})
}
