package rules

import (
	"errors"
	"strings"
	"testing"

	"github.com/cancelpath/cancelpath/audit/yamlfile"
)

// fileLevel are the messages of problems that concern a whole file and so have no line.
var fileLevel = []string{"empty file", "file is more than", "no YAML content"}

// FuzzParsePack feeds arbitrary bytes to the pack loader: it must never panic or hang, and every rejection
// is a list of *PackError naming the file and a line (or a problem of the whole file).
func FuzzParsePack(f *testing.F) {
	for _, id := range []string{"cn", "de", "wcag"} {
		data, err := bundledFS.ReadFile("packs/" + id + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("id: x\nrules:\n  - &r {id: a, check: *r}\n"))
	f.Add([]byte("id: x\nrules:\n  - check: &c {any: [*c, *c]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParsePack(data, "fuzz.yaml")
		if err == nil {
			return
		}
		var list yamlfile.Problems
		if !errors.As(err, &list) || len(list) == 0 {
			t.Fatalf("rejection is not a non-empty list of problems: %T %v", err, err)
		}
		for _, pe := range list {
			if pe.File != "fuzz.yaml" || pe.Msg == "" {
				t.Fatalf("problem without file or message: %#v", pe)
			}
			known := pe.Line > 0
			for _, m := range fileLevel {
				known = known || strings.HasPrefix(pe.Msg, m)
			}
			if !known {
				t.Fatalf("problem without a line that is not file-level: %v", pe)
			}
		}
	})
}
