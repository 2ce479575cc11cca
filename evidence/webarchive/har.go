package webarchive

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// HAR 1.2 (w3c.github.io/web-performance/specs/HAR/Overview.html): the fields the spec requires are always
// written, optional ones when known.

type harFile struct {
	Log harLog `json:"log"`
}

type harLog struct {
	Version string      `json:"version"`
	Creator harCreator  `json:"creator"`
	Browser *harCreator `json:"browser,omitempty"`
	Pages   []harPage   `json:"pages"`
	Entries []harEntry  `json:"entries"`
	Comment string      `json:"comment,omitempty"`
}

type harCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type harPage struct {
	StartedDateTime string         `json:"startedDateTime"`
	ID              string         `json:"id"`
	Title           string         `json:"title"`
	PageTimings     harPageTimings `json:"pageTimings"`
}

type harPageTimings struct {
	OnContentLoad float64 `json:"onContentLoad"`
	OnLoad        float64 `json:"onLoad"`
}

type harEntry struct {
	PageRef         string      `json:"pageref,omitempty"`
	StartedDateTime string      `json:"startedDateTime"`
	Time            float64     `json:"time"`
	Request         harRequest  `json:"request"`
	Response        harResponse `json:"response"`
	Cache           struct{}    `json:"cache"`
	Timings         harTimings  `json:"timings"`
	ServerIPAddress string      `json:"serverIPAddress,omitempty"`
	Comment         string      `json:"comment,omitempty"`
}

type harRequest struct {
	Method      string       `json:"method"`
	URL         string       `json:"url"`
	HTTPVersion string       `json:"httpVersion"`
	Cookies     []harCookie  `json:"cookies"`
	Headers     []harNV      `json:"headers"`
	QueryString []harNV      `json:"queryString"`
	PostData    *harPostData `json:"postData,omitempty"`
	HeadersSize int          `json:"headersSize"`
	BodySize    int          `json:"bodySize"`
}

type harResponse struct {
	Status      int         `json:"status"`
	StatusText  string      `json:"statusText"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []harCookie `json:"cookies"`
	Headers     []harNV     `json:"headers"`
	Content     harContent  `json:"content"`
	RedirectURL string      `json:"redirectURL"`
	HeadersSize int         `json:"headersSize"`
	BodySize    int         `json:"bodySize"`
}

type harCookie struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harPostData struct {
	MimeType string  `json:"mimeType"`
	Params   []harNV `json:"params"`
	Text     string  `json:"text"`
	Comment  string  `json:"comment,omitempty"`
}

type harContent struct {
	Size     int64  `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	Encoding string `json:"encoding,omitempty"`
	Comment  string `json:"comment,omitempty"`
}

type harTimings struct {
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

// HAR is p's exchanges as a HAR 1.2 log, with the run's pages. Exchanges read from memory have no request
// or response to describe and are left out (the log's comment counts them); failed ones are entries with
// status 0 and the browser's error as their comment, as browsers export them. Cookie values are never
// written: each cookie is listed by name with the value "[masked]".
func HAR(p Package, toolVersion string) ([]byte, error) {
	log := harLog{Version: "1.2", Creator: harCreator{Name: "cancelpath", Version: toolVersion},
		Pages: []harPage{}, Entries: []harEntry{}}
	if name, version, ok := strings.Cut(p.Browser, "/"); ok {
		log.Browser = &harCreator{Name: name, Version: version}
	}
	for _, pg := range p.Pages {
		if pg.URL == "" {
			continue
		}
		log.Pages = append(log.Pages, harPage{StartedDateTime: PageTime(pg.TS), ID: pg.ID, Title: pg.Title,
			PageTimings: harPageTimings{OnContentLoad: -1, OnLoad: -1}})
	}
	fromMemory := 0
	for i := range p.Exchanges {
		ex := &p.Exchanges[i]
		if ex.FromMemory {
			fromMemory++
			continue
		}
		log.Entries = append(log.Entries, harEntryOf(ex, pageRef(p.Pages, ex.Started)))
	}
	var notes []string
	if fromMemory > 0 {
		notes = append(notes, fmt.Sprintf("%d resources of pages already loaded when recording began were read from "+
			"the pages' memory: they are in archive.wacz as resource records, not here", fromMemory))
	}
	notes = append(notes, p.Masking.Statements...)
	if len(p.Masking.Headers) > 0 {
		notes = append(notes, fmt.Sprintf("%d values of the headers %s replaced by %s", p.Masking.MaskedValues,
			strings.Join(p.Masking.Headers, ", "), MaskedValue))
	}
	notes = append(notes, fmt.Sprintf("%d secret values replaced by ***; %d bodies withheld because they held one",
		p.Masking.SecretReplacements, p.Masking.BodiesWithheld))
	log.Comment = strings.Join(notes, "; ")
	out, err := json.MarshalIndent(harFile{Log: log}, "", " ")
	if err != nil {
		return nil, fmt.Errorf("har: %w", err)
	}
	return out, nil
}

// pageRef is the id of the last page that began at or before t: the step the request belongs to.
func pageRef(pages []Page, t time.Time) string {
	ref := ""
	for _, p := range pages {
		if p.URL != "" && !p.TS.After(t) {
			ref = p.ID
		}
	}
	return ref
}

func harEntryOf(ex *Exchange, ref string) harEntry {
	e := harEntry{PageRef: ref, StartedDateTime: PageTime(ex.Started), Comment: ex.Error,
		Request: harRequest{Method: orDefault(ex.Method, "GET"), URL: ex.URL, HTTPVersion: harVersion(ex.HTTPVersion),
			Cookies: harCookies(ex.Cookies), Headers: harHeaders(ex.RequestHeaders), QueryString: queryString(ex.URL),
			HeadersSize: -1, BodySize: len(ex.RequestBody)},
		Timings: harTimings{Send: nonNegative(ex.Timings.Send), Wait: nonNegative(ex.Timings.Wait),
			Receive: nonNegative(ex.Timings.Receive)}}
	e.Time = e.Timings.Send + e.Timings.Wait + e.Timings.Receive
	if len(ex.RequestBody) > 0 {
		pd := &harPostData{MimeType: header(ex.RequestHeaders, "Content-Type"), Params: []harNV{}}
		if utf8.Valid(ex.RequestBody) {
			pd.Text = string(ex.RequestBody)
		} else {
			pd.Comment = "the body is not text; archive.wacz holds its bytes"
		}
		e.Request.PostData = pd
	}
	r := ex.Response
	if r == nil {
		e.Response = harResponse{Cookies: []harCookie{}, Headers: []harNV{}, Content: harContent{MimeType: "x-unknown"},
			HeadersSize: -1, BodySize: -1}
		return e
	}
	e.ServerIPAddress = r.RemoteIP
	e.Response = harResponse{Status: r.Status, StatusText: r.StatusText, HTTPVersion: harVersion(r.HTTPVersion),
		Cookies: harCookies(r.Cookies), Headers: harHeaders(r.Headers), RedirectURL: r.RedirectURL, HeadersSize: -1,
		BodySize: -1}
	mt := orDefault(header(r.Headers, "Content-Type"), orDefault(r.MIMEType, "x-unknown"))
	c := harContent{Size: r.Size, MimeType: mt, Comment: r.Note}
	if c.Size < 0 {
		c.Size = int64(len(r.Body))
	}
	if len(r.Body) > 0 {
		if IsText(r.MIMEType, r.Body) && utf8.Valid(r.Body) {
			c.Text = string(r.Body)
		} else {
			c.Text, c.Encoding = base64.StdEncoding.EncodeToString(r.Body), "base64"
		}
	}
	e.Response.Content = c
	return e
}

// harVersion is the protocol as HAR writes it ("HTTP/1.1", "h2").
func harVersion(v string) string {
	switch strings.ToLower(v) {
	case "http/1.0":
		return "HTTP/1.0"
	case "http/1.1":
		return "HTTP/1.1"
	}
	return v
}

func harHeaders(hs []Header) []harNV {
	out := make([]harNV, 0, len(hs))
	for _, h := range hs {
		out = append(out, harNV(h))
	}
	return out
}

func harCookies(names []string) []harCookie {
	out := make([]harCookie, 0, len(names))
	for _, n := range names {
		out = append(out, harCookie{Name: n, Value: MaskedValue})
	}
	return out
}

// queryString is the URL's query as name/value pairs in their order, decoded where they can be.
func queryString(raw string) []harNV {
	out := []harNV{}
	u, err := url.Parse(raw)
	if err != nil || u.RawQuery == "" {
		return out
	}
	for _, part := range strings.Split(u.RawQuery, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		out = append(out, harNV{Name: unescape(name), Value: unescape(value)})
	}
	return out
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

func nonNegative(f float64) float64 {
	if f < 0 {
		return 0
	}
	return f
}
