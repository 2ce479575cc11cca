package reports

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/rules"
	"github.com/cancelpath/cancelpath/results"
)

func intp(i int) *int { return &i }

// entry returns the fixture entry with the given key.
func entry(t *testing.T, doc *results.Document, key string) *results.Entry {
	t.Helper()
	for i := range doc.Results {
		if doc.Results[i].Key() == key {
			return &doc.Results[i]
		}
	}
	require.FailNow(t, "no entry "+key)
	return nil
}

// worsened is the fixture after a bad release: xingchen's desktop path got two clicks longer, its control
// smaller and its grade lower; chaoji improved; the hostile site was dropped and a new site added.
func worsened(t *testing.T) *results.Document {
	doc := loadFixture(t)
	x := entry(t, doc, "xingchen@desktop")
	x.Metrics.ClicksToControl = intp(4)
	x.Control.Box.Width, x.Control.Box.Height = 100, 20
	x.Control.TargetSize = "pass_spacing"
	x.Overall, x.Grade = 72, "C"
	x.Verdicts[0].Outcome, x.Verdicts[0].Measured = rules.Fail, "4"
	c := entry(t, doc, "chaoji@mobile")
	c.Metrics.LevelsToControl = intp(1)
	doc.Results = slices.DeleteFunc(doc.Results, func(e results.Entry) bool { return e.ScenarioID == "hostile" })
	added := doc.Results[0]
	added.ScenarioID, added.Site = "xinxing", "新星卡盟"
	doc.Results = append(doc.Results, added)
	return doc
}

func TestDiffJSONRoundTrip(t *testing.T) {
	d := results.Diff(loadFixture(t), worsened(t))
	var buf bytes.Buffer
	require.NoError(t, RenderDiff(&buf, d, "json", Options{}))
	var back results.DiffResult
	require.NoError(t, json.Unmarshal(buf.Bytes(), &back))
	assert.Equal(t, d.Rows, back.Rows)
	assert.NotEmpty(t, back.Regressions())
	require.Error(t, RenderDiff(&buf, d, "yaml", Options{}))
}
