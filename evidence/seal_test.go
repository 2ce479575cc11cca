package evidence

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
)

// sealedFolder writes a fresh evidence folder (four step screenshots, a control page and a file in a
// subfolder) and seals it.
func sealedFolder(t *testing.T) (root, dir string) {
	t.Helper()
	root = t.TempDir()
	dir = filepath.Join(root, Dir("xingchen", "mobile"))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "frames"), 0o755))
	for i, name := range []string{"06-cancel-0.png", "07-cancel-1.png", "08-cancel-2.png", "09-cancel-3.png"} {
		shot := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{byte(i), 0xff, 0x00}, 4000)...)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), shot, 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "control.mhtml"), []byte("MIME-Version: 1.0\r\n\r\n<html>退订</html>"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "frames", "iframe 1.html"), []byte("<p>x</p>"), 0o644))
	cst := time.FixedZone("CST", 8*3600)
	meta := Meta{
		ScenarioID: "xingchen", Site: "星辰卡盟", Device: "mobile", ScenarioFile: "scenarios/xingchen.yaml",
		ScenarioSHA256: strings.Repeat("ab", 32), ToolVersion: "0.3.0-test", Browser: "Chrome/156.0.7390.54",
		StartedAt:  time.Date(2025, 3, 1, 16, 0, 10, 123e6, cst),
		FinishedAt: time.Date(2025, 3, 1, 16, 0, 15, 0, cst),
		Status:     metrics.StatusOK,
		Steps:      []metrics.Step{{Phase: "cancel", Index: 0, Line: 20, Action: "click", Target: "text 我的", StartedAt: time.Date(2025, 3, 1, 16, 0, 11, 0, cst), Screenshot: "evidence/xingchen@mobile/06-cancel-0.png"}},
	}
	require.NoError(t, Seal(dir, meta))
	return root, dir
}

func TestSealWritesMetaAndManifest(t *testing.T) {
	_, dir := sealedFolder(t)
	var meta map[string]any
	data, err := os.ReadFile(filepath.Join(dir, MetaName))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &meta))
	assert.Equal(t, "2025-03-01T08:00:10.123Z", meta["started_at"], "RFC 3339 in UTC")
	assert.Equal(t, "2025-03-01T08:00:15.000Z", meta["finished_at"])
	assert.Equal(t, "Chrome/156.0.7390.54", meta["browser"])
	assert.Equal(t, "0.3.0-test", meta["tool_version"])
	assert.Equal(t, strings.Repeat("ab", 32), meta["scenario_sha256"])
	sealed, err := time.Parse(time.RFC3339, meta["sealed_at"].(string))
	require.NoError(t, err)
	assert.Equal(t, time.UTC, sealed.Location())
	assert.Equal(t, "2025-03-01T08:00:11.000Z", meta["steps"].([]any)[0].(map[string]any)["started_at"])

	manifest, err := os.ReadFile(filepath.Join(dir, ManifestName))
	require.NoError(t, err)
	var names []string
	for _, line := range strings.Split(strings.TrimSuffix(string(manifest), "\n"), "\n") {
		names = append(names, line[66:])
	}
	assert.Equal(t, []string{"06-cancel-0.png", "07-cancel-1.png", "08-cancel-2.png", "09-cancel-3.png",
		"control.mhtml", "frames/iframe 1.html", "meta.json"}, names, "every file, sorted, meta.json included")

	// The manifest is what sha256sum -c reads.
	if _, err := exec.LookPath("sha256sum"); err == nil {
		cmd := exec.Command("sha256sum", "--strict", "-c", ManifestName)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
	}
}

func TestManifestLineEscapesLikeSha256sum(t *testing.T) {
	sum := strings.Repeat("0f", 32)
	for _, name := range []string{"a.png", "back\\slash.png", "new\nline.png", "空 格.png"} {
		line := manifestLine(sum, name)
		gotSum, gotName, err := parseManifestLine(strings.TrimSuffix(line, "\n"))
		require.NoError(t, err, line)
		assert.Equal(t, sum, gotSum)
		assert.Equal(t, name, gotName)
	}
	assert.Equal(t, "\\"+sum+"  new\\nline.png\n", manifestLine(sum, "new\nline.png"))
}
