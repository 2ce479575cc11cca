package run

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
	"github.com/cancelpath/cancelpath/evidence"
	"github.com/cancelpath/cancelpath/reports"
	"github.com/cancelpath/cancelpath/results"

	"github.com/cancelpath/cancelpath/evidence/evidencetest"
)

// TestSecretsReachNoOutput logs into a site that echoes the username everywhere it can (page text, title,
// an attribute, link and page URLs) with credentials from the environment, with evidence on, renders every
// report format, and then searches every file written for the credentials. Text inside screenshots is out
// of reach: the password field is masked by the browser, the username field by mask_fields.
func TestSecretsReachNoOutput(t *testing.T) {
	const user, pass = "cpuser-7Hq2", "cppass-9Xw4"
	t.Setenv("CP_TEST_USER", user)
	t.Setenv("CP_TEST_PASS", pass)
	site := newHostileSite(t)
	dir := t.TempDir()
	yaml := `site: 秘密
id: secrets
url: ` + site.URL + `/
jurisdictions: [cn]
timeouts: {step: 3s, scenario: 30s}
login:
  - goto: login.html
  - fill: {css: "#username"}
    value: ${CP_TEST_USER}
  - fill: {css: "#password"}
    value: ${CP_TEST_PASS}
  - click: 登录
  - wait_for: 个人中心
cancel:
  - click: 退订
    control: true
done: 已退订
mask_fields: [{css: "#username"}]
`
	path := filepath.Join(dir, "secrets.yaml")
	require.NoError(t, os.WriteFile(path, []byte(yaml), 0o600))
	sc, err := scenario.LoadFile(path, scenario.Options{})
	require.NoError(t, err)

	out := filepath.Join(dir, "out")
	res := Run(context.Background(), testBrowser, sc, "desktop", Options{OutDir: out})
	require.Equal(t, metrics.StatusOK, res.Status, res.Reason)
	require.FileExists(t, filepath.Join(out, evidence.Dir("secrets", "desktop"), "control.mhtml"))

	// The run's own outputs: the result as JSON, and every report format rendered from it.
	js, err := json.MarshalIndent(res, "", "  ")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(out, "result.json"), js, 0o644))
	doc := &results.Document{SchemaVersion: results.SchemaVersion, StartedAt: time.Now(), FinishedAt: time.Now(),
		Results: []results.Entry{{Result: *res}}}
	_, err = reports.WriteAll(out, doc, reports.AllFormats(), reports.Options{BaseDir: out})
	require.NoError(t, err)

	files := 0
	require.NoError(t, filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		texts := []string{string(data), p}
		if strings.HasSuffix(p, ".mhtml") {
			// Quoted-printable may break a value across a soft line break; a title is an RFC 2047 word.
			texts = append(texts, mhtmlTexts(t, data)...)
		}
		for _, text := range texts {
			for _, secret := range []string{user, pass} {
				assert.NotContains(t, text, secret, "%s holds a secret", p)
			}
		}
		return nil
	}))
	assert.GreaterOrEqual(t, files, 10, "screenshots, the snapshot, the result and the reports were all searched")

	// The scrubbed snapshot is still evidence: Chromium opens it and shows the page, the name masked.
	snap := filepath.Join(out, evidence.Dir("secrets", "desktop"), "control.mhtml")
	view := hostileScenarioFor("file://"+filepath.ToSlash(snap), "", []scenario.Step{control(txt("退订"))},
		&scenario.Target{Text: "欢迎，***"})
	res = Run(context.Background(), testBrowser, view, "desktop", Options{})
	assert.Equal(t, metrics.StatusOK, res.Status, "the snapshot opens: %s", res.Reason)
}

// mhtmlTexts decodes a snapshot the way a reader would see it (evidencetest.MHTMLTexts).
func mhtmlTexts(t *testing.T, data []byte) []string {
	t.Helper()
	texts, err := evidencetest.MHTMLTexts(data)
	require.NoError(t, err)
	return texts
}
