package demo

import "net/http"

// account is 个人中心 (Mein Konto): the 会员, its auto-renew state and, depending on the site, the cancel
// control, a pointer to the payment channel, or nothing.
func (s *Server) account(w http.ResponseWriter, r *http.Request, q req) {
	v := view{Title: q.site.t("个人中心", "Mein Konto"), Flash: flash(q.site, r.URL.Query().Get("r"))}
	if q.site.Lang == "de" {
		v.Data = struct{ Contract string }{q.acct.Contract}
		s.page(w, http.StatusOK, "de_account", q, v)
		return
	}
	v.Data = struct{ PayName string }{payName}
	if q.site.Flaw == FlawThirdParty {
		v.PayEntry = s.payEntryURL(q.acct)
	}
	s.page(w, http.StatusOK, "account", q, v)
}

// flash turns a fixed result key into its message; nothing from the request is echoed.
func flash(st *site, key string) string {
	switch key {
	case "off":
		return st.t("自动续费已关闭，会员到期后不再扣费。", "Automatische Verlängerung beendet.")
	case "on":
		return st.t("自动续费已开启。", "Automatische Verlängerung eingeschaltet.")
	}
	return ""
}

// status is the page the scenarios' effect check reads: it always tells the truth about auto-renew.
func (s *Server) status(w http.ResponseWriter, r *http.Request, q req) {
	s.page(w, http.StatusOK, "status", q, view{Title: q.site.t("会员状态", "Status")})
}
