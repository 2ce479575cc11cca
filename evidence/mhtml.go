package evidence

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"sort"
	"strings"
)

// A page that echoes the username (a greeting, the title, a profile link) carries it into the control page's
// MHTML snapshot, in headers (RFC 2047 words) and in quoted-printable or base64 parts, where a plain search
// and replace cannot see it whole. ScrubMHTML decodes every header and text part, masks it, and encodes it
// again; binary parts (images, fonts) are copied as they are.

// ScrubMHTML returns the snapshot with mask applied to every header value and every text part. A snapshot
// that cannot be parsed is an error: what could not be checked is not to be kept.
func ScrubMHTML(data []byte, mask func(string) string) ([]byte, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mediaType, "multipart/") || params["boundary"] == "" {
		return nil, fmt.Errorf("snapshot is not multipart: %q", msg.Header.Get("Content-Type"))
	}
	var out bytes.Buffer
	writeHeader(&out, textproto.MIMEHeader(msg.Header), mask)
	out.WriteString("\r\n")
	w := multipart.NewWriter(&out)
	if err := w.SetBoundary(params["boundary"]); err != nil {
		return nil, fmt.Errorf("snapshot boundary: %w", err)
	}
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := r.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read snapshot part: %w", err)
		}
		raw, err := io.ReadAll(part)
		if err != nil {
			return nil, fmt.Errorf("read snapshot part: %w", err)
		}
		header := textproto.MIMEHeader{}
		for k, vs := range part.Header {
			for _, v := range vs {
				header.Add(k, maskHeader(v, mask))
			}
		}
		body, err := scrubPart(part.Header, raw, mask)
		if err != nil {
			return nil, err
		}
		pw, err := w.CreatePart(header)
		if err != nil {
			return nil, err
		}
		if _, err := pw.Write(body); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// scrubPart masks a text part in its decoded form and encodes it back; other parts are returned as read.
func scrubPart(h textproto.MIMEHeader, raw []byte, mask func(string) string) ([]byte, error) {
	ct, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	textual := strings.HasPrefix(ct, "text/") || strings.HasSuffix(ct, "+xml") || ct == "application/json" ||
		ct == "application/javascript" || ct == ""
	if !textual {
		return raw, nil
	}
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		decoded, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw)))
		if err != nil {
			return nil, fmt.Errorf("decode snapshot part: %w", err)
		}
		var b bytes.Buffer
		qw := quotedprintable.NewWriter(&b)
		if _, err := qw.Write([]byte(mask(string(decoded)))); err != nil {
			return nil, err
		}
		if err := qw.Close(); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	case "base64":
		decoded, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(raw)), ""))
		if err != nil {
			return nil, fmt.Errorf("decode snapshot part: %w", err)
		}
		enc := base64.StdEncoding.EncodeToString([]byte(mask(string(decoded))))
		var b bytes.Buffer
		for len(enc) > 76 {
			b.WriteString(enc[:76] + "\r\n")
			enc = enc[76:]
		}
		b.WriteString(enc)
		return b.Bytes(), nil
	}
	return []byte(mask(string(raw))), nil
}

// writeHeader writes a message header, sorted by key, with masked values.
func writeHeader(w *bytes.Buffer, h textproto.MIMEHeader, mask func(string) string) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(w, "%s: %s\r\n", k, maskHeader(v, mask))
		}
	}
}

// maskHeader masks a header value, decoding RFC 2047 words (a title in Subject) first; a value without
// secrets is kept exactly as it was.
func maskHeader(v string, mask func(string) string) string {
	decoded, err := new(mime.WordDecoder).DecodeHeader(v)
	if err != nil {
		decoded = v
	}
	masked := mask(decoded)
	if masked == decoded {
		return v
	}
	return mime.QEncoding.Encode("utf-8", masked)
}
