package webarchive

import (
	"bytes"
	"encoding/json"
	"net"
	"net/url"
	"slices"
	"strings"
)

// cdxjBlock is the JSON block of a CDXJ line (specs.webrecorder.net/cdxj/0.1.0), which begins with the
// searchable URL and the capture time as a 14-digit UTC timestamp: where the record is, and what it holds.
type cdxjBlock struct {
	URL      string `json:"url"`
	Digest   string `json:"digest,omitempty"`
	MIME     string `json:"mime"`
	Status   int    `json:"status"`
	Filename string `json:"filename"`
	Offset   int64  `json:"offset"`
	Length   int64  `json:"length"`
}

// CDXJ is the index of the WARC's response and resource records, sorted by byte value as the spec asks
// (LC_ALL=C sort), so a reader can binary-search it.
func CDXJ(entries []indexEntry) ([]byte, error) {
	lines := make([][]byte, 0, len(entries))
	for _, e := range entries {
		js, err := json.Marshal(cdxjBlock{URL: e.URL, Digest: e.Digest, MIME: orDefault(e.MIME, "unk"), Status: e.Status,
			Filename: WARCName, Offset: e.Offset, Length: e.Length})
		if err != nil {
			return nil, err
		}
		line := SearchableURL(e.URL) + " " + e.Time.UTC().Format("20060102150405") + " " + string(js) + "\n"
		lines = append(lines, []byte(line))
	}
	slices.SortFunc(lines, bytes.Compare)
	return bytes.Join(lines, nil), nil
}

// SearchableURL is the sort key of a URL in a CDXJ index: lower case, no scheme, the host's labels reversed
// and comma-separated, ")" and the path with its query. An IP address is kept as it is and a port other
// than the scheme's default is kept after the host (as the usual SURT implementations do); the fragment
// is dropped.
func SearchableURL(raw string) string {
	u, err := url.Parse(strings.ToLower(raw))
	if err != nil || u.Host == "" {
		return strings.ToLower(raw)
	}
	host, port := u.Hostname(), u.Port()
	if net.ParseIP(host) == nil {
		labels := strings.Split(strings.TrimSuffix(host, "."), ".")
		slices.Reverse(labels)
		host = strings.Join(labels, ",")
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" && !(u.Scheme == "http" && port == "80") && !(u.Scheme == "https" && port == "443") {
		host += ":" + port
	}
	rest := u.EscapedPath()
	if rest == "" {
		rest = "/"
	}
	if u.RawQuery != "" {
		rest += "?" + u.RawQuery
	}
	return strings.ToLower(host + ")" + rest) // percent-escapes too: the spec lowercases the whole URL
}
