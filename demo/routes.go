package demo

import (
	"net/http"
	"net/url"
)

// sessionCookie holds the merchant session. Its Path is the site's prefix, so the sites sharing one origin
// never see each other's sessions.
const sessionCookie = "cp_sid"

// req is what a merchant handler works with: the site and the logged-in account (nil when logged out).
type req struct {
	site *site
	acct *Account
}

type siteHandler func(w http.ResponseWriter, r *http.Request, q req)

func (s *Server) siteRoutes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.index)
	mux.HandleFunc("GET /{site}", s.slash)
	open := func(pattern string, h siteHandler) { mux.Handle(pattern, s.withSite(h, false)) }
	auth := func(pattern string, h siteHandler) { mux.Handle(pattern, s.withSite(h, true)) }

	open("GET /{site}/{$}", s.home)
	open("GET /{site}/login", s.loginPage)
	open("POST /{site}/login", s.login)
	open("GET /{site}/logout", s.logout)
	open("GET /{site}/cards", s.products("cards"))
	open("GET /{site}/codes", s.products("codes"))
	auth("POST /{site}/buy", s.buy)
	open("GET /{site}/vip", s.vip)
	auth("POST /{site}/vip/checkout", s.checkout)
	auth("POST /{site}/vip/pay", s.subscribe)
	auth("GET /{site}/vip/done", s.subscribed)
	auth("GET /{site}/orders", s.orders)
	open("GET /{site}/help", s.help)
	open("GET /{site}/help/faq", s.faq)
	open("GET /{site}/help/faq/{slug}", s.article)
	auth("GET /{site}/account", s.account)
	auth("GET /{site}/status", s.status)

	// The cancel paths (cancel.go, kuendigen.go); each answers 404 on the sites that do not have it.
	auth("POST /{site}/autorenew/off", s.autorenewOff)
	auth("POST /{site}/autorenew/on", only(FlawCompliant, s.autorenewOn))
	auth("GET /{site}/account/renewal", only(FlawHelpMaze, s.renewalPage))
	auth("GET /{site}/cancel/{step}", only(FlawGauntlet, s.retentionScreen))
	auth("GET /{site}/review", only(FlawSlowReview, s.reviewNotice))
	auth("GET /{site}/unsubscribed", only(FlawFalseSuccess, s.unsubscribedNotice))
	auth("GET /{site}/service", only(FlawCustomerService, s.servicePage))
	open("GET /{site}/kuendigen", only(FlawKuendigung, s.kuendigenPage))
	open("POST /{site}/kuendigen", only(FlawKuendigung, s.kuendigen))
	open("GET /{site}/kuendigen/bestaetigt", only(FlawKuendigung, s.kuendigenDone))
	return mux
}

// withSite resolves the site and the session; with auth it sends logged-out visitors to the login page.
func (s *Server) withSite(h siteHandler, auth bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st, ok := s.byID[r.PathValue("site")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		q := req{site: st}
		if c, err := r.Cookie(sessionCookie); err == nil {
			if a, ok := s.store.get(c.Value); ok && a.Site == st.ID {
				q.acct = &a
			}
		}
		if auth && q.acct == nil {
			next := ""
			if r.Method == http.MethodGet {
				next = "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, "/"+st.ID+"/login"+next, http.StatusSeeOther)
			return
		}
		h(w, r, q)
	})
}

// only limits a handler to the site with this flaw.
func only(f Flaw, h siteHandler) siteHandler {
	return func(w http.ResponseWriter, r *http.Request, q req) {
		if q.site.Flaw != f {
			http.NotFound(w, r)
			return
		}
		h(w, r, q)
	}
}

func (s *Server) page(w http.ResponseWriter, status int, name string, q req, v view) {
	v.Site, v.Acct = q.site, q.acct
	s.tmpl.render(w, status, name, v)
}

// redirect answers a form post or a moved page with 303 to a path inside the site.
func redirect(w http.ResponseWriter, r *http.Request, q req, rel string) {
	http.Redirect(w, r, "/"+q.site.ID+"/"+rel, http.StatusSeeOther)
}

// index lists the sites at the root, for people clicking through `demo --serve`.
func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	s.tmpl.render(w, http.StatusOK, "index", struct {
		Sites      []*site
		User, Pass string
		PayURL     string
	}{s.sites, DemoUser, DemoPass, s.payURL})
}

func (s *Server) slash(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.byID[r.PathValue("site")]; !ok {
		http.NotFound(w, r)
		return
	}
	http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
}
