package demo

import (
	"net/http"
	"net/url"
)

// The payment channel (银河支付) runs on its own listener, so it is another origin, as WeChat Pay or Alipay
// would be. Site 6 links to it with a hand-off token; the cancellation happens here and turns the
// merchant's auto-renew off.

// payCookie is the channel's session: the account's pay token. Host-only cookies ignore the port, so it
// has a name of its own.
const payCookie = "yinhe_sid"

type payView struct {
	Title    string
	Acct     *Account
	Merchant *site
	Back     string // the merchant's 个人中心
}

type payHandler func(w http.ResponseWriter, r *http.Request, a *Account, m *site)

func (s *Server) payRoutes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /entry", s.payEntry)
	mux.HandleFunc("GET /{$}", s.payAuth(s.payHome))
	mux.HandleFunc("GET /deduct", s.payAuth(s.payDeductions))
	mux.HandleFunc("GET /deduct/{merchant}", s.payAuth(s.payAgreement))
	mux.HandleFunc("POST /deduct/{merchant}/close", s.payAuth(s.payClose))
	return mux
}

// payEntryURL is the link on the merchant site that opens this account's 代扣 page at the channel.
func (s *Server) payEntryURL(a *Account) string {
	return s.payURL + "/entry?token=" + url.QueryEscape(a.PayToken)
}

func (s *Server) thirdPartySite() *site {
	for _, st := range s.sites {
		if st.Flaw == FlawThirdParty {
			return st
		}
	}
	return nil
}

// payEntry exchanges the hand-off token for the channel's session cookie.
func (s *Server) payEntry(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("token")
	if _, ok := s.store.byPayToken(tok); !ok {
		s.tmpl.render(w, http.StatusNotFound, "pay_missing", payView{Title: "扣费服务", Merchant: s.thirdPartySite()})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: payCookie, Value: tok, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) payAuth(h payHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie(payCookie); err == nil {
			if a, ok := s.store.byPayToken(c.Value); ok {
				if m, ok := s.byID[a.Site]; ok && m.Flaw == FlawThirdParty {
					h(w, r, &a, m)
					return
				}
			}
		}
		s.tmpl.render(w, http.StatusUnauthorized, "pay_missing", payView{Title: "扣费服务", Merchant: s.thirdPartySite()})
	}
}

func (s *Server) payPage(w http.ResponseWriter, name, title string, a *Account, m *site) {
	s.tmpl.render(w, http.StatusOK, name, payView{Title: title, Acct: a, Merchant: m, Back: s.url + "/" + m.ID + "/account"})
}

func (s *Server) payHome(w http.ResponseWriter, r *http.Request, a *Account, m *site) {
	s.payPage(w, "pay_home", "我的", a, m)
}

func (s *Server) payDeductions(w http.ResponseWriter, r *http.Request, a *Account, m *site) {
	s.payPage(w, "pay_deduct", "扣费服务", a, m)
}

func (s *Server) payAgreement(w http.ResponseWriter, r *http.Request, a *Account, m *site) {
	if r.PathValue("merchant") != m.ID {
		http.NotFound(w, r)
		return
	}
	s.payPage(w, "pay_agreement", "服务详情", a, m)
}

// payClose ends the 代扣 agreement: the merchant can no longer charge, so its auto-renew is off.
func (s *Server) payClose(w http.ResponseWriter, r *http.Request, a *Account, m *site) {
	if r.PathValue("merchant") != m.ID {
		http.NotFound(w, r)
		return
	}
	s.store.updateByPayToken(a.PayToken, func(a *Account) { a.Member.AutoRenew = false })
	http.Redirect(w, r, "/deduct/"+m.ID, http.StatusSeeOther)
}
