package run

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"

	"github.com/go-rod/rod/lib/proto"

	"github.com/cancelpath/cancelpath/evidence/webarchive"
)

// scrub replaces the scenario's secrets in text as maskVariants does, and counts the replacements.
func (t *traffic) scrub(text string) (string, int) { return maskCounted(t.sc, text) }

// masked is text with the secrets replaced, without counting (a name the result repeats, not a record).
func (t *traffic) masked(text string) string { return maskVariants(t.sc, text) }

// headerList turns CDP's header map into header lines, sorted by name (the map has no order); a value
// holding several lines (Set-Cookie sent twice) becomes several headers.
func headerList(h proto.NetworkHeaders) []webarchive.Header {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	slices.Sort(names)
	var out []webarchive.Header
	for _, name := range names {
		for _, v := range strings.Split(h[name].Str(), "\n") {
			out = append(out, webarchive.Header{Name: name, Value: v})
		}
	}
	return out
}

// rawHeaders parses the header lines of an HTTP/1 response head as the browser received it.
func rawHeaders(text string) []webarchive.Header {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var out []webarchive.Header
	for _, line := range lines[min(1, len(lines)):] {
		name, value, ok := strings.Cut(line, ":")
		if !ok || name == "" {
			continue
		}
		out = append(out, webarchive.Header{Name: name, Value: strings.TrimSpace(value)})
	}
	return out
}

func headerValue(hs []webarchive.Header, name string) string {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// postData is the request's body as the browser reported it (small bodies only: the browser leaves big
// ones out of the event).
func postData(r *proto.NetworkRequest) []byte {
	if len(r.PostDataEntries) > 0 {
		var b []byte
		for _, e := range r.PostDataEntries {
			b = append(b, e.Bytes...)
		}
		return b
	}
	if r.PostData != "" {
		return []byte(r.PostData)
	}
	return nil
}

func decodeContent(s string, b64 bool) ([]byte, error) {
	if !b64 {
		return []byte(s), nil
	}
	data, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("decode body: %w", err)
	}
	return data, nil
}
