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
	"time"
)

// CustodyName is a folder's chain-of-custody log: one JSON object per line, appended, never rewritten. Each
// line holds the SHA-256 of the line before it (prev), so that editing, removing or reordering a line
// breaks the chain at the next one. It grows after sealing (a verification is recorded in it), so the
// manifest does not list it, and sealing again keeps it: it is the folder's history. The chain shows that
// the log was not edited; only a copy of the manifest's hash kept elsewhere, a signature or a time-stamp
// shows that it was not rewritten whole.
const CustodyName = "CUSTODY.jsonl"

// CustodyEvent is what happened to a folder.
type CustodyEvent string

const (
	CustodyCreated     CustodyEvent = "created"     // the run's evidence was written; always the first entry
	CustodySealed      CustodyEvent = "sealed"      // meta.json and MANIFEST.sha256 written
	CustodySigned      CustodyEvent = "signed"      // MANIFEST.sha256.sig written
	CustodyTimestamped CustodyEvent = "timestamped" // MANIFEST.sha256.tsr written
	CustodyVerified    CustodyEvent = "verified"    // checked (cancelpath verify --record), with the outcome
	CustodyExported    CustodyEvent = "exported"    // handed on (copied, archived, sent)
)

func (e CustodyEvent) known() bool {
	switch e {
	case CustodyCreated, CustodySealed, CustodySigned, CustodyTimestamped, CustodyVerified, CustodyExported:
		return true
	}
	return false
}

// Event is what a caller records; AppendCustody adds the sequence number, time, host, the manifest's hash
// and the link to the line before.
type Event struct {
	Event       CustodyEvent
	ToolVersion string
	Detail      string
}

// CustodyEntry is one line of the log.
type CustodyEntry struct {
	Seq            int          `json:"seq"` // 1, 2, … in the order appended
	Event          CustodyEvent `json:"event"`
	Time           string       `json:"time"` // RFC 3339, UTC, milliseconds
	ToolVersion    string       `json:"tool_version"`
	Host           string       `json:"host"`
	ManifestSHA256 string       `json:"manifest_sha256,omitempty"` // the manifest's hash then, when there was one
	Detail         string       `json:"detail,omitempty"`
	Prev           string       `json:"prev"` // SHA-256 hex of the previous line's bytes (without its newline); "" first
}

// AppendCustody appends one entry to dir's custody log, making the log when it does not exist. The line is
// written with one write and synced before it returns, so a crash leaves at most a half-written last line,
// which CheckCustody reports; AppendCustody refuses to append after such a line (the break stays visible).
// One writer at a time: the engine seals each folder from one goroutine.
func AppendCustody(dir string, e Event) error {
	return appendCustody(dir, e, time.Now())
}

func appendCustody(dir string, e Event, now time.Time) error {
	if !e.Event.known() {
		return fmt.Errorf("custody %s: unknown event %q", dir, e.Event)
	}
	path := filepath.Join(dir, CustodyName)
	_, statErr := os.Stat(path)
	isNew := errors.Is(statErr, fs.ErrNotExist)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("custody %s: %w", dir, err)
	}
	defer func() { _ = f.Close() }() // closed below on the path that wrote; this is for the errors
	data, err := io.ReadAll(f)
	if err != nil {
		return fmt.Errorf("custody %s: %w", dir, err)
	}
	entry := CustodyEntry{Seq: 1, Event: e.Event, Time: utcStamp(now), ToolVersion: e.ToolVersion, Detail: e.Detail}
	if len(data) > 0 {
		if data[len(data)-1] != '\n' {
			return fmt.Errorf("custody %s: its last line is cut short (a write that did not finish): not appending after it", dir)
		}
		lines := bytes.Split(data[:len(data)-1], []byte("\n"))
		last := lines[len(lines)-1]
		var prev CustodyEntry
		if err := json.Unmarshal(last, &prev); err != nil {
			return fmt.Errorf("custody %s: its last line is not an entry: %w", dir, err)
		}
		entry.Seq, entry.Prev = prev.Seq+1, sha256Hex(last)
	}
	if host, err := os.Hostname(); err == nil {
		entry.Host = host
	}
	if sum, err := fileSHA256(filepath.Join(dir, ManifestName)); err == nil {
		entry.ManifestSHA256 = sum
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("custody %s: %w", dir, err)
	}
	line, err := json.Marshal(entry)
	if err != nil {
		return fmt.Errorf("custody %s: %w", dir, err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("custody %s: %w", dir, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("custody %s: sync: %w", dir, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("custody %s: %w", dir, err)
	}
	if isNew { // the new file's name must survive a crash too
		if err := syncDir(dir); err != nil {
			return fmt.Errorf("custody %s: %w", dir, err)
		}
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer func() { _ = d.Close() }() // read only
	if err := d.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("sync folder: %w", err)
	}
	return nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// CustodyBreak is one place the custody log does not hold together.
type CustodyBreak struct {
	Line   int // 1-based; 0 for the log as a whole
	Detail string
}

func (b CustodyBreak) String() string {
	if b.Line == 0 {
		return b.Detail
	}
	return fmt.Sprintf("line %d: %s", b.Line, b.Detail)
}

// sealingEvent tells whether an event vouches for the manifest of its time.
func sealingEvent(e CustodyEvent) bool {
	return e == CustodySealed || e == CustodySigned || e == CustodyTimestamped
}

// ReadCustody reads dir's custody log and walks its chain: every line must be an entry, the first a
// created one with seq 1 and prev "", each next one seq+1 with prev the SHA-256 of the line before, the last
// line whole; and the last sealed, signed or timestamped entry must name the manifest on disk. It returns
// the entries it could read and every break; the error is fs.ErrNotExist (wrapped) when there is no log.
func ReadCustody(dir string) ([]CustodyEntry, []CustodyBreak, error) {
	data, err := os.ReadFile(filepath.Join(dir, CustodyName))
	if err != nil {
		return nil, nil, fmt.Errorf("custody %s: %w", dir, err)
	}
	manifest, err := fileSHA256(filepath.Join(dir, ManifestName))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("custody %s: %w", dir, err)
	}
	entries, breaks := checkCustody(data, manifest)
	return entries, breaks, nil
}

// checkCustody walks the log's bytes; manifest is the hash of the manifest on disk ("" when there is none).
func checkCustody(data []byte, manifest string) ([]CustodyEntry, []CustodyBreak) {
	if len(data) == 0 {
		return nil, []CustodyBreak{{Detail: "the log is empty: its created entry is missing"}}
	}
	var (
		entries   []CustodyEntry
		breaks    []CustodyBreak
		prevLine  []byte
		prevSeq   = 0 // the previous entry's seq; -1 when that line could not be read
		lastSeal  *CustodyEntry
		lastSealN int
	)
	add := func(n int, format string, a ...any) {
		breaks = append(breaks, CustodyBreak{Line: n, Detail: fmt.Sprintf(format, a...)})
	}
	whole := data[len(data)-1] == '\n'
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	for i, line := range lines {
		n := i + 1
		if i == len(lines)-1 && !whole {
			add(n, "cut short (no newline at its end): a write that did not finish, or a log truncated")
			break
		}
		var e CustodyEntry
		if err := json.Unmarshal(line, &e); err != nil {
			add(n, "not a custody entry: %v", err)
			prevLine, prevSeq = line, -1
			continue
		}
		if n == 1 {
			if e.Event != CustodyCreated {
				add(n, "the first entry is %q, not created: the log's beginning is missing", e.Event)
			}
			if e.Prev != "" {
				add(n, "the first entry links to a line before it (prev %.12s…): the log's beginning is missing", e.Prev)
			}
		} else if want := sha256Hex(prevLine); e.Prev != want {
			add(n, "prev does not match the SHA-256 of line %d (%.12s…, not %.12s…): line %d was edited, or lines were removed or moved",
				n-1, want, e.Prev, n-1)
		}
		switch {
		case prevSeq >= 0 && e.Seq != prevSeq+1:
			add(n, "seq %d after seq %d: lines were removed, added or moved", e.Seq, prevSeq)
		case e.Event == CustodyCreated && n > 1:
			add(n, "a second created entry")
		}
		if !e.Event.known() {
			add(n, "unknown event %q", e.Event)
		}
		if _, err := time.Parse(time.RFC3339, e.Time); err != nil {
			add(n, "time %q is not RFC 3339", e.Time)
		}
		if sealingEvent(e.Event) {
			lastSeal, lastSealN = &e, n
		}
		entries = append(entries, e)
		prevLine, prevSeq = line, e.Seq
	}
	switch {
	case manifest == "":
	case lastSeal == nil:
		add(0, "the folder has a manifest, but the log records no sealing: sealed without an entry")
	case lastSeal.ManifestSHA256 != manifest:
		add(lastSealN, "the %s entry names manifest sha256 %s, the manifest on disk is %s: sealed again or replaced without an entry",
			lastSeal.Event, lastSeal.ManifestSHA256, manifest)
	}
	return entries, breaks
}
