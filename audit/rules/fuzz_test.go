package rules

import (
	"errors"
	"regexp"
	"testing"
)

var yamlLine = regexp.MustCompile(`line \d+`)

// FuzzParsePack feeds arbitrary bytes to the pack loader: it must never panic or hang, and every rejection
// names a line (a *PackError, or the YAML parser's own "line N").
func FuzzParsePack(f *testing.F) {
	for _, id := range []string{"cn", "de", "wcag"} {
		data, err := bundledFS.ReadFile("packs/" + id + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("id: x\nrules:\n  - &r {id: a, check: *r}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParsePack(data, "fuzz.yaml")
		if err == nil {
			return
		}
		var pe *PackError
		if errors.As(err, &pe) {
			if pe.Line <= 0 || pe.File != "fuzz.yaml" {
				t.Fatalf("problem without a line: %v", pe)
			}
			return
		}
		if !yamlLine.MatchString(err.Error()) {
			t.Fatalf("rejection without a position: %v", err)
		}
	})
}
