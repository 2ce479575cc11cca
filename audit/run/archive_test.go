package run

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
	"github.com/cancelpath/cancelpath/evidence"
	"github.com/cancelpath/cancelpath/evidence/webarchive"
)

const archUser, archPass = "cpuser-Ar4k", "cppass-Zq8w"

// archiveRun runs the archive site's cancel path with evidence on and returns the result, the evidence
// folder and what OnArchive reported.
func archiveRun(t *testing.T) (*metrics.Result, string, *Archive) {
	t.Helper()
	t.Setenv("CP_ARCH_USER", archUser)
	t.Setenv("CP_ARCH_PASS", archPass)
	site := newArchiveSite(t, archUser, archPass)
	dir := t.TempDir()
	path := filepath.Join(dir, "archive.yaml")
	require.NoError(t, os.WriteFile(path, []byte(archiveScenario(site.URL)), 0o600))
	sc, err := scenario.LoadFile(path, scenario.Options{})
	require.NoError(t, err)
	out := filepath.Join(dir, "out")
	var got *Archive
	res := Run(context.Background(), testBrowser, sc, "desktop", Options{OutDir: out, ToolVersion: "test",
		OnArchive: func(_ *metrics.Result, a Archive) { got = &a }})
	require.Equal(t, metrics.StatusOK, res.Status, res.Reason)
	return res, filepath.Join(out, evidence.Dir("archive", "desktop")), got
}

// TestWebArchive runs a cancel path with evidence on and opens its archive.wacz as a reader would: the
// package's manifest holds, every WARC record parses, the control page's response is there with its
// request beside it, the login is not, session headers and secrets are masked, the index points at the
// records, and the pages are the run's steps.
func TestWebArchive(t *testing.T) {
	res, dir, rep := archiveRun(t)
	wacz, err := os.ReadFile(filepath.Join(dir, ArchiveName))
	require.NoError(t, err)
	require.NotNil(t, rep, "OnArchive is called")
	assert.Equal(t, []string{"evidence/archive@desktop/archive.wacz", "evidence/archive@desktop/traffic.har"}, rep.Files)
	assert.Contains(t, rep.Masking.Headers, "Cookie")
	assert.Contains(t, rep.Masking.Headers, "Set-Cookie")
	assert.Contains(t, rep.Masking.Headers, "Authorization")
	assert.Positive(t, rep.Masking.SecretReplacements)
	assert.Equal(t, 1, rep.Masking.BodiesWithheld, "the logo holds the username and is no text")

	zr, err := zip.NewReader(bytes.NewReader(wacz), int64(len(wacz)))
	require.NoError(t, err)
	members := map[string][]byte{}
	for _, f := range zr.File {
		if f.Name == webarchive.WARCPath {
			assert.Equal(t, zip.Store, f.Method, "the WARC is stored, so a reader can seek into it")
		}
		rc, err := f.Open()
		require.NoError(t, err)
		members[f.Name], err = io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
	}
	for _, name := range []string{webarchive.WARCPath, webarchive.IndexPath, webarchive.PagesPath,
		webarchive.DataPackagePath, webarchive.DataPackageDigPath} {
		require.Contains(t, members, name)
	}

	// datapackage.json lists every other member with its hash and size; the digest file vouches for it.
	var dp webarchive.DataPackage
	require.NoError(t, json.Unmarshal(members[webarchive.DataPackagePath], &dp))
	assert.Equal(t, "data-package", dp.Profile)
	assert.Equal(t, "1.1.1", dp.WACZVersion)
	assert.Equal(t, "cancelpath test", dp.Software)
	_, err = time.Parse(time.RFC3339, dp.Created)
	assert.NoError(t, err, "created is RFC 3339")
	require.Len(t, dp.Resources, 3)
	for _, r := range dp.Resources {
		data, ok := members[r.Path]
		require.True(t, ok, r.Path)
		assert.Equal(t, sha256Of(data), r.Hash, r.Path)
		assert.Equal(t, int64(len(data)), r.Bytes, r.Path)
	}
	var dig webarchive.DataPackageDigest
	require.NoError(t, json.Unmarshal(members[webarchive.DataPackageDigPath], &dig))
	assert.Equal(t, webarchive.DataPackagePath, dig.Path)
	assert.Equal(t, sha256Of(members[webarchive.DataPackagePath]), dig.Hash)

	// Every record parses (strictly: digests and lengths checked); the first is the warcinfo.
	recs := readWARC(t, members[webarchive.WARCPath])
	require.NotEmpty(t, recs)
	assert.Equal(t, "warcinfo", recs[0].Type)
	byID := map[string]warcRecord{}
	for _, r := range recs {
		byID[r.ID] = r
	}
	var control *warcRecord
	for i, r := range recs {
		assert.NotContains(t, r.URI, "/login", "the login's requests are not recorded")
		switch r.Type {
		case "response", "request":
			require.Len(t, r.Concurrent, 1, "%s %s names its pair", r.Type, r.URI)
			other, ok := byID[r.Concurrent[0]]
			require.True(t, ok, "the pair of %s %s is in the file", r.Type, r.URI)
			assert.Equal(t, r.URI, other.URI)
			assert.NotEqual(t, r.Type, other.Type)
			assert.Equal(t, []string{r.ID}, other.Concurrent, "the pair names each other")
		}
		if r.Type == "response" && r.URI == res.Control.URL {
			control = &recs[i]
		}
		for _, v := range r.Header.Values("Cookie") {
			assert.Equal(t, webarchive.MaskedValue, v)
		}
		for _, v := range r.Header.Values("Set-Cookie") {
			assert.Equal(t, webarchive.MaskedValue, v)
		}
		for _, v := range r.Header.Values("Authorization") {
			assert.Equal(t, webarchive.MaskedValue, v)
		}
	}
	require.NotNil(t, control, "a response record for the control page %s", res.Control.URL)
	assert.Contains(t, res.Control.URL, "u=***", "the username in the control page's URL is masked")
	assert.Equal(t, http.StatusOK, control.Status)
	assert.Contains(t, string(control.Payload), "退订")
	assert.Contains(t, string(control.Payload), "账户：***", "the username in the page is masked")

	// The redirect is an exchange of its own; the cookie the member page set is masked; the body over the
	// limit is marked truncated; the landing page, loaded during the login, is read from memory.
	find := func(typ, suffix string) *warcRecord {
		for i, r := range recs {
			if r.Type == typ && strings.Contains(r.URI, suffix) {
				return &recs[i]
			}
		}
		return nil
	}
	if r := find("response", "/go?to=cancel"); assert.NotNil(t, r, "the redirect") {
		assert.Equal(t, http.StatusFound, r.Status)
	}
	if r := find("response", "/member.html"); assert.NotNil(t, r) {
		assert.Equal(t, []string{webarchive.MaskedValue}, r.Header.Values("Set-Cookie"))
	}
	if r := find("request", "/member.html"); assert.NotNil(t, r) {
		assert.Equal(t, []string{webarchive.MaskedValue}, r.Header.Values("Cookie"), "the session cookie is masked")
	}
	if r := find("response", "/big.bin"); assert.NotNil(t, r) {
		assert.Equal(t, "length", r.Truncated)
		assert.Empty(t, r.Payload)
	}
	if r := find("request", "/api/cancel"); assert.NotNil(t, r) {
		assert.Equal(t, "POST", requestMethod(r.Block))
		assert.Contains(t, string(r.Payload), `"user":"***"`)
	}
	if r := find("resource", "/home.html"); assert.NotNil(t, r, "the landing page, from memory") {
		assert.Contains(t, string(r.Payload), "我的")
	}
	if r := find("resource", "/logo.png"); r != nil {
		assert.Empty(t, r.Payload, "a binary body holding a secret is withheld")
		assert.Equal(t, "unspecified", r.Truncated)
	}

	// The index: sorted, and each line points at a response or resource record of its URL.
	lines := strings.Split(strings.TrimSpace(string(members[webarchive.IndexPath])), "\n")
	assert.True(t, slices.IsSorted(lines), "the index is sorted")
	offsets := map[int64]warcRecord{}
	for _, r := range recs {
		offsets[r.Offset] = r
	}
	for _, line := range lines {
		parts := strings.SplitN(line, " ", 3)
		require.Len(t, parts, 3, line)
		assert.Len(t, parts[1], 14, "timestamp")
		var blk struct {
			URL      string `json:"url"`
			Digest   string `json:"digest"`
			Mime     string `json:"mime"`
			Status   int    `json:"status"`
			Filename string `json:"filename"`
			Offset   int64  `json:"offset"`
			Length   int64  `json:"length"`
		}
		require.NoError(t, json.Unmarshal([]byte(parts[2]), &blk))
		assert.Equal(t, webarchive.SearchableURL(blk.URL), parts[0])
		assert.Equal(t, webarchive.WARCName, blk.Filename)
		assert.True(t, strings.HasPrefix(blk.Digest, "sha256:"), blk.Digest)
		r, ok := offsets[blk.Offset]
		if assert.True(t, ok, "offset %d is a record's", blk.Offset) {
			assert.Equal(t, blk.URL, r.URI)
			assert.Contains(t, []string{"response", "resource"}, r.Type)
		}
	}

	// pages.jsonl: a header, then the steps after the login, each with its URL and time.
	pl := strings.Split(strings.TrimSpace(string(members[webarchive.PagesPath])), "\n")
	require.Len(t, pl, 5, "header, three cancel steps, the done state; steps: %s", stepURLs(res.Steps))
	assert.JSONEq(t, `{"format":"json-pages-1.0","id":"pages","title":"All Pages"}`, pl[0])
	var steps []metrics.Step
	for _, st := range res.Steps {
		if st.Phase == phaseCancel || st.Phase == phaseDone {
			steps = append(steps, st)
		}
	}
	for i, line := range pl[1:] {
		var p struct {
			ID, URL, TS, Title string
		}
		require.NoError(t, json.Unmarshal([]byte(line), &p))
		assert.Equal(t, steps[i].URL, p.URL)
		ts, err := time.Parse(time.RFC3339, p.TS)
		require.NoError(t, err)
		assert.True(t, ts.Equal(steps[i].StartedAt.Truncate(time.Millisecond)), "ts of page %d", i)
	}
	assert.Contains(t, pl[3], `"title":"cancel step 3: click text=\"退订\""`)

	// The result names the origin the path talked to, with its address.
	require.Len(t, res.Origins, 1)
	u, err := url.Parse(res.Control.URL)
	require.NoError(t, err)
	assert.Equal(t, "http://"+u.Host, res.Origins[0].Origin)
	assert.Equal(t, []string{"127.0.0.1"}, res.Origins[0].IPs)
	assert.Nil(t, res.Origins[0].TLS)
	assert.Positive(t, res.Origins[0].Requests)
}

func sha256Of(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

func requestMethod(block []byte) string {
	m, _, _ := strings.Cut(string(block), " ")
	return m
}

// TestWebArchiveHAR checks traffic.har against what HAR 1.2 requires of a log, its pages and entries
// (w3c.github.io/web-performance/specs/HAR/Overview.html), and that it holds the same exchanges, masked.
func TestWebArchiveHAR(t *testing.T) {
	res, dir, _ := archiveRun(t)
	data, err := os.ReadFile(filepath.Join(dir, HARName))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(data, &doc))
	log := requireObject(t, doc, "log")
	assert.Equal(t, "1.2", log["version"])
	creator := requireObject(t, log, "creator")
	requireFields(t, "creator", creator, "name", "version")
	pages := requireArray(t, log, "pages")
	assert.Len(t, pages, 4)
	ids := map[string]bool{}
	for _, p := range pages {
		po := p.(map[string]any)
		requireFields(t, "page", po, "startedDateTime", "id", "title", "pageTimings")
		ids[po["id"].(string)] = true
		assertDate(t, po["startedDateTime"])
	}
	entries := requireArray(t, log, "entries")
	require.NotEmpty(t, entries)
	var urls []string
	for _, e := range entries {
		eo := e.(map[string]any)
		requireFields(t, "entry", eo, "startedDateTime", "time", "request", "response", "cache", "timings")
		assertDate(t, eo["startedDateTime"])
		if ref, ok := eo["pageref"]; ok {
			assert.True(t, ids[ref.(string)], "pageref %v names a page", ref)
		}
		req := requireObject(t, eo, "request")
		requireFields(t, "request", req, "method", "url", "httpVersion", "cookies", "headers", "queryString",
			"headersSize", "bodySize")
		urls = append(urls, req["url"].(string))
		resp := requireObject(t, eo, "response")
		requireFields(t, "response", resp, "status", "statusText", "httpVersion", "cookies", "headers", "content",
			"redirectURL", "headersSize", "bodySize")
		content := requireObject(t, resp, "content")
		requireFields(t, "content", content, "size", "mimeType")
		if enc, ok := content["encoding"]; ok {
			assert.Equal(t, "base64", enc)
		}
		timings := requireObject(t, eo, "timings")
		requireFields(t, "timings", timings, "send", "wait", "receive")
		sum := 0.0
		for _, k := range []string{"send", "wait", "receive"} {
			v := timings[k].(float64)
			assert.GreaterOrEqual(t, v, 0.0, "timings.%s", k)
			sum += v
		}
		assert.InDelta(t, sum, eo["time"].(float64), 0.01, "time is the sum of the timings")
		for _, obj := range []map[string]any{req, resp} {
			for _, h := range obj["headers"].([]any) {
				ho := h.(map[string]any)
				requireFields(t, "header", ho, "name", "value")
				if webarchive.IsSessionHeader(ho["name"].(string)) {
					assert.Equal(t, webarchive.MaskedValue, ho["value"])
				}
			}
			for _, c := range obj["cookies"].([]any) {
				co := c.(map[string]any)
				requireFields(t, "cookie", co, "name", "value")
				assert.Equal(t, webarchive.MaskedValue, co["value"])
			}
		}
		for _, q := range req["queryString"].([]any) {
			requireFields(t, "queryString", q.(map[string]any), "name", "value")
		}
	}
	assert.Contains(t, urls, res.Control.URL)
	for _, u := range urls {
		assert.NotContains(t, u, "/login")
	}
}

func requireObject(t *testing.T, m map[string]any, key string) map[string]any {
	t.Helper()
	v, ok := m[key].(map[string]any)
	require.True(t, ok, "%q is an object", key)
	return v
}

func requireArray(t *testing.T, m map[string]any, key string) []any {
	t.Helper()
	v, ok := m[key].([]any)
	require.True(t, ok, "%q is an array", key)
	return v
}

func requireFields(t *testing.T, what string, m map[string]any, keys ...string) {
	t.Helper()
	for _, k := range keys {
		_, ok := m[k]
		require.True(t, ok, "%s has %q: %v", what, k, m)
	}
}

func assertDate(t *testing.T, v any) {
	t.Helper()
	s, _ := v.(string)
	_, err := time.Parse(time.RFC3339, s)
	assert.NoError(t, err, "%v is an ISO 8601 date", v)
}

// TestWebArchiveReplay serves the archive's recorded responses by URL from a server of its own, loads the
// control page through it in Chromium, and finds the cancel control there: the archive holds what the
// run saw.
func TestWebArchiveReplay(t *testing.T) {
	res, dir, _ := archiveRun(t)
	wacz, err := os.ReadFile(filepath.Join(dir, ArchiveName))
	require.NoError(t, err)
	zr, err := zip.NewReader(bytes.NewReader(wacz), int64(len(wacz)))
	require.NoError(t, err)
	f, err := zr.Open(webarchive.WARCPath)
	require.NoError(t, err)
	warc, err := io.ReadAll(f)
	require.NoError(t, err)
	recorded := map[string]warcRecord{} // by path and query: the replay server has another host
	for _, r := range readWARC(t, warc) {
		if r.Type != "response" && r.Type != "resource" {
			continue
		}
		u, err := url.Parse(r.URI)
		require.NoError(t, err)
		recorded[u.RequestURI()] = r
	}
	replay := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r, ok := recorded[req.URL.RequestURI()]
		if !ok {
			http.NotFound(w, req)
			return
		}
		if r.Type == "resource" {
			_, _ = w.Write(r.Payload)
			return
		}
		for name, vs := range r.Header {
			if strings.HasPrefix(name, "X-Archive-Orig-") || name == "Content-Length" || name == "Set-Cookie" {
				continue
			}
			for _, v := range vs {
				w.Header().Add(name, v)
			}
		}
		w.WriteHeader(r.Status)
		_, _ = w.Write(r.Payload)
	}))
	defer replay.Close()

	u, err := url.Parse(res.Control.URL)
	require.NoError(t, err)
	target := replay.URL + u.RequestURI()
	bc, err := testBrowser.NewContext(mustDevice(t, "desktop"), nil)
	require.NoError(t, err)
	defer bc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	p := bc.Page().Context(ctx)
	require.NoError(t, p.Navigate(target))
	require.NoError(t, p.WaitLoad())
	text, err := p.Eval(`() => document.body.innerText`)
	require.NoError(t, err)
	assert.Contains(t, text.Value.Str(), "退订", "the replayed control page shows the cancel control")
	btn, err := p.Eval(`() => !!document.getElementById('cancel')`)
	require.NoError(t, err)
	assert.True(t, btn.Value.Bool())
}

// stepURLs lists the steps with the URL each recorded, for a failure message.
func stepURLs(steps []metrics.Step) string {
	var b strings.Builder
	for _, st := range steps {
		fmt.Fprintf(&b, "\n  %s %d %s: %q (error %q)", st.Phase, st.Index, st.Action, st.URL, st.Error)
	}
	return b.String()
}
