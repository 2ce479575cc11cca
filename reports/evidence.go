package reports

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cancelpath/cancelpath/audit/metrics"
)

// Evidence folders. The engine writes a run's raw evidence (step screenshots with the target outlined, the
// control page as MHTML) into one folder per scenario × device; SealEvidence then adds meta.json and
// MANIFEST.sha256, which lists every file's SHA-256 in the format of `sha256sum` so that anyone can check
// the folder with `sha256sum -c MANIFEST.sha256`, and `cancelpath verify` does the same.
//
// The manifest proves that nothing changed since sealing; it cannot prove who sealed it. Whoever needs that
// records the manifest's own hash (cancelpath verify prints it) somewhere the auditee cannot change, or signs
// it.

// ManifestName and MetaName are the files SealEvidence writes.
const (
	ManifestName = "MANIFEST.sha256"
	MetaName     = "meta.json"
)

// EvidenceMeta says what an evidence folder shows: which scenario, on which device, run by what, when.
type EvidenceMeta struct {
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
}

// evidenceMetaJSON is meta.json: times as RFC 3339 strings in UTC, whatever zone the engine used.
type evidenceMetaJSON struct {
	Tool           string             `json:"tool"`
	ToolVersion    string             `json:"tool_version"`
	ScenarioID     string             `json:"scenario_id"`
	Site           string             `json:"site,omitempty"`
	Device         string             `json:"device"`
	ScenarioFile   string             `json:"scenario_file"`
	ScenarioSHA256 string             `json:"scenario_sha256"`
	Browser        string             `json:"browser"`
	StartedAt      string             `json:"started_at"`
	FinishedAt     string             `json:"finished_at"`
	SealedAt       string             `json:"sealed_at"`
	Status         string             `json:"status,omitempty"`
	Steps          []evidenceStepJSON `json:"steps,omitempty"`
}

type evidenceStepJSON struct {
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

// SealEvidence writes meta.json into dir and then MANIFEST.sha256 over every file in dir and below (sorted,
// relative, slash-separated paths). Sealing again replaces both: the engine seals a folder once, when its
// run is over.
func SealEvidence(dir string, meta EvidenceMeta) error {
	return sealEvidence(dir, meta, time.Now())
}

func sealEvidence(dir string, meta EvidenceMeta, now time.Time) error {
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("seal evidence: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("seal evidence: %s is not a folder", dir)
	}
	m := evidenceMetaJSON{
		Tool: "cancelpath", ToolVersion: meta.ToolVersion, ScenarioID: meta.ScenarioID, Site: meta.Site,
		Device: meta.Device, ScenarioFile: meta.ScenarioFile, ScenarioSHA256: meta.ScenarioSHA256,
		Browser: meta.Browser, StartedAt: utcStamp(meta.StartedAt), FinishedAt: utcStamp(meta.FinishedAt),
		SealedAt: utcStamp(now), Status: string(meta.Status),
	}
	for _, s := range meta.Steps {
		m.Steps = append(m.Steps, evidenceStepJSON{
			Phase: s.Phase, Index: s.Index, Line: s.Line, Action: s.Action, Target: s.Target, URL: s.URL,
			StartedAt: utcStamp(s.StartedAt), DurationMS: s.DurationMS, Screenshot: s.Screenshot,
		})
	}
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("seal evidence %s: %w", dir, err)
	}
	if err := writeFileAtomic(filepath.Join(dir, MetaName), append(escapeFormatChars(js), '\n')); err != nil {
		return fmt.Errorf("seal evidence: %w", err)
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
	if err := writeFileAtomic(filepath.Join(dir, ManifestName), b.Bytes()); err != nil {
		return fmt.Errorf("seal evidence: %w", err)
	}
	return nil
}

// listFiles lists the regular files under dir except the manifest, and apart from them anything else (a
// symlink, a device), as sorted slash paths.
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
		if rel == ManifestName || isTempFile(rel) {
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

// isTempFile matches writeFileAtomic's temporary files, which a concurrent writer may leave for a moment.
func isTempFile(rel string) bool {
	base := path.Base(rel)
	return strings.HasPrefix(base, ".") && strings.Contains(base, ".tmp-")
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

// parseManifestLine reads a line written by manifestLine (or by sha256sum, text or binary mode).
func parseManifestLine(line string) (sum, name string, err error) {
	escaped := strings.HasPrefix(line, "\\")
	if escaped {
		line = line[1:]
	}
	if len(line) < 66 || (line[64] != ' ') || (line[65] != ' ' && line[65] != '*') {
		return "", "", errors.New("not a sha256sum line")
	}
	sum, name = strings.ToLower(line[:64]), line[66:]
	if _, err := hex.DecodeString(sum); err != nil {
		return "", "", errors.New("not a sha256sum line")
	}
	if escaped {
		var b strings.Builder
		for i := 0; i < len(name); i++ {
			if name[i] != '\\' || i+1 == len(name) {
				b.WriteByte(name[i])
				continue
			}
			i++
			switch name[i] {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			default:
				b.WriteByte(name[i])
			}
		}
		name = b.String()
	}
	return sum, name, nil
}

// ProblemKind says what is wrong with a file in an evidence folder.
type ProblemKind string

const (
	ProblemChanged   ProblemKind = "changed"   // its hash differs from the manifest's
	ProblemMissing   ProblemKind = "missing"   // listed in the manifest, not on disk
	ProblemUnlisted  ProblemKind = "unlisted"  // on disk, not in the manifest (added after sealing)
	ProblemMalformed ProblemKind = "malformed" // a manifest line that cannot be read, or an unsafe path
)

// Problem is one thing VerifyEvidence found.
type Problem struct {
	Dir    string      // the evidence folder (the one holding the manifest)
	File   string      // relative to Dir, slash-separated
	Kind   ProblemKind // what is wrong
	Detail string      // expected and actual hash, or the parse error
}

func (p Problem) String() string {
	s := fmt.Sprintf("%s: %s", p.Kind, filepath.Join(p.Dir, filepath.FromSlash(p.File)))
	if p.Detail != "" {
		s += " (" + p.Detail + ")"
	}
	return s
}

// Sealed is one evidence folder VerifyEvidence checked.
type Sealed struct {
	Dir            string
	Files          int    // files listed in its manifest
	ManifestSHA256 string // the manifest's own hash, to record elsewhere
}

// VerifyEvidence checks one evidence folder (one holding MANIFEST.sha256) or every evidence folder below dir,
// and returns every changed, missing and unlisted file. It is an error when dir holds no manifest at all.
func VerifyEvidence(dir string) ([]Problem, error) {
	_, problems, err := VerifyEvidenceFolders(dir)
	return problems, err
}

// VerifyEvidenceFolders is VerifyEvidence that also says which folders it checked.
func VerifyEvidenceFolders(dir string) ([]Sealed, []Problem, error) {
	manifests, err := findManifests(dir)
	if err != nil {
		return nil, nil, err
	}
	if len(manifests) == 0 {
		return nil, nil, fmt.Errorf("verify %s: no %s found (is this an evidence folder?)", dir, ManifestName)
	}
	var sealed []Sealed
	var problems []Problem
	for _, m := range manifests {
		s, ps, err := verifyFolder(filepath.Dir(m))
		if err != nil {
			return sealed, problems, err
		}
		sealed = append(sealed, s)
		problems = append(problems, ps...)
	}
	return sealed, problems, nil
}

// findManifests returns the manifests at or below dir, sorted; a sealed folder's own subfolders are part of
// it and are not searched for further manifests.
func findManifests(dir string) ([]string, error) {
	var found []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		m := filepath.Join(p, ManifestName)
		if _, err := os.Lstat(m); err == nil {
			found = append(found, m)
			return filepath.SkipDir
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", dir, err)
	}
	return found, nil
}

func verifyFolder(dir string) (Sealed, []Problem, error) {
	s := Sealed{Dir: dir}
	data, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return s, nil, fmt.Errorf("verify %s: %w", dir, err)
	}
	sum := sha256.Sum256(data)
	s.ManifestSHA256 = hex.EncodeToString(sum[:])
	var problems []Problem
	listed := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" {
			continue
		}
		want, name, err := parseManifestLine(line)
		if err == nil && !filepath.IsLocal(filepath.FromSlash(name)) {
			err = errors.New("path leaves the folder")
		}
		if err != nil {
			problems = append(problems, Problem{Dir: dir, File: ManifestName, Kind: ProblemMalformed, Detail: fmt.Sprintf("line %d: %v", n, err)})
			continue
		}
		s.Files++
		listed[name] = true
		p := filepath.Join(dir, filepath.FromSlash(name))
		if fi, err := os.Lstat(p); err == nil && !fi.Mode().IsRegular() {
			problems = append(problems, Problem{Dir: dir, File: name, Kind: ProblemChanged, Detail: "no longer a regular file"})
			continue
		}
		got, err := fileSHA256(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			problems = append(problems, Problem{Dir: dir, File: name, Kind: ProblemMissing})
		case err != nil:
			problems = append(problems, Problem{Dir: dir, File: name, Kind: ProblemChanged, Detail: err.Error()})
		case got != want:
			problems = append(problems, Problem{Dir: dir, File: name, Kind: ProblemChanged, Detail: "sha256 " + want + " in the manifest, " + got + " on disk"})
		}
	}
	if err := sc.Err(); err != nil {
		return s, problems, fmt.Errorf("verify %s: %w", dir, err)
	}
	files, irregular, err := listFiles(dir)
	if err != nil {
		return s, problems, fmt.Errorf("verify %s: %w", dir, err)
	}
	for _, f := range files {
		if !listed[f] {
			problems = append(problems, Problem{Dir: dir, File: f, Kind: ProblemUnlisted})
		}
	}
	for _, f := range irregular {
		if !listed[f] {
			problems = append(problems, Problem{Dir: dir, File: f, Kind: ProblemUnlisted, Detail: "not a regular file"})
		}
	}
	return s, problems, nil
}
