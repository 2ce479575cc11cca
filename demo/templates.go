package demo

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// The sites' pages: templates/layout/ holds the shared frames (one per site family) and the stylesheet,
// templates/*.html one page each, rendered inside a frame.
//
//go:embed templates
var templateFS embed.FS

type templates struct {
	pages map[string]*template.Template
}

func parseTemplates() (*templates, error) {
	css, err := fs.ReadFile(templateFS, "templates/layout/style.css")
	if err != nil {
		return nil, fmt.Errorf("demo: stylesheet: %w", err)
	}
	funcs := template.FuncMap{
		// The stylesheet is ours and static: inlined so the pages need no second request.
		"stylesheet": func() template.CSS { return template.CSS(css) },
		"shelf":      func(s *site, items []product) shelf { return shelf{Site: s, Items: items} },
		"inc":        func(i int) int { return i + 1 },
	}
	base, err := template.New("base").Funcs(funcs).ParseFS(templateFS, "templates/layout/*.html")
	if err != nil {
		return nil, fmt.Errorf("demo: layouts: %w", err)
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("demo: pages: %w", err)
	}
	t := &templates{pages: map[string]*template.Template{}}
	for _, f := range files {
		page, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("demo: page %s: %w", f, err)
		}
		if page, err = page.ParseFS(templateFS, f); err != nil {
			return nil, fmt.Errorf("demo: page %s: %w", f, err)
		}
		t.pages[strings.TrimSuffix(path.Base(f), ".html")] = page
	}
	return t, nil
}

// render executes a page into a buffer first, so a template error becomes a clean 500.
func (t *templates) render(w http.ResponseWriter, status int, name string, data any) {
	page, ok := t.pages[name]
	if !ok {
		http.Error(w, "demo: no page "+name, http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := page.ExecuteTemplate(&buf, name+".html", data); err != nil {
		http.Error(w, fmt.Sprintf("demo: page %s: %v", name, err), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// Every audit must see the current state, never a cached page.
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes()) // a visitor gone mid-page: nothing to do
}

// shelf is a product grid's data.
type shelf struct {
	Site  *site
	Items []product
}

// view is what every merchant page gets.
type view struct {
	Site  *site
	Title string
	Nav   string   // active nav entry: home, cards, codes, vip, orders, help
	Acct  *Account // nil when logged out
	Flash string
	// PayEntry is the link to the payment channel's 代扣 page for this account (site 6 only).
	PayEntry string
	Data     any
}
