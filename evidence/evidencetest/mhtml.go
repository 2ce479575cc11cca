// Package evidencetest helps tests read evidence as a person would: for the engine's secrets tests and the
// evidence package's own.
package evidencetest

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
)

// MHTMLTexts decodes a snapshot the way a reader would see it: each header value (RFC 2047 words decoded),
// then for each part its location and its decoded body.
func MHTMLTexts(data []byte) ([]string, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("mhtml: %w", err)
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return nil, fmt.Errorf("mhtml subject: %w", err)
	}
	texts := []string{subject + " " + msg.Header.Get("Snapshot-Content-Location")}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return nil, fmt.Errorf("mhtml content type: %w", err)
	}
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := r.NextRawPart()
		if errors.Is(err, io.EOF) {
			return texts, nil
		}
		if err != nil {
			return nil, fmt.Errorf("mhtml part: %w", err)
		}
		var body io.Reader = part
		switch part.Header.Get("Content-Transfer-Encoding") {
		case "quoted-printable":
			body = quotedprintable.NewReader(part)
		case "base64":
			body = base64.NewDecoder(base64.StdEncoding, part)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			return nil, fmt.Errorf("mhtml part %s: %w", part.Header.Get("Content-Location"), err)
		}
		texts = append(texts, part.Header.Get("Content-Location")+"\n"+string(b))
	}
}
