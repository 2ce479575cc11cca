package webarchive

import (
	"mime"
	"slices"
	"strings"
	"unicode/utf8"
)

// MaskedValue replaces the value of a session header.
const MaskedValue = "[masked]"

// sessionHeaders carry the session's credentials: whoever holds their values is logged in as the auditor.
var sessionHeaders = []string{"Cookie", "Set-Cookie", "Authorization", "Proxy-Authorization"}

// IsSessionHeader tells whether a header's value is a session credential, masked whatever it holds.
func IsSessionHeader(name string) bool {
	_, ok := sessionHeader(name)
	return ok
}

// sessionHeader spells a session header the way the list declares it, whatever case it came in (h2 sends
// names in lower case); false when name is not one.
func sessionHeader(name string) (string, bool) {
	for _, h := range sessionHeaders {
		if strings.EqualFold(name, h) {
			return h, true
		}
	}
	return "", false
}

// Scrubber replaces every secret in text (in each encoding it may take) and says how many it replaced.
type Scrubber func(text string) (string, int)

// Sanitize removes from ex what an archive may not hold, and adds what it did to m: the values of session
// headers become "[masked]"; secrets are replaced by scrub in the URL, every header, the request body and
// text response bodies; a body that is not text but holds a secret is withheld whole (replacing bytes in an
// image would corrupt it and still prove nothing). A nil scrub masks session headers only.
func Sanitize(ex *Exchange, scrub Scrubber, m *Masking) {
	if scrub == nil {
		scrub = func(s string) (string, int) { return s, 0 }
	}
	str := func(s string) string {
		out, n := scrub(s)
		m.SecretReplacements += n
		return out
	}
	ex.URL = str(ex.URL)
	ex.Error = str(ex.Error)
	ex.Cookies = cookieNames(ex.Cookies, ex.RequestHeaders, false, str)
	ex.RequestHeaders = sanitizeHeaders(ex.RequestHeaders, str, m)
	if len(ex.RequestBody) > 0 {
		ex.RequestBody = sanitizeBody(ex.RequestBody, header(ex.RequestHeaders, "Content-Type"), scrub, m)
	}
	r := ex.Response
	if r == nil {
		return
	}
	r.StatusText = str(r.StatusText)
	r.RedirectURL = str(r.RedirectURL)
	r.Note = str(r.Note)
	r.Cookies = cookieNames(r.Cookies, r.Headers, true, str)
	r.Headers = sanitizeHeaders(r.Headers, str, m)
	if len(r.Body) > 0 {
		body := sanitizeBody(r.Body, r.MIMEType, scrub, m)
		if body == nil {
			r.Truncated = "unspecified"
			r.Note = "withheld: the body held a secret value and is not text, so the value could not be masked in it"
		}
		r.Body = body
	}
}

func sanitizeHeaders(hs []Header, str func(string) string, m *Masking) []Header {
	out := make([]Header, 0, len(hs))
	for _, h := range hs {
		h.Name = str(h.Name)
		if canonical, ok := sessionHeader(h.Name); ok {
			if h.Value != "" {
				h.Value = MaskedValue
				m.MaskedValues++
				if !slices.Contains(m.Headers, canonical) {
					m.Headers = append(m.Headers, canonical)
					slices.Sort(m.Headers)
				}
			}
		} else {
			h.Value = str(h.Value)
		}
		out = append(out, h)
	}
	return out
}

// cookieNames adds to names those of the cookies in the Cookie (or, for a response, Set-Cookie) headers,
// before their values are masked: which cookies the session used is part of the record, their values are
// credentials.
func cookieNames(names []string, hs []Header, response bool, str func(string) string) []string {
	for _, h := range hs {
		switch {
		case !response && strings.EqualFold(h.Name, "Cookie"):
			for _, part := range strings.Split(h.Value, ";") {
				if name, _, _ := strings.Cut(strings.TrimSpace(part), "="); name != "" {
					names = append(names, str(name))
				}
			}
		case response && strings.EqualFold(h.Name, "Set-Cookie"):
			first, _, _ := strings.Cut(h.Value, ";")
			if name, _, _ := strings.Cut(strings.TrimSpace(first), "="); name != "" {
				names = append(names, str(name))
			}
		}
	}
	return names
}

// sanitizeBody returns body with secrets replaced when it is text, body itself when it holds none, and nil
// when it holds one but is not text.
func sanitizeBody(body []byte, contentType string, scrub Scrubber, m *Masking) []byte {
	out, n := scrub(string(body))
	if n == 0 {
		return body
	}
	if !IsText(contentType, body) {
		m.BodiesWithheld++
		return nil
	}
	m.SecretReplacements += n
	return []byte(out)
}

// IsText tells whether a body of the given media type can be read and edited as text: text/*, JSON,
// JavaScript, XML (SVG included), form data; with no type, a body that is valid UTF-8 without NULs.
func IsText(contentType string, body []byte) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(contentType))
	}
	switch {
	case mt == "":
		return utf8.Valid(body) && !slices.Contains(body, 0)
	case strings.HasPrefix(mt, "text/"),
		strings.HasSuffix(mt, "/json"), strings.HasSuffix(mt, "+json"),
		strings.HasSuffix(mt, "/xml"), strings.HasSuffix(mt, "+xml"),
		strings.HasSuffix(mt, "javascript"), strings.HasSuffix(mt, "ecmascript"),
		mt == "application/x-www-form-urlencoded", mt == "application/manifest+json":
		return true
	}
	return false
}
