package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"reflect"

	"github.com/cancelpath/cancelpath/audit/yamlfile"
)

// maxSessionSize bounds a storage-state file; localStorage can be large, but not this large.
const maxSessionSize = 16 << 20

// Session is a browser storage state as Playwright's storageState() writes it: the cookies, and the
// localStorage of each origin. Unknown fields (newer Playwright versions add some) are ignored.
type Session struct {
	Cookies []Cookie `json:"cookies"`
	Origins []Origin `json:"origins"`
}

// Cookie is one cookie of a storage state.
type Cookie struct {
	Name     string  `json:"name"`
	Value    string  `json:"value"`
	Domain   string  `json:"domain"`
	Path     string  `json:"path"`
	Expires  float64 `json:"expires"` // Unix time in seconds; -1 for a session cookie
	HTTPOnly bool    `json:"httpOnly"`
	Secure   bool    `json:"secure"`
	SameSite string  `json:"sameSite"` // Strict, Lax or None
}

// Origin is the localStorage of one origin (scheme://host[:port]).
type Origin struct {
	Origin       string      `json:"origin"`
	LocalStorage []NameValue `json:"localStorage"`
}

// NameValue is one localStorage entry.
type NameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// LoadSession reads and checks a storage-state JSON file. Problems come back as an ErrorList naming the
// file (and, for syntax errors, the line).
func LoadSession(path string) (*Session, error) {
	data, err := readFile(path, maxSessionSize, true)
	if err != nil {
		return nil, ErrorList{{File: path, Msg: err.Error()}}
	}
	return parseSession(path, data)
}

func parseSession(path string, data []byte) (*Session, error) {
	var s Session
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&s); err != nil {
		return nil, ErrorList{jsonError(path, data, err)}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		line, col := yamlfile.Position(data, int(dec.InputOffset()))
		return nil, ErrorList{{File: path, Line: line, Column: col, Msg: "unexpected data after the JSON object"}}
	}
	var errs ErrorList
	bad := func(field, format string, args ...any) {
		errs = append(errs, &Error{File: path, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if len(s.Cookies) == 0 && len(s.Origins) == 0 {
		bad("", "no cookies and no origins: this storage state would not log anyone in")
	}
	for i, c := range s.Cookies {
		field := fmt.Sprintf("cookies[%d]", i)
		if c.Name == "" {
			bad(field+".name", "missing")
		}
		if c.Domain == "" {
			bad(field+".domain", "missing")
		}
		switch c.SameSite {
		case "", "Strict", "Lax", "None":
		default:
			bad(field+".sameSite", "must be Strict, Lax or None, got %s", yamlfile.Quote(c.SameSite))
		}
	}
	for i, o := range s.Origins {
		field := fmt.Sprintf("origins[%d].origin", i)
		u, err := url.Parse(o.Origin)
		if err != nil || u.Scheme == "" || u.Host == "" {
			bad(field, "must be an origin such as https://example.com, got %s", yamlfile.Quote(o.Origin))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return &s, nil
}

// jsonError places a JSON decoding error at its line and column.
func jsonError(path string, data []byte, err error) *Error {
	e := &Error{File: path, Msg: err.Error()}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		e.Line, e.Column = yamlfile.Position(data, int(syntax.Offset))
		e.Msg = "invalid JSON: " + syntax.Error()
	case errors.As(err, &typ):
		e.Line, e.Column = yamlfile.Position(data, int(typ.Offset))
		e.Field = typ.Field
		e.Msg = fmt.Sprintf("must be %s, got a JSON %s", jsonKind(typ.Type), typ.Value)
	case errors.Is(err, io.EOF):
		e.Msg = "empty file: expected a storage state JSON object"
	case errors.Is(err, io.ErrUnexpectedEOF):
		e.Msg = "invalid JSON: the file ends in the middle of a value"
	}
	return e
}

// jsonKind names a Go type the way a JSON author would.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice:
		return "a list"
	case reflect.Struct:
		return "an object"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Float64:
		return "a number"
	}
	return t.String()
}
