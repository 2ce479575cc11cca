package scenario

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/cancelpath/cancelpath/audit/yamlfile"
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

// format is what yamlfile.Parse needs to know of a scenario file.
var format = yamlfile.Format{Name: "scenario", Guide: "scenarios/FORMAT.md", MaxSize: MaxFileSize}

// Parse decodes and validates one scenario. name is the file's path: it appears in every message, gives
// the default id and anchors a relative session path. Every problem found is returned at once, as an
// ErrorList of *Error sorted by line.
func Parse(name string, data []byte, opts Options) (*Scenario, error) {
	if name == "" {
		name = "<input>"
	}
	root, err := yamlfile.Parse(name, data, format)
	if err != nil {
		return nil, flowHint(err, data)
	}
	sum := sha256.Sum256(data)
	d := newDecoder(name, opts)
	s := d.scenario(root)
	s.File = name
	s.SHA256 = hex.EncodeToString(sum[:])
	s.Secrets = d.finishSecrets()
	if err := d.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

// flowHint explains the syntax error a ${VAR} causes inside [...] or {...}, where YAML ends a plain value
// at the "}" of the variable.
func flowHint(err error, data []byte) error {
	var list ErrorList
	if errors.As(err, &list) && len(list) == 1 {
		p := list[0]
		if strings.HasPrefix(p.Msg, "did not find expected ','") && bytes.Contains(lineOf(data, p.Line), []byte("${")) {
			p.Msg += `: inside [...] or {...} a value with ${VAR} needs quotes, e.g. ["${VAR}"]`
		}
	}
	return err
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
