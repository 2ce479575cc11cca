package evidence

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// custodyFolder is an evidence folder as the engine leaves it: created, sealed (with both recorded), then
// verified and exported: four entries.
func custodyFolder(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), Dir("xingchen", "desktop"))
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "01-cancel-0.png"), []byte("png"), 0o644))
	require.NoError(t, AppendCustody(dir, Event{Event: CustodyCreated, ToolVersion: "test", Detail: "run of xingchen@desktop"}))
	require.NoError(t, Seal(dir, Meta{ScenarioID: "xingchen", Device: "desktop"}))
	require.NoError(t, AppendCustody(dir, Event{Event: CustodySealed, ToolVersion: "test"}))
	require.NoError(t, AppendCustody(dir, Event{Event: CustodyVerified, ToolVersion: "test", Detail: "intact"}))
	require.NoError(t, AppendCustody(dir, Event{Event: CustodyExported, ToolVersion: "test", Detail: "to the case file"}))
	return dir
}

func custodyLines(t *testing.T, dir string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, CustodyName))
	require.NoError(t, err)
	return bytes.SplitAfter(data, []byte("\n"))[:bytes.Count(data, []byte("\n"))]
}

func writeCustodyLines(t *testing.T, dir string, lines [][]byte) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, CustodyName), bytes.Join(lines, nil), 0o644))
}

func TestAppendCustody(t *testing.T) {
	dir := custodyFolder(t)
	entries, breaks, err := ReadCustody(dir)
	require.NoError(t, err)
	assert.Empty(t, breaks)
	require.Len(t, entries, 4)
	lines := custodyLines(t, dir)
	manifest, err := fileSHA256(filepath.Join(dir, ManifestName))
	require.NoError(t, err)
	host, _ := os.Hostname()
	for i, e := range entries {
		assert.Equal(t, i+1, e.Seq)
		assert.Equal(t, "test", e.ToolVersion)
		assert.Equal(t, host, e.Host)
		ts, err := time.Parse(time.RFC3339, e.Time)
		require.NoError(t, err)
		assert.Equal(t, time.UTC, ts.Location())
		assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`, e.Time, "UTC, milliseconds")
		if i == 0 {
			assert.Empty(t, e.Prev)
			assert.Empty(t, e.ManifestSHA256, "created before the manifest existed")
		} else {
			sum := sha256.Sum256(bytes.TrimSuffix(lines[i-1], []byte("\n")))
			assert.Equal(t, hex.EncodeToString(sum[:]), e.Prev, "the previous line's bytes, without the newline")
			assert.Equal(t, manifest, e.ManifestSHA256)
		}
	}
	assert.Equal(t, []CustodyEvent{CustodyCreated, CustodySealed, CustodyVerified, CustodyExported},
		[]CustodyEvent{entries[0].Event, entries[1].Event, entries[2].Event, entries[3].Event})
	var raw map[string]any
	require.NoError(t, json.Unmarshal(lines[1], &raw))
	for _, k := range []string{"seq", "event", "time", "tool_version", "host", "manifest_sha256", "prev"} {
		assert.Contains(t, raw, k)
	}

	folders, err := VerifyWith(dir, VerifyOptions{RequireCustody: true})
	require.NoError(t, err)
	assert.Empty(t, folders[0].Problems, "the log is neither listed nor unlisted")
	assert.True(t, folders[0].HasCustody)
	assert.Len(t, folders[0].Custody, 4)

	assert.ErrorContains(t, AppendCustody(dir, Event{Event: "lost"}), `unknown event "lost"`)
}

// Each way of breaking the log is found, at the line it shows.
func TestCustodyBreaks(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir string)
		want   []string // "line N: substring", or "substring" for the log as a whole
	}{
		{name: "intact", change: func(*testing.T, string) {}},
		{name: "an edited line", change: func(t *testing.T, dir string) {
			lines := custodyLines(t, dir)
			lines[2] = bytes.Replace(lines[2], []byte(`"intact"`), []byte(`"FAILED"`), 1)
			writeCustodyLines(t, dir, lines)
		}, want: []string{"line 4: prev does not match the SHA-256 of line 3"}},
		{name: "a deleted line", change: func(t *testing.T, dir string) {
			lines := custodyLines(t, dir)
			writeCustodyLines(t, dir, append(lines[:2:2], lines[3]))
		}, want: []string{"line 3: prev does not match the SHA-256 of line 2", "line 3: seq 4 after seq 2"}},
		{name: "reordered lines", change: func(t *testing.T, dir string) {
			lines := custodyLines(t, dir)
			lines[2], lines[3] = lines[3], lines[2]
			writeCustodyLines(t, dir, lines)
		}, want: []string{"line 3: prev does not match", "line 3: seq 4 after seq 2", "line 4: prev does not match", "line 4: seq 3 after seq 4"}},
		{name: "a truncated last line", change: func(t *testing.T, dir string) {
			lines := custodyLines(t, dir)
			lines[3] = lines[3][:len(lines[3])/2]
			writeCustodyLines(t, dir, lines)
		}, want: []string{"line 4: cut short (no newline at its end)"}},
		{name: "the first line removed", change: func(t *testing.T, dir string) {
			writeCustodyLines(t, dir, custodyLines(t, dir)[1:])
		}, want: []string{`line 1: the first entry is "sealed", not created`, "line 1: the first entry links to a line before it", "line 1: seq 2 after seq 0"}},
		{name: "a line that is not an entry", change: func(t *testing.T, dir string) {
			lines := custodyLines(t, dir)
			lines[2] = []byte("{\"seq\":3,\n")
			writeCustodyLines(t, dir, lines)
		}, want: []string{"line 3: not a custody entry", "line 4: prev does not match"}},
		{name: "the manifest sealed again without an entry", change: func(t *testing.T, dir string) {
			require.NoError(t, Seal(dir, Meta{ScenarioID: "xingchen", Device: "desktop", Site: "changed"}))
		}, want: []string{"line 2: the sealed entry names manifest sha256 "}},
		{name: "sealed again, recorded", change: func(t *testing.T, dir string) {
			require.NoError(t, Seal(dir, Meta{ScenarioID: "xingchen", Device: "desktop", Site: "changed"}))
			require.NoError(t, AppendCustody(dir, Event{Event: CustodySealed}))
		}},
		{name: "no sealing recorded", change: func(t *testing.T, dir string) {
			writeCustodyLines(t, dir, custodyLines(t, dir)[:1])
		}, want: []string{"the log records no sealing: sealed without an entry"}},
		{name: "an empty log", change: func(t *testing.T, dir string) {
			writeCustodyLines(t, dir, nil)
		}, want: []string{"the log is empty"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := custodyFolder(t)
			tc.change(t, dir)
			_, breaks, err := ReadCustody(dir)
			require.NoError(t, err)
			var got []string
			for _, b := range breaks {
				got = append(got, b.String())
			}
			require.Len(t, got, len(tc.want), "%q", got)
			for i, w := range tc.want {
				assert.Contains(t, got[i], w, "break %d", i)
			}

			folders, err := VerifyWith(dir, VerifyOptions{RequireCustody: true})
			require.NoError(t, err)
			var custody []string
			for _, p := range folders[0].Problems {
				if p.Kind == ProblemCustody {
					assert.Equal(t, CustodyName, p.File)
					custody = append(custody, p.Detail)
				}
			}
			assert.Equal(t, got, custody, "verify reports each break as a custody problem")
		})
	}
}

func TestCustodyAppendRefusesAfterAHalfLine(t *testing.T) {
	dir := custodyFolder(t)
	lines := custodyLines(t, dir)
	lines[3] = lines[3][:10]
	writeCustodyLines(t, dir, lines)
	err := AppendCustody(dir, Event{Event: CustodyVerified})
	require.ErrorContains(t, err, "its last line is cut short")
	assert.Len(t, custodyLines(t, dir), 3, "nothing appended after the break")
}

// What verify requires of the log, and what the log requires of the folder.
func TestVerifyCustody(t *testing.T) {
	privPEM, _, err := GenerateKey()
	require.NoError(t, err)
	priv, err := ParsePrivateKey(privPEM)
	require.NoError(t, err)
	srv := startTSA(t)
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir string)
		opts   VerifyOptions
		want   []ProblemKind
		detail string
	}{
		{name: "no log, not required", change: func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, CustodyName)))
		}},
		{name: "no log, required", change: func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, CustodyName)))
		}, opts: VerifyOptions{RequireCustody: true}, want: []ProblemKind{ProblemNoCustody}, detail: "the folder's history is not recorded"},
		{name: "signed and timestamped, both recorded", change: func(t *testing.T, dir string) {
			require.NoError(t, Sign(dir, priv))
			require.NoError(t, AppendCustody(dir, Event{Event: CustodySigned}))
			_, err := (&TSA{URL: srv.URL}).Timestamp(t.Context(), dir)
			require.NoError(t, err)
			require.NoError(t, AppendCustody(dir, Event{Event: CustodyTimestamped}))
		}},
		{name: "a recorded signature removed", change: func(t *testing.T, dir string) {
			require.NoError(t, Sign(dir, priv))
			require.NoError(t, AppendCustody(dir, Event{Event: CustodySigned}))
			require.NoError(t, os.Remove(filepath.Join(dir, SignatureName)))
		}, want: []ProblemKind{ProblemUnsigned}, detail: "the custody log records a signature (seq 5), the file is gone"},
		{name: "a recorded token removed", change: func(t *testing.T, dir string) {
			_, err := (&TSA{URL: srv.URL}).Timestamp(t.Context(), dir)
			require.NoError(t, err)
			require.NoError(t, AppendCustody(dir, Event{Event: CustodyTimestamped}))
			require.NoError(t, os.Remove(filepath.Join(dir, TimestampName)))
		}, want: []ProblemKind{ProblemUntimestamped}, detail: "the custody log records a time-stamp (seq 5), the file is gone"},
		{name: "sealed again after a token, recorded: the old token is not expected", change: func(t *testing.T, dir string) {
			_, err := (&TSA{URL: srv.URL}).Timestamp(t.Context(), dir)
			require.NoError(t, err)
			require.NoError(t, AppendCustody(dir, Event{Event: CustodyTimestamped}))
			require.NoError(t, Seal(dir, Meta{ScenarioID: "xingchen", Device: "desktop"}))
			require.NoError(t, AppendCustody(dir, Event{Event: CustodySealed}))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := custodyFolder(t)
			tc.change(t, dir)
			folders, err := VerifyWith(dir, tc.opts)
			require.NoError(t, err)
			assert.Equal(t, tc.want, kindsOf(folders[0]), "%v", folders[0].Problems)
			if tc.detail != "" {
				assert.Contains(t, folders[0].Problems[0].Detail, tc.detail)
			}
		})
	}
}
