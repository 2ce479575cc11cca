// Package atomicfile writes a file whole or not at all: to a temporary file beside it, synced, then renamed
// over it. An interrupted run never leaves half a report, results document or manifest behind.
package atomicfile

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Write writes data to a temporary file beside path, syncs it and renames it over path (mode 0644).
func Write(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // best effort, and a no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close() // the error below is the one to report
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close() // the error below is the one to report
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// IsTemp tells whether a slash path names one of Write's temporary files, which a concurrent writer may
// leave for a moment.
func IsTemp(rel string) bool {
	base := path.Base(rel)
	return strings.HasPrefix(base, ".") && strings.Contains(base, ".tmp-")
}
