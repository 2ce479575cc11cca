package run

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
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
// report format, and then searches every file written for the credentials: the web archive's too (every
// member of archive.wacz, its WARC decompressed; traffic.har with its base64 bodies decoded). Text inside screenshots is out
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
before_cancel:                # after the login, so recorded in the web archive: the username in a URL
  - goto: account.html?user=${CP_TEST_USER}
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
	require.FileExists(t, filepath.Join(out, evidence.Dir("secrets", "desktop"), ArchiveName))
	require.FileExists(t, filepath.Join(out, evidence.Dir("secrets", "desktop"), HARName))

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
		switch {
		case strings.HasSuffix(p, ".mhtml"):
			// Quoted-printable may break a value across a soft line break; a title is an RFC 2047 word.
			texts = append(texts, mhtmlTexts(t, data)...)
		case strings.HasSuffix(p, ".wacz"):
			// Every member as a reader unpacks it, the WARC's gzip members undone.
			texts = append(texts, waczTexts(t, data)...)
		case strings.HasSuffix(p, ".har"):
			// Bodies that are not text are in base64.
			texts = append(texts, harTexts(t, data)...)
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

// waczTexts are the members of a WACZ as a reader gets them: each one inflated, and the WARC also gunzipped.
func waczTexts(t *testing.T, data []byte) []string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	var texts []string
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		texts = append(texts, f.Name, string(b))
		if strings.HasSuffix(f.Name, ".gz") {
			texts = append(texts, string(gunzipAll(t, b)))
		}
	}
	require.NotEmpty(t, texts)
	return texts
}

// harTexts are a HAR's response bodies decoded from base64.
func harTexts(t *testing.T, data []byte) []string {
	t.Helper()
	var doc struct {
		Log struct {
			Entries []struct {
				Response struct {
					Content struct{ Text, Encoding string }
				}
			}
		}
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	require.NotEmpty(t, doc.Log.Entries, "the HAR records the path")
	var texts []string
	for _, e := range doc.Log.Entries {
		if c := e.Response.Content; c.Encoding == "base64" {
			b, err := base64.StdEncoding.DecodeString(c.Text)
			require.NoError(t, err)
			texts = append(texts, string(b))
		}
	}
	return texts
}

// mhtmlTexts decodes a snapshot the way a reader would see it (evidencetest.MHTMLTexts).
func mhtmlTexts(t *testing.T, data []byte) []string {
	t.Helper()
	texts, err := evidencetest.MHTMLTexts(data)
	require.NoError(t, err)
	return texts
}
