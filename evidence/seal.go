package evidence

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/internal/atomicfile"
	"github.com/cancelpath/cancelpath/internal/jsonesc"
)

// Meta says what an evidence folder shows: which scenario, on which device, run by what, when.
type Meta struct {
	ScenarioID     string
	Site           string
	Device         string
	ScenarioFile   string
	ScenarioSHA256 string
	ToolVersion    string
	Browser        string
	StartedAt      time.Time
	FinishedAt     time.Time
	Status         metrics.Status
	// Steps, when given, are written with their UTC start times and screenshots: the timeline of the run.
	Steps []metrics.Step
	// Provenance and Masking say what made the folder and what it withholds (see their types).
	Provenance Provenance
	Masking    Masking
}

// metaJSON is meta.json: times as RFC 3339 strings in UTC, whatever zone the engine used.
type metaJSON struct {
	Tool           string     `json:"tool"`
	ToolVersion    string     `json:"tool_version"`
	ScenarioID     string     `json:"scenario_id"`
	Site           string     `json:"site,omitempty"`
	Device         string     `json:"device"`
	ScenarioFile   string     `json:"scenario_file"`
	ScenarioSHA256 string     `json:"scenario_sha256"`
	Browser        string     `json:"browser"`
	StartedAt      string     `json:"started_at"`
	FinishedAt     string     `json:"finished_at"`
	SealedAt       string     `json:"sealed_at"`
	Status         string     `json:"status,omitempty"`
	Steps          []stepJSON `json:"steps,omitempty"`
	Provenance     Provenance `json:"provenance"`
	Masking        Masking    `json:"masking"`
}

type stepJSON struct {
	Phase      string `json:"phase"`
	Index      int    `json:"index"`
	Line       int    `json:"line"`
	Action     string `json:"action"`
	Target     string `json:"target,omitempty"`
	URL        string `json:"url"`
	StartedAt  string `json:"started_at"`
	DurationMS int64  `json:"duration_ms"`
	Screenshot string `json:"screenshot,omitempty"`
}

// utcStamp is RFC 3339 in UTC with milliseconds, the precision the engine's timestamps carry.
func utcStamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

// Seal writes meta.json into dir and then MANIFEST.sha256 over every file in dir and below (sorted,
// relative, slash-separated paths). Sealing again replaces both: the engine seals a folder once, when its
// run is over.
func Seal(dir string, meta Meta) error {
	return seal(dir, meta, time.Now())
}

func seal(dir string, meta Meta, now time.Time) error {
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("seal evidence: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("seal evidence: %s is not a folder", dir)
	}
	m := metaJSON{
		Tool: "cancelpath", ToolVersion: meta.ToolVersion, ScenarioID: meta.ScenarioID, Site: meta.Site,
		Device: meta.Device, ScenarioFile: meta.ScenarioFile, ScenarioSHA256: meta.ScenarioSHA256,
		Browser: meta.Browser, StartedAt: utcStamp(meta.StartedAt), FinishedAt: utcStamp(meta.FinishedAt),
		SealedAt: utcStamp(now), Status: string(meta.Status), Provenance: meta.Provenance, Masking: meta.Masking,
	}
	if m.Provenance.Origins == nil {
		m.Provenance.Origins = []metrics.Origin{} // "none seen", written as [] rather than null
	}
	for _, s := range meta.Steps {
		m.Steps = append(m.Steps, stepJSON{
			Phase: s.Phase, Index: s.Index, Line: s.Line, Action: s.Action, Target: s.Target, URL: s.URL,
			StartedAt: utcStamp(s.StartedAt), DurationMS: s.DurationMS, Screenshot: s.Screenshot,
		})
	}
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("seal evidence %s: %w", dir, err)
	}
	if err := atomicfile.Write(filepath.Join(dir, MetaName), append(jsonesc.Escape(js), '\n')); err != nil {
		return fmt.Errorf("seal evidence: %w", err)
	}
	// A signature or time-stamp of an earlier manifest would not hold for the new one: sealing again unsigns
	// the folder and drops its token. The custody log stays: it is the folder's history.
	for _, name := range []string{SignatureName, TimestampName} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("seal evidence %s: %w", dir, err)
		}
	}
	files, irregular, err := listFiles(dir)
	if err != nil {
		return fmt.Errorf("seal evidence %s: %w", dir, err)
	}
	if len(irregular) > 0 {
		// A manifest must not vouch for what it cannot hash (a symlink may point anywhere, later).
		return fmt.Errorf("seal evidence %s: %s is not a regular file", dir, irregular[0])
	}
	var b bytes.Buffer
	for _, rel := range files {
		sum, err := fileSHA256(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			return fmt.Errorf("seal evidence %s: %w", dir, err)
		}
		b.WriteString(manifestLine(sum, rel))
	}
	if err := atomicfile.Write(filepath.Join(dir, ManifestName), b.Bytes()); err != nil {
		return fmt.Errorf("seal evidence: %w", err)
	}
	return nil
}

// listFiles lists the regular files under dir except the manifest and the files that follow it (signature,
// token, custody log), and apart from them anything else (a symlink, a device), as sorted slash paths.
func listFiles(dir string) (files, irregular []string, err error) {
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		// The signature and the token follow the manifest; the custody log grows after it.
		if rel == ManifestName || rel == SignatureName || rel == TimestampName || rel == CustodyName || atomicfile.IsTemp(rel) {
			return nil
		}
		if d.Type().IsRegular() {
			files = append(files, rel)
		} else {
			irregular = append(irregular, rel)
		}
		return nil
	})
	slices.Sort(files)
	slices.Sort(irregular)
	return files, irregular, err
}

func fileSHA256(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// manifestLine is one line of `sha256sum` text-mode output. GNU sha256sum escapes a name holding a
// backslash or a newline and marks the line with a leading backslash; so does this.
func manifestLine(sum, name string) string {
	if strings.ContainsAny(name, "\\\n\r") {
		r := strings.NewReplacer("\\", "\\\\", "\n", "\\n", "\r", "\\r")
		return "\\" + sum + "  " + r.Replace(name) + "\n"
	}
	return sum + "  " + name + "\n"
}
