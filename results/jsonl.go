package results

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/cancelpath/cancelpath/internal/jsonesc"
)

// JSONLWriter streams entries to a JSON Lines file as each scenario finishes, so that an interrupted sweep
// loses nothing it had finished. It is safe for concurrent use.
type JSONLWriter struct {
	mu   sync.Mutex
	f    *os.File
	path string
}

// NewJSONLWriter creates (or truncates) path; with resume it keeps the lines already there and appends,
// after dropping a last line that a killed sweep left half written.
func NewJSONLWriter(path string, resume bool) (*JSONLWriter, error) {
	flags := os.O_RDWR | os.O_CREATE
	if !resume {
		flags |= os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open results stream: %w", err)
	}
	if resume {
		if err := dropPartialLine(f); err != nil {
			_ = f.Close() // the resume error is the one to report
			return nil, fmt.Errorf("resume %s: %w", path, err)
		}
	}
	return &JSONLWriter{f: f, path: path}, nil
}

// dropPartialLine truncates f after its last newline and leaves the offset at the end.
func dropPartialLine(f *os.File) error {
	data, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	keep := int64(bytes.LastIndexByte(data, '\n') + 1)
	if keep != int64(len(data)) {
		if err := f.Truncate(keep); err != nil {
			return err
		}
	}
	_, err = f.Seek(keep, io.SeekStart)
	return err
}

// Append writes one entry as one line and syncs it to disk before returning.
func (w *JSONLWriter) Append(e *Entry) error {
	line, err := json.Marshal(e.normalized())
	if err != nil {
		return fmt.Errorf("encode %s: %w", e.Key(), err)
	}
	line = append(jsonesc.Escape(line), '\n')
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return fmt.Errorf("append %s to %s: writer closed", e.Key(), w.path)
	}
	if _, err := w.f.Write(line); err != nil {
		return fmt.Errorf("append %s to %s: %w", e.Key(), w.path, err)
	}
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", w.path, err)
	}
	return nil
}

// Close closes the file; a second Close is a no-op.
func (w *JSONLWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	if err != nil {
		return fmt.Errorf("close %s: %w", w.path, err)
	}
	return nil
}

// ReadJSONL reads the entries of a JSON Lines stream in file order, 1.x statuses upgraded (upgrade.go). A
// last line without its newline that does not parse is what a killed sweep leaves behind: it is dropped. A
// bad line anywhere else is an error.
func ReadJSONL(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read results stream: %w", err)
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose
	r := bufio.NewReader(f)
	var entries []Entry
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		complete := err == nil
		if len(bytes.TrimSpace(line)) > 0 {
			var e Entry
			if perr := json.Unmarshal(line, &e); perr != nil {
				if !complete {
					break // truncated by a kill
				}
				return nil, fmt.Errorf("%s:%d: %w", path, n, perr)
			}
			upgradeEntryV1(&e) // a stream written by 1.x
			entries = append(entries, e)
		}
		if !complete {
			break
		}
	}
	return entries, nil
}

// latestPerKey keeps, for each scenario@device, the entry of the last line (a resumed sweep may have
// re-run a scenario), at the position of its first line.
func latestPerKey(entries []Entry) []Entry {
	pos := map[string]int{}
	var out []Entry
	for _, e := range entries {
		if i, ok := pos[e.Key()]; ok {
			out[i] = e
			continue
		}
		pos[e.Key()] = len(out)
		out = append(out, e)
	}
	return out
}

// WriteJSONL writes every entry of doc as one line of results.jsonl, in document order.
func WriteJSONL(w io.Writer, doc *Document) error {
	for i := range doc.Results {
		line, err := json.Marshal(doc.Results[i].normalized())
		if err != nil {
			return fmt.Errorf("encode %s: %w", doc.Results[i].Key(), err)
		}
		if _, err := w.Write(append(jsonesc.Escape(line), '\n')); err != nil {
			return err
		}
	}
	return nil
}
