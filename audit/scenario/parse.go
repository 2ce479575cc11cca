package scenario

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// MaxFileSize is the largest scenario file the loader reads; a real scenario is a few kilobytes.
const MaxFileSize = 1 << 20

// Options tune loading.
type Options struct {
	// Env looks up ${VAR} values; nil means os.LookupEnv.
	Env func(name string) (string, bool)
	// AllowSchemes lists URL schemes besides http and https that url, start and goto may use (e.g. "file").
	AllowSchemes []string
	// AllowMissingEnv expands unset variables to "" instead of reporting them, and skips the checks that
	// depend on such a value (a URL made of ${BASE}/path). For checking files where secrets are absent,
	// such as CI; never for running.
	AllowMissingEnv bool
	// AllowMissingCancel accepts a scenario without cancel steps and done (and so without a control): explore
	// needs only the login, device and jurisdictions, since it finds the path itself.
	AllowMissingCancel bool
	// Jurisdictions lists the jurisdictions a scenario may name: those of the rule packs loaded, so that a
	// user's pack (--rules-file) can add one. Nil means the bundled packs' (DefaultJurisdictions).
	Jurisdictions []string
}

var bom = []byte("\xef\xbb\xbf")

// Parse decodes and validates one scenario. name is the file's path: it appears in every message, gives
// the default id and anchors a relative session path. Every problem found is returned at once, as an
// ErrorList of *Error sorted by line.
func Parse(name string, data []byte, opts Options) (*Scenario, error) {
	if name == "" {
		name = "<input>"
	}
	if len(data) > MaxFileSize {
		return nil, ErrorList{{File: name, Msg: tooLarge(int64(len(data)), MaxFileSize).Error()}}
	}
	sum := sha256.Sum256(data)
	body := bytes.TrimPrefix(data, bom)
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, ErrorList{{File: name, Msg: "empty file: expected a scenario (see scenarios/FORMAT.md)"}}
	}
	if e := checkEncoding(body); e != nil {
		e.File = name
		return nil, ErrorList{e}
	}
	root, e := parseYAML(body)
	if e != nil {
		e.File = name
		return nil, ErrorList{e}
	}

	d := &decoder{file: name, opts: opts, lookup: opts.Env}
	if d.lookup == nil {
		d.lookup = os.LookupEnv
	}
	s := d.scenario(root)
	s.File = name
	s.SHA256 = hex.EncodeToString(sum[:])
	s.Secrets = d.finishSecrets()
	if len(d.errs) > 0 {
		return nil, d.errs.tidy(d.dropped)
	}
	return s, nil
}

// checkEncoding refuses bytes that are not UTF-8 and the control characters YAML forbids, with their
// position, before the YAML parser reports them without one.
func checkEncoding(b []byte) *Error {
	line, col := 1, 1
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return &Error{Line: line, Column: col, Msg: fmt.Sprintf(
				"invalid UTF-8 (byte 0x%02X): the file must be UTF-8; convert GBK or GB18030 files first, e.g. iconv -f GB18030 -t UTF-8", b[i])}
		case r == '\n':
			line, col = line+1, 0
		case r == '\t' || r == '\r':
		case r < 0x20 || r >= 0x7f && r <= 0x9f && r != 0x85 || r == 0xfffe || r == 0xffff:
			return &Error{Line: line, Column: col, Msg: fmt.Sprintf("control character U+%04X is not allowed in YAML", r)}
		}
		i += size
		col++
	}
	return nil
}

// parseYAML decodes exactly one YAML document into a node tree.
func parseYAML(body []byte) (root *yaml.Node, e *Error) {
	// yaml.v3 panics on a few malformed inputs ("internal error ... please report"); turn that into an
	// error for this file rather than a crash of the whole sweep.
	defer func() {
		if r := recover(); r != nil {
			root, e = nil, &Error{Line: 1, Msg: fmt.Sprintf("the YAML parser failed on this file: %v", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(body))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{Msg: "no YAML content (only comments): expected a scenario"}
		}
		return nil, yamlError(body, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		return nil, &Error{Line: next.Line, Column: next.Column,
			Msg: "a second YAML document starts here: one scenario per file (remove the --- and what follows, or split the file)"}
	case !errors.Is(err, io.EOF):
		return nil, yamlError(body, err)
	}
	if len(doc.Content) == 0 {
		return nil, &Error{Line: 1, Msg: "no YAML content: expected a scenario"}
	}
	return doc.Content[0], nil
}

// parserProblems are the messages of yaml.v3's parser (as opposed to its scanner) errors.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'": true, "did not find expected ',' or '}'": true,
	"did not find expected '-' indicator": true, "did not find expected <document start>": true,
	"did not find expected <stream-start>": true, "did not find expected key": true,
	"did not find expected node content": true, "found duplicate %TAG directive": true,
	"found duplicate %YAML directive": true, "found incompatible YAML document": true,
	"found undefined tag handle": true,
}

var (
	yamlLine      = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	unknownAnchor = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)
)

// yamlError turns a yaml.v3 syntax error into an *Error with a line. yaml.v3 leaves the line out for
// problems on the first line and for unknown anchors; tab indentation gets a plain explanation.
func yamlError(body []byte, err error) *Error {
	msg := err.Error()
	e := &Error{Line: 1, Msg: strings.TrimPrefix(msg, "yaml: ")}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Msg = m[2]
		if parserProblems[e.Msg] {
			e.Line++ // yaml.v3 prints the parser's 0-based line (its scanner errors are 1-based)
		}
	} else if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
		e.Line, e.Column = find(body, "*"+m[1])
		e.Msg = fmt.Sprintf("alias *%s refers to no anchor (&%s must come before it)", m[1], m[1])
	}
	if strings.HasPrefix(e.Msg, "did not find expected ','") && bytes.Contains(lineOf(body, e.Line), []byte("${")) {
		e.Msg += `: inside [...] or {...} a value with ${VAR} needs quotes, e.g. ["${VAR}"]`
	}
	if !strings.Contains(e.Msg, "tab") && !strings.Contains(e.Msg, "cannot start any token") {
		return e
	}
	if line, col := tabIndent(body, e.Line); line > 0 {
		e.Line, e.Column = line, col
		e.Msg += ": a tab indents this line, and YAML indentation must be spaces"
	}
	return e
}

// find returns the line and column of the first occurrence of s, or line 1 when it is not found.
func find(body []byte, s string) (line, col int) {
	i := bytes.Index(body, []byte(s))
	if i < 0 {
		return 1, 0
	}
	return position(body, i)
}

// lineOf returns the text of 1-based line n, or nil.
func lineOf(body []byte, n int) []byte {
	for i := 1; i < n; i++ {
		nl := bytes.IndexByte(body, '\n')
		if nl < 0 {
			return nil
		}
		body = body[nl+1:]
	}
	if nl := bytes.IndexByte(body, '\n'); nl >= 0 {
		return body[:nl]
	}
	return body
}

// tabIndent returns the position of a tab in the indentation of the line near errLine (yaml.v3 reports
// tab problems on that line or the one before), or 0 when there is none.
func tabIndent(body []byte, errLine int) (line, col int) {
	lines := bytes.Split(body, []byte("\n"))
	for l := max(errLine-1, 1); l <= min(errLine+1, len(lines)); l++ {
		text := lines[l-1]
		indent := text[:len(text)-len(bytes.TrimLeft(text, " \t"))]
		if i := bytes.IndexByte(indent, '\t'); i >= 0 && len(bytes.TrimSpace(text)) > 0 {
			return l, i + 1
		}
	}
	return 0, 0
}
