package webarchive

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/nlnwa/gowarc/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 3, 1, 8, 30, 0, 123_000_000, time.UTC)

// scrubber replaces each of the secrets and counts it, as the engine's does.
func scrubber(secrets ...string) Scrubber {
	return func(s string) (string, int) {
		n := 0
		for _, sec := range secrets {
			n += strings.Count(s, sec)
			s = strings.ReplaceAll(s, sec, "***")
		}
		return s, n
	}
}

func TestSanitize(t *testing.T) {
	tests := []struct {
		name    string
		ex      Exchange
		check   func(t *testing.T, ex Exchange)
		masking Masking
	}{
		{
			name: "session headers are masked whatever their case, their cookie names kept",
			ex: Exchange{URL: "https://a.example/", RequestHeaders: []Header{{"cookie", "sid=abc; theme=dark"},
				{"Authorization", "Bearer x"}, {"Accept", "*/*"}},
				Response: &Response{Headers: []Header{{"Set-Cookie", "sid=abc; HttpOnly"}, {"set-cookie", "seen=1"},
					{"Proxy-Authorization", ""}}}},
			check: func(t *testing.T, ex Exchange) {
				assert.Equal(t, []Header{{"cookie", MaskedValue}, {"Authorization", MaskedValue}, {"Accept", "*/*"}},
					ex.RequestHeaders)
				assert.Equal(t, []string{"sid", "theme"}, ex.Cookies)
				assert.Equal(t, []string{"sid", "seen"}, ex.Response.Cookies)
				assert.Equal(t, MaskedValue, ex.Response.Headers[0].Value)
				assert.Empty(t, ex.Response.Headers[2].Value, "an empty value has nothing to mask")
			},
			masking: Masking{Headers: []string{"Authorization", "Cookie", "Set-Cookie"}, MaskedValues: 4},
		},
		{
			name: "secrets are replaced in the URL, headers and text bodies, and counted",
			ex: Exchange{URL: "https://a.example/home?u=alice", RequestHeaders: []Header{{"Referer", "https://a.example/?u=alice"}},
				RequestBody: []byte("u=alice&p=pw"), Error: "",
				Response: &Response{MIMEType: "text/html", Body: []byte("<p>hi alice, alice</p>"),
					Headers: []Header{{"Content-Type", "text/html"}, {"Location", "/x?u=alice"}}, RedirectURL: "https://a.example/x?u=alice"}},
			check: func(t *testing.T, ex Exchange) {
				assert.Equal(t, "https://a.example/home?u=***", ex.URL)
				assert.Equal(t, "https://a.example/?u=***", ex.RequestHeaders[0].Value)
				assert.Equal(t, "u=***&p=***", string(ex.RequestBody))
				assert.Equal(t, "<p>hi ***, ***</p>", string(ex.Response.Body))
				assert.Equal(t, "/x?u=***", ex.Response.Headers[1].Value)
				assert.Equal(t, "https://a.example/x?u=***", ex.Response.RedirectURL)
				assert.Empty(t, ex.Response.Truncated)
			},
			masking: Masking{SecretReplacements: 8},
		},
		{
			name: "a binary body holding a secret is withheld whole",
			ex: Exchange{URL: "https://a.example/logo.png",
				Response: &Response{MIMEType: "image/png", Body: []byte("\x89PNG\x00alice"), Size: 10}},
			check: func(t *testing.T, ex Exchange) {
				assert.Nil(t, ex.Response.Body)
				assert.Equal(t, "unspecified", ex.Response.Truncated)
				assert.Contains(t, ex.Response.Note, "withheld")
			},
			masking: Masking{BodiesWithheld: 1},
		},
		{
			name: "a binary body without a secret is kept as it is",
			ex: Exchange{URL: "https://a.example/logo.png",
				Response: &Response{MIMEType: "image/png", Body: []byte("\x89PNG\x00bob")}},
			check: func(t *testing.T, ex Exchange) {
				assert.Equal(t, []byte("\x89PNG\x00bob"), ex.Response.Body)
			},
		},
		{
			name: "no response: the request alone is sanitized",
			ex:   Exchange{URL: "https://a.example/?alice", Error: "net::ERR_FAILED for alice"},
			check: func(t *testing.T, ex Exchange) {
				assert.Equal(t, "https://a.example/?***", ex.URL)
				assert.Equal(t, "net::ERR_FAILED for ***", ex.Error)
			},
			masking: Masking{SecretReplacements: 2},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m Masking
			ex := tc.ex
			Sanitize(&ex, scrubber("alice", "pw"), &m)
			tc.check(t, ex)
			assert.Equal(t, tc.masking, m)
		})
	}
}

func TestIsText(t *testing.T) {
	tests := []struct {
		ct   string
		body string
		want bool
	}{
		{"text/html; charset=utf-8", "", true},
		{"application/json", "", true},
		{"application/ld+json", "", true},
		{"application/javascript", "", true},
		{"image/svg+xml", "", true},
		{"application/x-www-form-urlencoded", "", true},
		{"image/png", "abc", false},
		{"application/octet-stream", "abc", false},
		{"", "plain words", true},
		{"", "nul\x00byte", false},
		{"", "\xff\xfe", false},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, IsText(tc.ct, []byte(tc.body)), "%q %q", tc.ct, tc.body)
	}
}

func TestSearchableURL(t *testing.T) {
	tests := []struct{ url, want string }{
		{"https://www.Example.org/index.html", "org,example,www)/index.html"},
		{"http://example.org", "org,example)/"},
		{"https://example.org:443/a?b=1&c=2#frag", "org,example)/a?b=1&c=2"},
		{"http://shop.example.cn:8080/会员?x=1", "cn,example,shop:8080)/%E4%BC%9A%E5%91%98?x=1"},
		{"http://127.0.0.1:40123/cancel.html?u=***", "127.0.0.1:40123)/cancel.html?u=***"},
	}
	for _, tc := range tests {
		got := SearchableURL(tc.url)
		assert.Equal(t, strings.ToLower(tc.want), got, tc.url)
	}
}

func TestPagesJSONL(t *testing.T) {
	out, err := PagesJSONL([]Page{{ID: "cancel-1", URL: "https://a.example/", Title: `cancel step 1: click text="我的"`, TS: t0},
		{ID: "cancel-2", URL: "", Title: "page did not answer", TS: t0}})
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.Len(t, lines, 2, "the header and the page with a URL")
	assert.JSONEq(t, `{"format":"json-pages-1.0","id":"pages","title":"All Pages"}`, lines[0])
	assert.JSONEq(t, `{"id":"cancel-1","url":"https://a.example/","ts":"2026-03-01T08:30:00.123Z",
		"title":"cancel step 1: click text=\"我的\""}`, lines[1])
}

// testPackage is a capture of every kind of exchange: a page, a redirect, a body cut at the limit, a
// compressed response, a failed request, a page read from memory, and a data: URL that is no traffic.
func testPackage() Package {
	page := Exchange{ID: "1", Started: t0, Method: "GET", URL: "https://a.example/member?u=***", HTTPVersion: "h2",
		RequestHeaders: []Header{{":authority", "a.example"}, {"Cookie", MaskedValue}, {"Accept", "text/html"}},
		Cookies:        []string{"sid"},
		Timings:        Timings{Send: 1, Wait: 20, Receive: 3},
		Response: &Response{Received: t0.Add(21 * time.Millisecond), Status: 200, HTTPVersion: "h2", MIMEType: "text/html",
			Headers: []Header{{"content-type", "text/html; charset=utf-8"}, {"content-encoding", "gzip"},
				{"content-length", "120"}, {"set-cookie", MaskedValue}},
			Body: []byte("<html><body><button>退订</button></body></html>"), Size: 49, RemoteIP: "203.0.113.7",
			Cookies: []string{"seen"}}}
	redirect := Exchange{ID: "2", Started: t0.Add(time.Second), Method: "GET", URL: "https://a.example/go",
		HTTPVersion: "http/1.1", Timings: Timings{Send: -1, Wait: -1, Receive: -1},
		Response: &Response{Received: t0.Add(time.Second), Status: 302, StatusText: "Found", HTTPVersion: "http/1.1",
			Headers: []Header{{"Location", "/cancel"}}, RedirectURL: "https://a.example/cancel", Size: 0}}
	big := Exchange{ID: "3", Started: t0.Add(2 * time.Second), Method: "GET", URL: "https://cdn.example/big.bin",
		Response: &Response{Received: t0.Add(2 * time.Second), Status: 200, MIMEType: "application/octet-stream",
			Size: 9 << 20, Truncated: "length", Note: "body not kept: over the limit"}}
	image := Exchange{ID: "4", Started: t0.Add(3 * time.Second), Method: "GET", URL: "https://cdn.example/i.png",
		Response: &Response{Received: t0.Add(3 * time.Second), Status: 200, MIMEType: "image/png",
			Body: []byte("\x89PNG\r\n\x1a\n\x00"), Size: 9}}
	post := Exchange{ID: "5", Started: t0.Add(4 * time.Second), Method: "POST", URL: "https://a.example/api/cancel",
		RequestHeaders: []Header{{"Content-Type", "application/json"}}, RequestBody: []byte(`{"plan":"vip"}`),
		Response: &Response{Received: t0.Add(4 * time.Second), Status: 200, MIMEType: "application/json",
			Body: []byte(`{"state":"已退订"}`), Size: 20}}
	failed := Exchange{ID: "6", Started: t0.Add(5 * time.Second), Method: "GET", URL: "https://ads.example/x.js",
		Error: "the load failed: net::ERR_CONNECTION_REFUSED"}
	memory := Exchange{ID: "7", Started: t0, Method: "GET", URL: "https://a.example/", FromMemory: true,
		Response: &Response{Received: t0, MIMEType: "text/html", Body: []byte("<p>我的</p>"), Size: 13}}
	data := Exchange{ID: "8", Started: t0, Method: "GET", URL: "data:text/plain,hi",
		Response: &Response{Status: 200, Body: []byte("hi")}}
	return Package{Exchanges: []Exchange{memory, page, redirect, big, image, post, failed, data}, Created: t0.Add(time.Minute),
		Software: "cancelpath test", Browser: "Chrome/150.0.1.2", Title: "test", Description: "a test archive",
		Pages: []Page{{ID: "cancel-1", URL: "https://a.example/", Title: "cancel step 1: click text=\"我的\"", TS: t0},
			{ID: "cancel-2", URL: "https://a.example/cancel", Title: "cancel step 2: click text=\"退订\"", TS: t0.Add(1500 * time.Millisecond)}},
		Masking: Masking{Statements: []string{"the login is not recorded"}, Headers: []string{"Cookie", "Set-Cookie"},
			MaskedValues: 2, SecretReplacements: 1}}
}

type parsed struct {
	typ, id, uri, truncated, ip, payloadDigest string
	concurrent                                 []string
	status                                     int
	header                                     map[string][]string
	payload                                    []byte
	offset                                     int64
}

// parseWARC reads every record strictly (digests, lengths, syntax) with gowarc.
func parseWARC(t *testing.T, data []byte) []parsed {
	t.Helper()
	rd, err := gowarc.NewWarcFileReaderFromStream(bytes.NewReader(data), 0, gowarc.WithStrictValidation())
	require.NoError(t, err)
	defer func() { _ = rd.Close() }()
	var out []parsed
	for rec, err := range rd.Records() {
		require.NoError(t, err)
		require.Empty(t, rec.Validation)
		h := rec.WarcRecord.WarcHeader()
		p := parsed{typ: rec.WarcRecord.Type().String(), id: h.GetId(gowarc.WarcRecordID), uri: h.Get(gowarc.WarcTargetURI),
			truncated: h.Get(gowarc.WarcTruncated), ip: h.Get(gowarc.WarcIPAddress), payloadDigest: h.Get(gowarc.WarcPayloadDigest),
			offset: rec.Offset}
		for _, c := range h.GetAll(gowarc.WarcConcurrentTo) {
			p.concurrent = append(p.concurrent, strings.Trim(c, "<>"))
		}
		raw, err := rec.WarcRecord.Block().RawBytes()
		require.NoError(t, err)
		block, err := io.ReadAll(raw)
		require.NoError(t, err)
		p.payload = block
		switch b := rec.WarcRecord.Block().(type) {
		case gowarc.HttpResponseBlock:
			p.status, p.header = b.HttpStatusCode(), *b.HttpHeader()
			p.payload = block[len(b.ProtocolHeaderBytes()):]
		case gowarc.HttpRequestBlock:
			p.header = *b.HttpHeader()
			p.payload = block[len(b.ProtocolHeaderBytes()):]
		}
		out = append(out, p)
		require.NoError(t, rec.Close())
	}
	return out
}

func TestWARC(t *testing.T) {
	data, index, skipped, err := WARC(testPackage())
	require.NoError(t, err)
	assert.Empty(t, skipped)
	recs := parseWARC(t, data)
	var kinds []string
	for _, r := range recs {
		kinds = append(kinds, r.typ+" "+r.uri)
	}
	assert.Equal(t, []string{"warcinfo ",
		"resource https://a.example/",
		"response https://a.example/member?u=***", "request https://a.example/member?u=***",
		"response https://a.example/go", "request https://a.example/go",
		"response https://cdn.example/big.bin", "request https://cdn.example/big.bin",
		"response https://cdn.example/i.png", "request https://cdn.example/i.png",
		"response https://a.example/api/cancel", "request https://a.example/api/cancel",
	}, kinds, "the failed request and the data: URL are not in the WARC")
	assert.Contains(t, string(recs[0].payload), "software: cancelpath test\r\n")
	assert.Contains(t, string(recs[0].payload), "masking: the login is not recorded\r\n")

	byID := map[string]parsed{}
	for _, r := range recs {
		byID[r.id] = r
	}
	for _, r := range recs[2:] {
		require.Len(t, r.concurrent, 1, r.uri)
		assert.Equal(t, []string{r.id}, byID[r.concurrent[0]].concurrent, "the pair of %s %s names it back", r.typ, r.uri)
	}

	page := recs[2]
	assert.Equal(t, 200, page.status)
	assert.Equal(t, "203.0.113.7", page.ip)
	sum := sha256.Sum256(page.payload)
	assert.Equal(t, "sha256:"+hex.EncodeToString(sum[:]), page.payloadDigest, "the payload digest is the body's")
	assert.Equal(t, []string{"gzip"}, page.header["X-Archive-Orig-Content-Encoding"], "the body is stored decoded")
	assert.Equal(t, []string{"49"}, page.header["Content-Length"], "the stored body's length")
	assert.Equal(t, []string{MaskedValue}, page.header["Set-Cookie"])
	request := recs[3]
	assert.Equal(t, []string{MaskedValue}, request.header["Cookie"])
	assert.NotContains(t, request.header, ":authority", "no HTTP/2 pseudo-header in an HTTP/1.1 block")
	assert.Equal(t, "length", recs[6].truncated)
	assert.Empty(t, recs[6].payload)
	assert.Equal(t, `{"plan":"vip"}`, string(recs[11].payload))
	assert.Equal(t, "<p>我的</p>", string(recs[1].payload))

	require.Len(t, index, 6, "one entry per response or resource record")
	for _, e := range index {
		var at *parsed
		for i := range recs {
			if recs[i].offset == e.Offset {
				at = &recs[i]
			}
		}
		if assert.NotNil(t, at, "offset %d of %s is a record's", e.Offset, e.URL) {
			assert.Equal(t, e.URL, at.uri)
			assert.Equal(t, at.payloadDigest, e.Digest)
		}
	}
}

func TestCDXJ(t *testing.T) {
	_, index, _, err := WARC(testPackage())
	require.NoError(t, err)
	out, err := CDXJ(index)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.Len(t, lines, 6)
	for i := 1; i < len(lines); i++ {
		assert.LessOrEqual(t, lines[i-1], lines[i], "sorted by byte value")
	}
	assert.True(t, strings.HasPrefix(lines[0], "example,a)/ 20260301083000 {"), lines[0])
	var blk map[string]any
	require.NoError(t, json.Unmarshal([]byte(strings.SplitN(lines[0], " ", 3)[2]), &blk))
	for _, k := range []string{"url", "digest", "mime", "filename", "offset", "length", "status"} {
		assert.Contains(t, blk, k)
	}
	assert.EqualValues(t, 200, blk["status"], "a resource record is indexed as a 200")
}

func TestWACZ(t *testing.T) {
	data, skipped, err := WACZ(testPackage())
	require.NoError(t, err)
	assert.Empty(t, skipped)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	members := map[string][]byte{}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if strings.HasSuffix(f.Name, ".gz") {
			assert.Equal(t, zip.Store, f.Method, "%s is stored, not compressed again", f.Name)
		}
		rc, err := f.Open()
		require.NoError(t, err)
		members[f.Name], err = io.ReadAll(rc)
		require.NoError(t, err)
	}
	assert.Equal(t, []string{WARCPath, IndexPath, PagesPath, DataPackagePath, DataPackageDigPath}, names)
	var dp DataPackage
	require.NoError(t, json.Unmarshal(members[DataPackagePath], &dp))
	assert.Equal(t, "data-package", dp.Profile)
	assert.Equal(t, "1.1.1", dp.WACZVersion)
	assert.Equal(t, "2026-03-01T08:31:00.123Z", dp.Created)
	assert.Equal(t, "cancelpath test", dp.Software)
	assert.Equal(t, "https://a.example/", dp.MainPageURL)
	assert.Equal(t, 2, dp.Masking.MaskedValues)
	require.Len(t, dp.Resources, 3)
	for _, r := range dp.Resources {
		sum := sha256.Sum256(members[r.Path])
		assert.Equal(t, "sha256:"+hex.EncodeToString(sum[:]), r.Hash, r.Path)
		assert.Equal(t, int64(len(members[r.Path])), r.Bytes, r.Path)
	}
	var dig DataPackageDigest
	require.NoError(t, json.Unmarshal(members[DataPackageDigPath], &dig))
	sum := sha256.Sum256(members[DataPackagePath])
	assert.Equal(t, DataPackageDigest{Path: DataPackagePath, Hash: "sha256:" + hex.EncodeToString(sum[:])}, dig)
	parseWARC(t, members[WARCPath]) // every record parses
}

func TestHAR(t *testing.T) {
	out, err := HAR(testPackage(), "test")
	require.NoError(t, err)
	var doc struct {
		Log struct {
			Version string
			Creator struct{ Name, Version string }
			Browser struct{ Name, Version string }
			Pages   []map[string]any
			Entries []struct {
				Pageref         string
				StartedDateTime string
				Time            float64
				Request         struct {
					Method, URL, HTTPVersion string
					Cookies                  []struct{ Name, Value string }
					QueryString              []struct{ Name, Value string }
					PostData                 *struct{ MimeType, Text string }
				}
				Response struct {
					Status      int
					RedirectURL string
					Content     struct {
						Size                              int64
						MimeType, Text, Encoding, Comment string
					}
				}
				ServerIPAddress string
				Comment         string
			}
			Comment string
		}
	}
	require.NoError(t, json.Unmarshal(out, &doc))
	l := doc.Log
	assert.Equal(t, "1.2", l.Version)
	assert.Equal(t, "cancelpath", l.Creator.Name)
	assert.Equal(t, "Chrome", l.Browser.Name)
	assert.Len(t, l.Pages, 2)
	require.Len(t, l.Entries, 7, "everything but the resource read from memory")
	assert.Contains(t, l.Comment, "1 resources of pages already loaded")

	page := l.Entries[0]
	assert.Equal(t, "2026-03-01T08:30:00.123Z", page.StartedDateTime)
	assert.Equal(t, "cancel-1", page.Pageref)
	assert.InDelta(t, 24, page.Time, 0.001)
	assert.Equal(t, "h2", page.Request.HTTPVersion)
	assert.Equal(t, []struct{ Name, Value string }{{"sid", MaskedValue}}, page.Request.Cookies)
	assert.Equal(t, []struct{ Name, Value string }{{"u", "***"}}, page.Request.QueryString)
	assert.Equal(t, "203.0.113.7", page.ServerIPAddress)
	assert.Equal(t, "<html><body><button>退订</button></body></html>", page.Response.Content.Text)

	assert.Equal(t, "cancel-1", l.Entries[1].Pageref, "the redirect came before the second page")
	assert.Equal(t, "https://a.example/cancel", l.Entries[1].Response.RedirectURL)
	assert.Equal(t, "body not kept: over the limit", l.Entries[2].Response.Content.Comment)
	assert.EqualValues(t, 9<<20, l.Entries[2].Response.Content.Size)
	img := l.Entries[3].Response.Content
	assert.Equal(t, "base64", img.Encoding)
	b, err := base64.StdEncoding.DecodeString(img.Text)
	require.NoError(t, err)
	assert.Equal(t, "\x89PNG\r\n\x1a\n\x00", string(b))
	require.NotNil(t, l.Entries[4].Request.PostData)
	assert.Equal(t, `{"plan":"vip"}`, l.Entries[4].Request.PostData.Text)
	assert.Equal(t, 0, l.Entries[5].Response.Status, "a failed request has status 0")
	assert.Contains(t, l.Entries[5].Comment, "ERR_CONNECTION_REFUSED")
}
