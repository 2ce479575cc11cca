package evidence

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ProblemKind says what is wrong with a file in an evidence folder.
type ProblemKind string

const (
	ProblemChanged           ProblemKind = "changed"            // its hash differs from the manifest's
	ProblemMissing           ProblemKind = "missing"            // listed in the manifest, not on disk
	ProblemUnlisted          ProblemKind = "unlisted"           // on disk, not in the manifest (added after sealing)
	ProblemMalformed         ProblemKind = "malformed"          // a manifest line that cannot be read, or an unsafe path
	ProblemUnsigned          ProblemKind = "unsigned"           // a key was given (or the log records a signature), no signature
	ProblemSignature         ProblemKind = "signature"          // the signature does not hold under the key given
	ProblemUntimestamped     ProblemKind = "untimestamped"      // a timestamp is required (or the log records one), no token
	ProblemTimestampMismatch ProblemKind = "timestamp-mismatch" // the token is over another manifest
	ProblemTimestamp         ProblemKind = "timestamp"          // the token's signature or certificate does not hold
	ProblemNoCustody         ProblemKind = "no-custody"         // a custody log is required, the folder has none
	ProblemCustody           ProblemKind = "custody"            // the custody log's chain is broken
)

// Problem is one thing Verify found.
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

// Folder is one evidence folder Verify checked.
type Folder struct {
	Dir            string
	Files          int       // files listed in its manifest
	ManifestSHA256 string    // the manifest's own hash, to record elsewhere
	Problems       []Problem // every changed, missing and unlisted file, in the manifest's order then by name
	// Timestamp is what its time-stamp token says, when it has one that could be read.
	Timestamp *TimestampInfo
	// HasCustody tells whether it has a custody log; Custody are the entries that could be read.
	HasCustody bool
	Custody    []CustodyEntry
}

// Intact tells whether the folder is as it was sealed.
func (f *Folder) Intact() bool { return len(f.Problems) == 0 }

// VerifyOptions say what else to check beyond the manifest. The zero value checks the manifest, and a
// token and a custody log where the folder has them.
type VerifyOptions struct {
	// Key: each folder must be signed (SignatureName) under this key.
	Key ed25519.PublicKey
	// TSARoots: each folder must have a time-stamp token whose certificate chains, at the token's time, to
	// one of these. Without them a token is still checked against its own certificate and the manifest.
	TSARoots *x509.CertPool
	// RequireTimestamp: each folder must have a token (implied by TSARoots).
	RequireTimestamp bool
	// RequireCustody: each folder must have a custody log (folders sealed before cancelpath kept one have
	// none).
	RequireCustody bool
}

// Verify checks one evidence folder (one holding MANIFEST.sha256) or every evidence folder below dir, and
// returns them in path order with every changed, missing and unlisted file, and what is wrong with a
// time-stamp token or a custody log they have. It is an error when dir holds no manifest at all, or when a
// folder cannot be read (the folders checked until then are returned).
func Verify(dir string) ([]Folder, error) { return VerifyWith(dir, VerifyOptions{}) }

// VerifySigned is Verify that, with a public key, also checks each folder's signature of its manifest
// (SignatureName): a folder without one, or whose signature does not hold under pub, has a problem.
func VerifySigned(dir string, pub ed25519.PublicKey) ([]Folder, error) {
	return VerifyWith(dir, VerifyOptions{Key: pub})
}

// VerifyWith is Verify with the checks opts asks for.
func VerifyWith(dir string, opts VerifyOptions) ([]Folder, error) {
	manifests, err := findManifests(dir)
	if err != nil {
		return nil, err
	}
	if len(manifests) == 0 {
		return nil, fmt.Errorf("verify %s: no %s found (is this an evidence folder?)", dir, ManifestName)
	}
	var folders []Folder
	for _, m := range manifests {
		f, err := verifyFolder(filepath.Dir(m), opts)
		if err != nil {
			return folders, err
		}
		folders = append(folders, f)
	}
	return folders, nil
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

// verifyFolder checks the folder holding a manifest.
func verifyFolder(dir string, opts VerifyOptions) (Folder, error) {
	folder := Folder{Dir: dir}
	data, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return folder, fmt.Errorf("verify %s: %w", dir, err)
	}
	sum := sha256.Sum256(data)
	folder.ManifestSHA256 = hex.EncodeToString(sum[:])
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
		folder.Files++
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
		return folder, fmt.Errorf("verify %s: %w", dir, err)
	}
	files, irregular, err := listFiles(dir)
	if err != nil {
		return folder, fmt.Errorf("verify %s: %w", dir, err)
	}
	for _, f := range files {
		if !listed[f] {
			problems = append(problems, Problem{Dir: dir, File: f, Kind: ProblemUnlisted})
		}
	}
	if opts.Key != nil {
		if kind, detail := checkSignature(dir, data, opts.Key); kind != "" {
			problems = append(problems, Problem{Dir: dir, File: SignatureName, Kind: kind, Detail: detail})
		}
	}
	for _, f := range irregular {
		if !listed[f] {
			problems = append(problems, Problem{Dir: dir, File: f, Kind: ProblemUnlisted, Detail: "not a regular file"})
		}
	}
	info, p := checkTimestamp(dir, data, opts.TSARoots, opts.RequireTimestamp || opts.TSARoots != nil)
	folder.Timestamp = info
	if p != nil {
		problems = append(problems, *p)
	}
	custody, err := checkFolderCustody(&folder, opts)
	if err != nil {
		return folder, fmt.Errorf("verify %s: %w", dir, err)
	}
	folder.Problems = append(problems, custody...)
	return folder, nil
}

// checkFolderCustody walks the folder's custody log, and holds the folder to what the log says happened
// since its last sealing: a signature or a token the log records must still be there, or one could be
// removed unnoticed by whoever does not ask for it.
func checkFolderCustody(folder *Folder, opts VerifyOptions) ([]Problem, error) {
	dir := folder.Dir
	entries, breaks, err := ReadCustody(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if opts.RequireCustody {
			return []Problem{{Dir: dir, File: CustodyName, Kind: ProblemNoCustody,
				Detail: "no " + CustodyName + ": the folder's history is not recorded (sealed by an older cancelpath, or outside it)"}}, nil
		}
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	folder.HasCustody, folder.Custody = true, entries
	var problems []Problem
	for _, b := range breaks {
		problems = append(problems, Problem{Dir: dir, File: CustodyName, Kind: ProblemCustody, Detail: b.String()})
	}
	var signed, stamped int // the seq of the last signed and timestamped entries since the last sealing
	for _, e := range entries {
		switch e.Event {
		case CustodySealed:
			signed, stamped = 0, 0
		case CustodySigned:
			signed = e.Seq
		case CustodyTimestamped:
			stamped = e.Seq
		}
	}
	// With a key, or a token required, the missing file is reported already.
	if signed > 0 && opts.Key == nil && !fileExists(filepath.Join(dir, SignatureName)) {
		problems = append(problems, Problem{Dir: dir, File: SignatureName, Kind: ProblemUnsigned,
			Detail: fmt.Sprintf("the custody log records a signature (seq %d), the file is gone", signed)})
	}
	if stamped > 0 && !opts.RequireTimestamp && opts.TSARoots == nil && !fileExists(filepath.Join(dir, TimestampName)) {
		problems = append(problems, Problem{Dir: dir, File: TimestampName, Kind: ProblemUntimestamped,
			Detail: fmt.Sprintf("the custody log records a time-stamp (seq %d), the file is gone", stamped)})
	}
	return problems, nil
}

func fileExists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
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
