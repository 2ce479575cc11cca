package results

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// fixturePath is the hand-built audit the reports render (six runs of five sites, with hostile text), read
// from package reports' test data, where it sits with the evidence its screenshots name.
const fixturePath = "../reports/testdata/run/results.json"

// loadFixture reads the fixture document; each call returns a fresh copy that a test may change.
func loadFixture(t *testing.T) *Document {
	t.Helper()
	doc, err := ReadDocument(fixturePath)
	require.NoError(t, err)
	return doc
}

// entry returns the entry of doc with the given key.
func entry(t *testing.T, doc *Document, key string) *Entry {
	t.Helper()
	for i := range doc.Results {
		if doc.Results[i].Key() == key {
			return &doc.Results[i]
		}
	}
	require.FailNow(t, "no entry "+key)
	return nil
}

func intp(i int) *int { return &i }
