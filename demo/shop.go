package demo

import (
	"net/http"
	"strings"
)

func (s *Server) home(w http.ResponseWriter, r *http.Request, q req) {
	ps := productsFor(q.site.Lang)
	s.page(w, http.StatusOK, "home", q, view{Title: q.site.t("首页", "Startseite"), Nav: "home",
		Data: struct{ Cards, Codes []product }{inCategory(ps, "cards"), inCategory(ps, "codes")}})
}

func (s *Server) products(cat string) siteHandler {
	return func(w http.ResponseWriter, r *http.Request, q req) {
		title := q.site.t("游戏点卡", "Gamecards")
		if cat == "codes" {
			title = q.site.t("激活码", "Aktivierungscodes")
		}
		s.page(w, http.StatusOK, "products", q, view{Title: title, Nav: cat, Data: inCategory(productsFor(q.site.Lang), cat)})
	}
}

// buy delivers a card code at once, as 卡盟 shops do (自动发货).
func (s *Server) buy(w http.ResponseWriter, r *http.Request, q req) {
	p, ok := findProduct(q.site.Lang, r.PostFormValue("p"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	code, err := randomID()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	code = strings.ToUpper(code[0:4] + "-" + code[4:8] + "-" + code[8:12] + "-" + code[12:16])
	now := s.now()
	s.store.update(q.acct.SID, func(a *Account) {
		a.Orders = append(a.Orders, Order{No: orderNo(now, len(a.Orders)+1), Item: p.Name + " " + p.Face,
			PriceCent: p.PriceCent, Created: now, Status: q.site.t("已发货", "geliefert"), Code: code})
	})
	redirect(w, r, q, "orders")
}

func (s *Server) orders(w http.ResponseWriter, r *http.Request, q req) {
	s.page(w, http.StatusOK, "orders", q, view{Title: q.site.t("订单管理", "Bestellungen"), Nav: "orders"})
}

// vip is the plan page: price, the auto-renew checkbox (pre-ticked only where the site's flaw says so) and
// the renewal terms next to the subscribe button.
func (s *Server) vip(w http.ResponseWriter, r *http.Request, q req) {
	s.page(w, http.StatusOK, "vip", q, view{Title: q.site.t("会员中心", "Mitgliedschaft"), Nav: "vip"})
}

func (s *Server) checkout(w http.ResponseWriter, r *http.Request, q req) {
	s.page(w, http.StatusOK, "checkout", q, view{Title: q.site.t("收银台", "Bestellung prüfen"), Nav: "vip",
		Data: struct {
			OrderNo   string
			AutoRenew bool
		}{orderNo(s.now(), len(q.acct.Orders)+1), r.PostFormValue("autorenew") == "1"}})
}

// subscribe "pays" and starts or extends the membership with the auto-renew choice made on the plan page.
func (s *Server) subscribe(w http.ResponseWriter, r *http.Request, q req) {
	renew := r.PostFormValue("autorenew") == "1"
	now := s.now()
	s.store.update(q.acct.SID, func(a *Account) {
		from := a.Member.Expires
		if !a.Member.Active || from.Before(now) {
			from = now
		}
		a.Member = Membership{Active: true, AutoRenew: renew, Plan: a.Member.Plan, PriceCent: q.site.PriceCent,
			Expires: from.AddDate(0, 1, 0)}
		a.ReviewPending = false
		a.Orders = append(a.Orders, Order{No: orderNo(now, len(a.Orders)+1), Item: q.site.memberItem(),
			PriceCent: q.site.PriceCent, Created: now, Status: q.site.t("已支付", "bezahlt")})
	})
	redirect(w, r, q, "vip/done")
}

func (s *Server) subscribed(w http.ResponseWriter, r *http.Request, q req) {
	s.page(w, http.StatusOK, "vip_done", q, view{Title: q.site.t("开通成功", "Abo aktiv"), Nav: "vip"})
}
