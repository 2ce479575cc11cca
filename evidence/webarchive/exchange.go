// Package webarchive turns the HTTP traffic a run recorded into files a third party can open with the
// tools of web archiving: a WACZ package (WARC/1.1 records, a CDXJ index, the run's pages; WACZ 1.1.1) and a
// HAR 1.2 log of the same exchanges. Nothing here does I/O: exchanges and pages in, bytes out. What may not
// be written (credentials, the scenario's secrets) is removed before, by Sanitize.
package webarchive

import (
	"net/url"
	"strings"
	"time"
)

// Header is one header line, in the order the browser reported them. A header sent several times is
// several Headers.
type Header struct {
	Name  string
	Value string
}

// Exchange is one request and, when one came, its response, as the browser saw them. A redirect is an
// exchange of its own (the next hop is the next exchange).
type Exchange struct {
	// ID is unique within one capture (the page, the browser's request id and the hop).
	ID      string
	Started time.Time // when the request was sent (wall clock)
	Method  string
	URL     string
	// HTTPVersion is the protocol as the browser names it: "http/1.1", "h2", "h3"; "" when not known.
	HTTPVersion    string
	RequestHeaders []Header
	RequestBody    []byte
	// Cookies are the names of the cookies the request carried (their values are never kept: see Sanitize).
	Cookies []string
	// Response is nil when none came: the request failed, was cancelled, or was still open when the
	// capture ended (Error says which).
	Response *Response
	Error    string
	Timings  Timings
	// FromMemory: not seen on the network but read from a page's memory after it had loaded (a page that
	// was already showing when the capture began, a popup followed after it opened). There is no request
	// and no response header; the content is kept as a WARC resource record and left out of the HAR.
	FromMemory bool
}

// Response is what came back for an exchange.
type Response struct {
	Received    time.Time
	Status      int
	StatusText  string
	HTTPVersion string
	Headers     []Header
	MIMEType    string // as the browser determined it, without parameters
	// Body is the decoded body (content encodings undone by the browser), whole or cut (see Truncated).
	Body []byte
	// Size is the decoded body's length as received, which is len(Body) unless the body was cut or omitted;
	// -1 when not known.
	Size int64
	// Truncated says why Body is not the whole body, in WARC-Truncated words: "length" (over the size
	// limit), "unspecified" (it could not be read, or was withheld); "" when Body is complete.
	Truncated string
	// Note says in words what happened to the body when it is not complete, for a reader of the HAR.
	Note        string
	RemoteIP    string
	RemotePort  int
	FromCache   bool
	RedirectURL string // the Location of a redirect, resolved
	// Cookies are the names of the cookies the response set (values never kept).
	Cookies []string
}

// Timings are the phases of an exchange in milliseconds, -1 when not known (as HAR counts them).
type Timings struct {
	Send    float64
	Wait    float64
	Receive float64
}

// Page is one entry of pages.jsonl and of the HAR's pages: a screen of the run, at the step that showed it.
type Page struct {
	ID    string
	URL   string
	Title string
	TS    time.Time
}

// Package is everything the archive files are made of.
type Package struct {
	Exchanges []Exchange
	Pages     []Page
	Created   time.Time
	// Software names the tool that made the archive: "cancelpath 1.4.0".
	Software string
	// Browser is the browser's product string ("Chrome/156.0.8078.73"), for the HAR's browser field.
	Browser     string
	Title       string
	Description string
	// Masking is what the capture withheld or replaced, declared in the warcinfo record, the datapackage and
	// the HAR's comment.
	Masking Masking
}

// Masking declares what was withheld from the archive, never the values themselves.
type Masking struct {
	// Statements are fixed sentences about what every archive leaves out (the login's traffic, say).
	Statements []string `json:"statements,omitempty"`
	// Headers are the names of headers whose values were replaced by "[masked]" (session credentials).
	Headers []string `json:"headers,omitempty"`
	// MaskedValues counts the header values replaced by "[masked]".
	MaskedValues int `json:"masked_values"`
	// SecretReplacements counts the places a secret value (in any of its encodings) was replaced by "***".
	SecretReplacements int `json:"secret_replacements"`
	// BodiesWithheld counts bodies left out because they held a secret but were not text, so the secret
	// could not be replaced without corrupting them.
	BodiesWithheld int `json:"bodies_withheld"`
}

// header returns the first value of the named header, case-insensitively.
func header(hs []Header, name string) string {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// httpURL tells whether u is an http(s) URL: only those can be archived and replayed.
func httpURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}
