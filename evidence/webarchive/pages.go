package webarchive

import (
	"bytes"
	"encoding/json"
	"time"
)

// pagesHeader is the first line of pages.jsonl (WACZ 1.1.1, "pages.jsonl").
type pagesHeader struct {
	Format string `json:"format"`
	ID     string `json:"id"`
	Title  string `json:"title"`
}

type pageLine struct {
	ID    string `json:"id"`
	URL   string `json:"url"`
	TS    string `json:"ts"`
	Title string `json:"title,omitempty"`
}

// PagesJSONL is pages/pages.jsonl: a header line, then one line per page with its URL, its time (RFC 3339,
// UTC, milliseconds) and its title. Pages without a URL (the page did not answer) are left out: a reader
// could not open them.
func PagesJSONL(pages []Page) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(pagesHeader{Format: "json-pages-1.0", ID: "pages", Title: "All Pages"}); err != nil {
		return nil, err
	}
	for _, p := range pages {
		if p.URL == "" {
			continue
		}
		if err := enc.Encode(pageLine{ID: p.ID, URL: p.URL, TS: PageTime(p.TS), Title: p.Title}); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}

// PageTime is t as the archive writes a time: RFC 3339 in UTC with milliseconds, the precision the run's
// times carry. A page is found by its URL and this text, so whoever refers to a page (the regulator's
// sheet) writes it with this function. "" for the zero time.
func PageTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}
