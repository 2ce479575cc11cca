package evidence

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/evidence/webarchive"
)

func TestSealWritesProvenanceAndMasking(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "01-login-0.png"), []byte("png"), 0o644))
	prov := Provenance{
		Tool:    Build{Version: "0.3.0", Commit: strings.Repeat("c", 40), Modified: true, Go: "go1.26.8", Platform: "linux/amd64"},
		Browser: BrowserFacts{Product: "Chrome/156.0.7390.54", Language: "zh-CN", Languages: []string{"zh-CN", "zh"}, TimeZone: "Asia/Shanghai"},
		Device:  metrics.Device{Name: "mobile", Width: 390, Height: 844, DeviceScaleFactor: 3, Mobile: true, Touch: true},
		Machine: ThisMachine(time.Date(2026, 12, 5, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))),
	}
	mask := Masking{SecretValues: 2, ScreenshotFields: []string{`css "#user"`}, Archive: &webarchive.Masking{
		Statements: []string{"the login's traffic"}, Headers: []string{"Cookie"}, MaskedValues: 3, SecretReplacements: 1}}
	require.NoError(t, Seal(dir, Meta{ScenarioID: "x", Device: "mobile", Provenance: prov, Masking: mask}))

	data, err := os.ReadFile(filepath.Join(dir, MetaName))
	require.NoError(t, err)
	var meta struct {
		Provenance map[string]json.RawMessage `json:"provenance"`
		Masking    Masking                    `json:"masking"`
	}
	require.NoError(t, json.Unmarshal(data, &meta))
	for _, key := range []string{"tool", "browser", "device", "machine", "origins"} {
		assert.Contains(t, meta.Provenance, key)
	}
	assert.JSONEq(t, `[]`, string(meta.Provenance["origins"]), "no origin seen is an empty list, not null")
	var machine Machine
	require.NoError(t, json.Unmarshal(meta.Provenance["machine"], &machine))
	assert.Equal(t, "CST (UTC+08:00)", strings.TrimPrefix(machine.TimeZone, os.Getenv("TZ")+", "))
	assert.Equal(t, mask, meta.Masking)
}

func TestToolBuildNamesWhatItCannotKnow(t *testing.T) {
	b := ToolBuild("1.2.3")
	assert.Equal(t, "1.2.3", b.Version)
	assert.Equal(t, runtime.Version(), b.Go)
	// A test binary carries no version control stamp: the commit is "unknown", not empty or invented.
	assert.Equal(t, "unknown", b.Commit)
}

func TestMachineClockIsTheKernelsWord(t *testing.T) {
	c := ThisMachine(time.Now()).Clock
	assert.NotEmpty(t, c.Source)
	assert.Equal(t, "unknown", c.OffsetToReference)
	if c.Synchronized != nil && !*c.Synchronized {
		assert.Nil(t, c.EstimatedErrorUS, "no error estimate is given for a clock the kernel calls unsynchronised")
	}
}
