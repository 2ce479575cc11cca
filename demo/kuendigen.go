package demo

import (
	"net/http"
	"strings"
)

// The German site follows §312k BGB: the footer button „Verträge hier kündigen“ on every page leads, with or
// without login, to a confirmation page that asks only for what the law lists, and „jetzt kündigen“ sends it.

type kuendigenForm struct {
	Name, Contract, Email string
	Error                 string
}

func (s *Server) kuendigenPage(w http.ResponseWriter, r *http.Request, q req) {
	var f kuendigenForm
	if q.acct != nil { // logged in: the form comes filled in
		f = kuendigenForm{Name: "Demo Kunde", Contract: q.acct.Contract, Email: "demo@example.invalid"}
	}
	s.page(w, http.StatusOK, "kuendigen", q, view{Title: "Vertrag kündigen", Data: f})
}

func (s *Server) kuendigen(w http.ResponseWriter, r *http.Request, q req) {
	f := kuendigenForm{Name: strings.TrimSpace(r.PostFormValue("name")),
		Contract: strings.TrimSpace(r.PostFormValue("contract")), Email: strings.TrimSpace(r.PostFormValue("email"))}
	if f.Name == "" || f.Contract == "" || f.Email == "" {
		f.Error = "Bitte füllen Sie Name, Vertrag und E-Mail-Adresse aus."
		s.page(w, http.StatusUnprocessableEntity, "kuendigen", q, view{Title: "Vertrag kündigen", Data: f})
		return
	}
	if q.acct != nil {
		s.store.update(q.acct.SID, func(a *Account) { a.Member.AutoRenew = false })
	}
	redirect(w, r, q, "kuendigen/bestaetigt")
}

func (s *Server) kuendigenDone(w http.ResponseWriter, r *http.Request, q req) {
	n := notice{State: "Kündigung eingegangen",
		Paras: []string{"Ihre Kündigung ist am " + q.site.DateTime(s.now()) + " bei uns eingegangen."},
		Back:  link{"Zur Startseite", "/" + q.site.ID + "/"}}
	if q.acct != nil {
		n.Paras = append(n.Paras, "Ihre Mitgliedschaft endet zum "+q.site.Date(q.acct.Member.Expires)+"; es erfolgt keine weitere Abbuchung.",
			"Eine Bestätigung haben wir an Ihre E-Mail-Adresse gesendet.")
	} else {
		n.Paras = append(n.Paras, "Wir ordnen die Kündigung Ihrem Vertrag zu und bestätigen sie per E-Mail.")
	}
	s.notice(w, q, "Eingangsbestätigung", n)
}
