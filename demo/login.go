package demo

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

type loginData struct{ Error, Next string }

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request, q req) {
	s.page(w, http.StatusOK, "login", q, view{Title: q.site.t("登录", "Anmelden"), Nav: "login",
		Data: loginData{Next: r.URL.Query().Get("next")}})
}

// login checks the demo account and starts a fresh account state under a new session cookie.
func (s *Server) login(w http.ResponseWriter, r *http.Request, q req) {
	if r.PostFormValue("username") != DemoUser || r.PostFormValue("password") != DemoPass {
		s.page(w, http.StatusUnauthorized, "login", req{site: q.site}, view{Title: q.site.t("登录", "Anmelden"), Nav: "login",
			Data: loginData{Error: q.site.t("用户名或密码错误", "Benutzername oder Passwort falsch"), Next: r.PostFormValue("next")}})
		return
	}
	a, err := s.store.create(s.freshAccount(q.site))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: a.SID, Path: "/" + q.site.ID + "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode})
	next := r.PostFormValue("next")
	prefix := "/" + q.site.ID + "/"
	if !strings.HasPrefix(next, prefix) || strings.Contains(next, "//") {
		next = prefix
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// freshAccount is the state every login starts from: an active 连续包月 membership with auto-renew on,
// bought three days ago, and one delivered card.
func (s *Server) freshAccount(st *site) func(*Account) {
	now := s.now()
	return func(a *Account) {
		a.Site, a.User = st.ID, DemoUser
		a.Contract = "KW-" + now.Format("060102-150405")
		a.Member = Membership{Active: true, AutoRenew: true, Plan: st.t("连续包月", "Premium monatlich"),
			PriceCent: st.PriceCent, Expires: now.AddDate(0, 0, 27)}
		bought := now.Add(-72 * time.Hour)
		card := productsFor(st.Lang)[0]
		a.Orders = []Order{
			{No: orderNo(bought, 1), Item: st.memberItem(), PriceCent: st.PriceCent, Created: bought, Status: st.t("已支付", "bezahlt")},
			{No: orderNo(bought.Add(time.Hour), 2), Item: card.Name + " " + card.Face, PriceCent: card.PriceCent,
				Created: bought.Add(time.Hour), Status: st.t("已发货", "geliefert"), Code: "DEMO-7Q4K-2M9X-H3PL"},
		}
	}
}

func orderNo(t time.Time, seq int) string {
	return fmt.Sprintf("%s%04d", t.Format("20060102150405"), seq)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, q req) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/" + q.site.ID + "/", MaxAge: -1})
	redirect(w, r, q, "")
}
