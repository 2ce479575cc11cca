package reports

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/cancelpath/cancelpath/internal/atomicfile"
	"github.com/cancelpath/cancelpath/results"
)

// maxSinglePageResults: a report of more results than this, written into a folder, is an index page (the
// rating table) plus one page per site, so that the page a reader opens first stays small whatever the size
// of the sweep. Up to it, the report is one page.
const maxSinglePageResults = 50

// sitesDir holds the per-site pages of a long sweep, inside the report's folder.
const sitesDir = "sites"

// htmlSitePage is what site.html.tmpl renders: one site's runs, on every device, in ranking order.
type htmlSitePage struct {
	W         *words
	HTMLLang  string
	Site      string // the site's name, for the title
	Index     string // the link back to the rating table
	Generated string
	Sites     []htmlSite
	Linked    bool
	file      string // its file name under sitesDir
}

// WriteFolder writes the HTML report into outDir and returns the path of report.html. Screenshots under
// opt.BaseDir are shown as thumbnails written under thumbs/ and linked to the full images. Past
// maxSinglePageResults results, report.html is the index of one page per site under sites/.
func (htmlRenderer) WriteFolder(outDir string, doc *results.Document, opt Options) (string, error) {
	if doc == nil {
		return "", errors.New("no document")
	}
	wd, err := lookupWords(opt.Lang)
	if err != nil {
		return "", err
	}
	tmpl, err := htmlTemplates()
	if err != nil {
		return "", err
	}
	out, err := os.OpenRoot(outDir)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", outDir, err)
	}
	defer func() { _ = out.Close() }() // the folder's own handle: each file in it is closed as written
	imgs := newFolderImager(opt.BaseDir, outDir, out)
	defer imgs.close()

	data := newHTMLReport(doc, wd)
	entries := results.Ranked(doc)
	var pages []*htmlSitePage
	if len(entries) > maxSinglePageResults {
		pages = buildSitePages(entries, wd, imgs, &data)
	} else {
		for i, e := range entries {
			anchor := siteAnchor(i)
			data.Rows = append(data.Rows, htmlRowFor(e, wd, anchor, "#"+anchor))
			data.Sites = append(data.Sites, htmlSiteFor(e, wd, anchor, imgs))
		}
		data.Linked = imgs.linked
	}
	imgs.finish()

	// The site pages first, so that the index never links to a page not yet written.
	for _, p := range pages {
		var buf bytes.Buffer
		if err := executeHTML(&buf, tmpl, "site.html.tmpl", p); err != nil {
			return "", err
		}
		if err := writeInRoot(out, sitesDir+"/"+p.file, buf.Bytes(), true); err != nil {
			return "", err
		}
	}
	var buf bytes.Buffer
	if err := executeHTML(&buf, tmpl, "report.html.tmpl", data); err != nil {
		return "", err
	}
	name := filepath.Join(outDir, FileName(FormatHTML))
	if err := atomicfile.Write(name, buf.Bytes()); err != nil {
		return "", err
	}
	return name, nil
}

// buildSitePages fills in the index's rows, each linking to its run on its site's page, and returns the
// pages: one per site (scenario), holding its runs on every device in ranking order.
func buildSitePages(entries []*results.Entry, wd *words, imgs *imager, index *htmlReport) []*htmlSitePage {
	byKey := map[string]*htmlSitePage{}
	var pages []*htmlSitePage
	used := map[string]bool{}
	// The pages are one folder down: their links to thumbnails and evidence climb back first.
	imgs.up = "../"
	defer func() { imgs.up = "" }()
	for i, e := range entries {
		key := siteKey(e)
		p := byKey[key]
		if p == nil {
			p = &htmlSitePage{W: wd, HTMLLang: htmlLang(wd), Site: nonEmpty(Clean(e.Site), Clean(key)), Generated: index.Generated,
				Index: "../" + FileName(FormatHTML) + "#ranking", file: siteFileName(key, used) + ".html"}
			byKey[key] = p
			pages = append(pages, p)
		}
		anchor := siteAnchor(i)
		index.Rows = append(index.Rows, htmlRowFor(e, wd, anchor, sitesDir+"/"+url.PathEscape(p.file)+"#"+anchor))
		imgs.linked = false
		p.Sites = append(p.Sites, htmlSiteFor(e, wd, anchor, imgs))
		p.Linked = p.Linked || imgs.linked
	}
	return pages
}

// siteKey groups a site's runs onto one page: its scenario id (the site's name when there is none).
func siteKey(e *results.Entry) string {
	if e.ScenarioID != "" {
		return e.ScenarioID
	}
	return e.Site
}
