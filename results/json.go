package results

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/rules"
	"github.com/cancelpath/cancelpath/internal/jsonesc"
)

// WriteJSON writes the document as results.json: indented by two spaces, with every list present (never
// null), the characters a terminal would act on written as \u escapes (jsonesc).
func WriteJSON(w io.Writer, doc *Document) error {
	js, err := json.MarshalIndent(doc.normalized(), "", "  ")
	if err != nil {
		return err
	}
	js = append(jsonesc.Escape(js), '\n')
	_, err = w.Write(js)
	return err
}

// normalized returns a shallow copy with the schema version filled in and nil lists made empty, so that
// the JSON has the same shape whatever the engine left unset.
func (d *Document) normalized() *Document {
	c := *d
	if c.SchemaVersion == "" {
		c.SchemaVersion = SchemaVersion
	}
	if c.Packs == nil {
		c.Packs = []string{}
	}
	c.Results = make([]Entry, len(d.Results))
	for i := range d.Results {
		c.Results[i] = d.Results[i].normalized()
	}
	return &c
}

func (e Entry) normalized() Entry {
	if e.Jurisdictions == nil {
		e.Jurisdictions = []string{}
	}
	if e.Steps == nil {
		e.Steps = []metrics.Step{}
	}
	if e.Verdicts == nil {
		e.Verdicts = []rules.Verdict{}
	}
	if e.Scores == nil {
		e.Scores = []rules.Score{}
	}
	return e
}

// ReadDocument reads a results.json written by any 1.x or 2.x version of cancelpath. A 1.x document is
// upgraded to this version as it is read (upgradeV1). A document of another major schema version is
// refused rather than misread.
func ReadDocument(path string) (*Document, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read results: %w", err)
	}
	var doc Document
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: not a cancelpath results document: %w", path, err)
	}
	if err := checkSchemaVersion(doc.SchemaVersion); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if majorOf(doc.SchemaVersion) == "1" {
		upgradeV1(&doc)
	}
	return &doc, nil
}

func majorOf(v string) string { m, _, _ := strings.Cut(v, "."); return m }

// checkSchemaVersion accepts any version with this package's major part (minor versions only add fields),
// and 1.x, which ReadDocument upgrades.
func checkSchemaVersion(v string) error {
	if v == "" {
		return fmt.Errorf("no schema_version: not a cancelpath results document")
	}
	if m := majorOf(v); m != majorOf(SchemaVersion) && m != "1" {
		return fmt.Errorf("schema_version %s is not supported (this cancelpath reads 1.x and %s.x)", v, majorOf(SchemaVersion))
	}
	return nil
}

// Load reads results from a results.json document or a results.jsonl stream (by the .jsonl extension). A
// stream has no document header, so its tool and times stay empty and its ranks are computed here.
func Load(path string) (*Document, error) {
	if !strings.EqualFold(filepath.Ext(path), ".jsonl") {
		return ReadDocument(path)
	}
	entries, err := ReadJSONL(path)
	if err != nil {
		return nil, err
	}
	doc := &Document{SchemaVersion: SchemaVersion, Results: latestPerKey(entries)}
	RankEntries(doc.Results)
	doc.Packs = PacksOf(doc.Results)
	return doc, nil
}

// PacksOf lists the packs scored in entries, in first-seen order (for a document that does not list them).
func PacksOf(entries []Entry) []string {
	var packs []string
	seen := map[string]bool{}
	for _, e := range entries {
		for _, s := range e.Scores {
			if !seen[s.Pack] {
				seen[s.Pack] = true
				packs = append(packs, s.Pack)
			}
		}
	}
	return packs
}
