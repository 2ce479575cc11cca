package browser

import (
	"context"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// Locale is what the browser's pages see of language and time zone. It is the browser's, not the device's:
// the engine emulates no locale, so a site sees the machine's (LANG, TZ), and the evidence records which.
type Locale struct {
	Language  string   `json:"language"`  // navigator.language
	Languages []string `json:"languages"` // navigator.languages: the Accept-Language order
	TimeZone  string   `json:"time_zone"` // Intl.DateTimeFormat().resolvedOptions().timeZone
}

// localeTimeout bounds the look at a blank page; a browser too busy to answer leaves the locale unknown.
const localeTimeout = 10 * time.Second

// measureLocale asks a blank page in a throwaway context; the zero Locale when it cannot (provenance is
// recorded as unknown, a run is never stopped for it).
func measureLocale(rb *rod.Browser) Locale {
	ctx, cancel := context.WithTimeout(context.Background(), localeTimeout)
	defer cancel()
	inc, err := rb.Context(ctx).Incognito()
	if err != nil {
		return Locale{}
	}
	defer func() { _ = inc.Close() }()
	p, err := inc.Page(proto.TargetCreateTarget{URL: "about:blank"})
	if err != nil {
		return Locale{}
	}
	defer func() { _ = p.Close() }()
	var l Locale
	res, err := p.Eval(`() => ({language: navigator.language, languages: Array.from(navigator.languages),
		time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone})`)
	if err != nil || res.Value.Unmarshal(&l) != nil {
		return Locale{}
	}
	return l
}

// Locale is what the browser's pages see of language and zone, measured when it was connected (zero when
// it did not answer then).
func (b *Browser) Locale() Locale { return b.locale }
