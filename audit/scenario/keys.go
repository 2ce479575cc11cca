package scenario

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cancelpath/cancelpath/audit/yamlfile"
)

// namedKeys maps the lower-cased spellings press accepts to the key's canonical name (the DOM
// KeyboardEvent.key value, and Space). Keep it in step with the runner's key table (audit/run/keys.go):
// a key accepted here must be one the runner can press.
var namedKeys = func() map[string]string {
	m := map[string]string{"esc": "Escape", "return": "Enter", "del": "Delete", "spacebar": "Space",
		"up": "ArrowUp", "down": "ArrowDown", "left": "ArrowLeft", "right": "ArrowRight"}
	for _, k := range []string{"Enter", "Escape", "Tab", "Backspace", "Delete", "Space",
		"ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "PageUp", "PageDown", "Home", "End"} {
		m[strings.ToLower(k)] = k
	}
	return m
}()

// keyNames are the accepted spellings, sorted, as candidates for suggestions.
var keyNames = func() []string {
	names := make([]string, 0, len(namedKeys))
	for k := range namedKeys {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}()

// canonicalKey checks a press argument and returns the key's canonical name. Names are case-insensitive.
func canonicalKey(s string) (string, error) {
	if k, ok := namedKeys[strings.ToLower(strings.TrimSpace(s))]; ok {
		return k, nil
	}
	if s == "" {
		return "", fmt.Errorf("empty key name: expected e.g. Enter, Escape or Tab")
	}
	if c := yamlfile.Closest(s, keyNames); c != "" {
		return "", fmt.Errorf("unknown key %s: did you mean %s?", yamlfile.Quote(s), namedKeys[c])
	}
	return "", fmt.Errorf("unknown key %s: expected one of Enter, Escape, Tab, Backspace, Delete, Space, "+
		"ArrowUp, ArrowDown, ArrowLeft, ArrowRight, PageUp, PageDown, Home, End", yamlfile.Quote(s))
}
