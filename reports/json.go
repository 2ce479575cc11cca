package reports

import (
	"io"

	"github.com/cancelpath/cancelpath/results"
)

// jsonRenderer writes results.json: the document itself, as package results persists it.
type jsonRenderer struct{}

func (jsonRenderer) Render(w io.Writer, doc *results.Document, _ Options) error {
	return results.WriteJSON(w, doc)
}

// jsonlRenderer writes results.jsonl: one entry per line, as a sweep streams them.
type jsonlRenderer struct{}

func (jsonlRenderer) Render(w io.Writer, doc *results.Document, _ Options) error {
	return results.WriteJSONL(w, doc)
}
