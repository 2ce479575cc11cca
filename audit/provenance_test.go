package audit

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/rules"
	"github.com/cancelpath/cancelpath/audit/run"
	"github.com/cancelpath/cancelpath/audit/scenario"
	"github.com/cancelpath/cancelpath/evidence"
	"github.com/cancelpath/cancelpath/results"
)

// A sealed folder's meta.json says what made it (the browser's locale as its pages saw it, the device, the
// origin the path talked to and its IP) and what it withholds (secrets counted, masked fields named).
func TestSealedEvidenceSaysWhatMadeIt(t *testing.T) {
	ctx := context.Background()
	b, err := OpenBrowser(ctx, BrowserOptions{})
	require.NoError(t, err)
	defer func() { _ = b.Close() }()
	packs, err := rules.Bundled()
	require.NoError(t, err)
	out := t.TempDir()
	sc := testScenario("prov", "")
	sc.Secrets = []string{"hunter2", "hunter2", "alice"}
	sc.MaskFields = []scenario.Target{{CSS: "#user"}}
	// The archive, and so the origins, start after the login: the path loads its page anew.
	sc.Cancel = append([]scenario.Step{{Action: scenario.Goto, URL: siteURL + "?p=cancel"}}, sc.Cancel...)
	a := Auditor{Browser: b, Packs: packs, Run: run.Options{OutDir: out}, Tool: results.Tool{Name: "cancelpath", Version: "9.9.9"}}
	doc, _, err := a.Audit(ctx, []*scenario.Scenario{sc})
	require.NoError(t, err)
	require.Len(t, doc.Results, 1)
	require.Equal(t, metrics.StatusOK, doc.Results[0].Status, doc.Results[0].Reason)

	data, err := os.ReadFile(filepath.Join(out, evidence.Dir("prov", "desktop"), evidence.MetaName))
	require.NoError(t, err)
	var meta struct {
		Provenance evidence.Provenance `json:"provenance"`
		Masking    evidence.Masking    `json:"masking"`
	}
	require.NoError(t, json.Unmarshal(data, &meta))
	p := meta.Provenance
	assert.Equal(t, "9.9.9", p.Tool.Version)
	assert.Equal(t, b.Version(), p.Browser.Product)
	assert.NotEmpty(t, p.Browser.Language, "navigator.language, as the pages saw it")
	assert.NotEmpty(t, p.Browser.TimeZone)
	assert.Equal(t, "desktop", p.Device.Name)
	assert.Positive(t, p.Device.Width)
	u, err := url.Parse(siteURL)
	require.NoError(t, err)
	var origins []string
	for _, o := range p.Origins {
		origins = append(origins, o.Origin)
		if o.Origin == "http://"+u.Host {
			assert.Contains(t, o.IPs, "127.0.0.1")
		}
	}
	assert.Contains(t, origins, "http://"+u.Host)

	assert.Equal(t, 2, meta.Masking.SecretValues, "distinct values, counted")
	assert.Equal(t, []string{sc.MaskFields[0].String()}, meta.Masking.ScreenshotFields)
	require.NotNil(t, meta.Masking.Archive, "the run wrote a web archive: what it withholds is declared")
	assert.NotEmpty(t, meta.Masking.Archive.Statements)
	assert.NotContains(t, string(data), "hunter2")
}
