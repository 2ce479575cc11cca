package webarchive

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nlnwa/gowarc/v3"
)

// WARCName is the WARC file's name inside the WACZ, as its records and index name it.
const WARCName = "data.warc.gz"

// indexEntry is what the CDXJ index says of one response or resource record.
type indexEntry struct {
	URL    string
	Time   time.Time
	Digest string
	MIME   string
	Status int
	Offset int64
	Length int64
}

// WARC writes p's exchanges as a gzipped WARC/1.1 file: a warcinfo record, then for each exchange that
// got a response its response record and its request record, each naming the other in WARC-Concurrent-To
// (a page read from memory is one resource record). Each record is its own gzip member, so a reader can
// seek to any of them (the index gives their offsets). Exchanges without a response, or not over http(s),
// are left out (the HAR has the failed ones); so are those whose records cannot be built, which skipped
// names.
func WARC(p Package) (data []byte, index []indexEntry, skipped []string, err error) {
	var out bytes.Buffer
	info, err := newRecordID()
	if err != nil {
		return nil, nil, nil, err
	}
	rec, err := warcinfo(p, info)
	if err == nil {
		_, _, err = appendRecord(&out, rec)
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("warcinfo record: %w", err)
	}
	for i := range p.Exchanges {
		ex := &p.Exchanges[i]
		if ex.Response == nil || !httpURL(ex.URL) {
			continue
		}
		entry, err := appendExchange(&out, ex, info)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("%s: %v", ex.URL, err))
			continue
		}
		index = append(index, entry)
	}
	return out.Bytes(), index, skipped, nil
}

// appendExchange writes ex's records and returns the index entry of its response (or resource) record.
// Nothing is written when a record cannot be built.
func appendExchange(out *bytes.Buffer, ex *Exchange, info string) (indexEntry, error) {
	r := ex.Response
	resID, err := newRecordID()
	if err != nil {
		return indexEntry{}, err
	}
	date := r.Received
	if date.IsZero() {
		date = ex.Started
	}
	entry := indexEntry{URL: ex.URL, Time: date, MIME: r.MIMEType, Status: r.Status}
	if ex.FromMemory {
		// No status was seen: the convention of web archive indexes for a resource record is 200.
		entry.Status = http.StatusOK
		rec := record{kind: gowarc.Resource, id: resID, info: info, uri: ex.URL, date: date,
			contentType: orDefault(r.MIMEType, "application/octet-stream"), truncated: r.Truncated, block: r.Body}
		built, err := rec.build()
		if err != nil {
			return indexEntry{}, err
		}
		entry.Digest = built.WarcHeader().Get(gowarc.WarcPayloadDigest)
		entry.Offset, entry.Length, err = appendRecord(out, built)
		return entry, err
	}
	reqID, err := newRecordID()
	if err != nil {
		return indexEntry{}, err
	}
	res := record{kind: gowarc.Response, id: resID, info: info, uri: ex.URL, date: date, concurrent: reqID,
		contentType: "application/http;msgtype=response", ip: r.RemoteIP, truncated: r.Truncated,
		block: responseBlock(r)}
	req := record{kind: gowarc.Request, id: reqID, info: info, uri: ex.URL, date: date, concurrent: resID,
		contentType: "application/http;msgtype=request", block: requestBlock(ex)}
	builtRes, err := res.build()
	if err != nil {
		return indexEntry{}, fmt.Errorf("response record: %w", err)
	}
	builtReq, err := req.build()
	if err != nil {
		_ = builtRes.Close()
		return indexEntry{}, fmt.Errorf("request record: %w", err)
	}
	entry.Digest = builtRes.WarcHeader().Get(gowarc.WarcPayloadDigest)
	mark := out.Len()
	if entry.Offset, entry.Length, err = appendRecord(out, builtRes); err == nil {
		_, _, err = appendRecord(out, builtReq)
	}
	if err != nil {
		out.Truncate(mark) // neither half of a broken pair
		return indexEntry{}, err
	}
	return entry, nil
}

// record is the WARC header fields of one record, and its block.
type record struct {
	kind        gowarc.RecordType
	id, info    string
	uri         string
	date        time.Time
	concurrent  string
	contentType string
	ip          string
	truncated   string
	block       []byte
}

func (r record) build() (gowarc.WarcRecord, error) {
	// The block stays in memory (it is bounded by the capture's body limit); digests are computed here:
	// WARC-Block-Digest and, for HTTP and resource records, WARC-Payload-Digest (SHA-256).
	b := gowarc.NewRecordBuilder(r.kind, gowarc.WithAddMissingDigest(true),
		gowarc.WithBufferMaxMemBytes(int64(len(r.block))+1<<20), gowarc.WithSpecViolationPolicy(gowarc.ErrFail),
		gowarc.WithSyntaxErrorPolicy(gowarc.ErrFail))
	b.AddWarcHeader(gowarc.WarcRecordID, "<"+r.id+">")
	b.AddWarcHeaderTime(gowarc.WarcDate, r.date)
	if r.uri != "" {
		b.AddWarcHeader(gowarc.WarcTargetURI, r.uri)
	}
	if r.info != "" {
		b.AddWarcHeader(gowarc.WarcWarcinfoID, "<"+r.info+">")
	}
	if r.concurrent != "" {
		b.AddWarcHeader(gowarc.WarcConcurrentTo, "<"+r.concurrent+">")
	}
	if r.ip != "" {
		b.AddWarcHeader(gowarc.WarcIPAddress, r.ip)
	}
	if r.truncated != "" {
		b.AddWarcHeader(gowarc.WarcTruncated, r.truncated)
	}
	b.AddWarcHeader(gowarc.ContentType, r.contentType)
	if _, err := b.Write(r.block); err != nil {
		_ = b.Close()
		return nil, err
	}
	rec, _, err := b.Build()
	return rec, err
}

// appendRecord writes rec as one gzip member at the end of out and returns where it starts and how long
// it is.
func appendRecord(out *bytes.Buffer, rec gowarc.WarcRecord) (offset, length int64, err error) {
	defer func() { _ = rec.Close() }() // in memory: closing loses nothing
	offset = int64(out.Len())
	zw := gzip.NewWriter(out)
	if _, _, err := gowarc.NewMarshaler().Marshal(zw, rec, 0); err != nil {
		return 0, 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, 0, err
	}
	return offset, int64(out.Len()) - offset, nil
}

// warcinfo is the file's first record: what made it, and what was withheld.
func warcinfo(p Package, id string) (gowarc.WarcRecord, error) {
	var b strings.Builder
	field := func(name, value string) {
		// warc-fields are one line each: a value is never allowed to break the block.
		value = strings.NewReplacer("\r", " ", "\n", " ").Replace(value)
		fmt.Fprintf(&b, "%s: %s\r\n", name, value)
	}
	field("software", p.Software)
	field("format", "WARC File Format 1.1")
	field("conformsTo", "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/")
	if p.Browser != "" {
		field("http-header-user-agent", p.Browser)
	}
	if p.Title != "" {
		field("title", p.Title)
	}
	if p.Description != "" {
		field("description", p.Description)
	}
	for _, s := range p.Masking.Statements {
		field("masking", s)
	}
	if len(p.Masking.Headers) > 0 {
		field("masking", fmt.Sprintf("%d values of the headers %s replaced by %s", p.Masking.MaskedValues,
			strings.Join(p.Masking.Headers, ", "), MaskedValue))
	}
	field("masking", fmt.Sprintf("%d secret values replaced by ***; %d bodies withheld because they held one",
		p.Masking.SecretReplacements, p.Masking.BodiesWithheld))
	return record{kind: gowarc.Warcinfo, id: id, date: p.Created, contentType: gowarc.ApplicationWarcFields,
		block: []byte(b.String())}.buildInfo()
}

// buildInfo builds a warcinfo record, which carries the file's name rather than a target URI.
func (r record) buildInfo() (gowarc.WarcRecord, error) {
	b := gowarc.NewRecordBuilder(gowarc.Warcinfo, gowarc.WithAddMissingDigest(true))
	b.AddWarcHeader(gowarc.WarcRecordID, "<"+r.id+">")
	b.AddWarcHeaderTime(gowarc.WarcDate, r.date)
	b.AddWarcHeader(gowarc.WarcFilename, WARCName)
	b.AddWarcHeader(gowarc.ContentType, r.contentType)
	if _, err := b.Write(r.block); err != nil {
		_ = b.Close()
		return nil, err
	}
	rec, _, err := b.Build()
	return rec, err
}

// requestBlock is the request as HTTP/1.1 text. HTTP/2 pseudo-headers (":authority") are no HTTP/1.1
// headers and are left out; Host is added when the browser did not report it.
func requestBlock(ex *Exchange) []byte {
	var b bytes.Buffer
	target := "/"
	host := ""
	if u, err := url.Parse(ex.URL); err == nil {
		target, host = u.RequestURI(), u.Host
	}
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\n", orDefault(ex.Method, http.MethodGet), target)
	if header(ex.RequestHeaders, "Host") == "" && host != "" {
		fmt.Fprintf(&b, "Host: %s\r\n", host)
	}
	writeHeaders(&b, ex.RequestHeaders)
	b.WriteString("\r\n")
	b.Write(ex.RequestBody)
	return b.Bytes()
}

// responseBlock is the response as HTTP/1.1 text with the body as the browser decoded it. Its framing
// headers (Content-Encoding, Transfer-Encoding, Content-Length) described the bytes on the wire, not these:
// they are kept under X-Archive-Orig- names, and Content-Length is the stored body's.
func responseBlock(r *Response) []byte {
	var b bytes.Buffer
	text := r.StatusText
	if text == "" {
		text = http.StatusText(r.Status)
	}
	proto := "HTTP/1.1"
	if strings.EqualFold(r.HTTPVersion, "http/1.0") {
		proto = "HTTP/1.0"
	}
	fmt.Fprintf(&b, "%s %d %s\r\n", proto, r.Status, oneLine(text))
	hs := make([]Header, 0, len(r.Headers)+1)
	for _, h := range r.Headers {
		switch strings.ToLower(h.Name) {
		case "content-encoding", "transfer-encoding", "content-length":
			h.Name = "X-Archive-Orig-" + h.Name
		}
		hs = append(hs, h)
	}
	hs = append(hs, Header{Name: "Content-Length", Value: fmt.Sprint(len(r.Body))})
	writeHeaders(&b, hs)
	b.WriteString("\r\n")
	b.Write(r.Body)
	return b.Bytes()
}

func writeHeaders(b *bytes.Buffer, hs []Header) {
	for _, h := range hs {
		if h.Name == "" || strings.HasPrefix(h.Name, ":") || strings.ContainsAny(h.Name, " \t\r\n:") {
			continue
		}
		fmt.Fprintf(b, "%s: %s\r\n", h.Name, oneLine(h.Value))
	}
}

// oneLine keeps a header value on its line: a CR or LF in it would end the header block early.
func oneLine(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// newRecordID is a random (version 4) UUID URN, the usual WARC-Record-ID.
func newRecordID() (string, error) {
	var u [16]byte
	if _, err := rand.Read(u[:]); err != nil {
		return "", fmt.Errorf("record id: %w", err)
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16]), nil
}
