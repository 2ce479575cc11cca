package evidence

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Export writes the evidence folders at or below dir into a zip file at dest, after checking them: a
// folder that is not intact (Verify with opts) is not handed on, and nothing is written. Each exported
// folder's custody log first gets an "exported" entry naming dest, so the copy carries its own hand-over;
// the zip's SHA-256 is returned, for the receipt (it cannot be in the log the zip holds). Paths in the zip
// are relative to dir's parent: evidence/<scenario>@<device>/… when dir is an audit's evidence folder.
func Export(dir, dest, toolVersion string, opts VerifyOptions) (folders []Folder, zipSHA256 string, err error) {
	opts.RequireCustody = true // a folder without a history cannot record its hand-over
	folders, err = VerifyWith(dir, opts)
	if err != nil {
		return folders, "", fmt.Errorf("export: %w", err)
	}
	for _, f := range folders {
		if !f.Intact() {
			return folders, "", fmt.Errorf("export: %s is not intact (%s): nothing exported", f.Dir, f.Problems[0])
		}
	}
	absDest, err := filepath.Abs(dest)
	if err != nil {
		return folders, "", fmt.Errorf("export: %w", err)
	}
	if _, err := os.Stat(absDest); err == nil {
		return folders, "", fmt.Errorf("export: %s exists: choose another file", dest)
	}
	for _, f := range folders {
		if inside(absDest, f.Dir) {
			return folders, "", fmt.Errorf("export: %s is inside the evidence folder %s", dest, f.Dir)
		}
	}
	for _, f := range folders {
		if err := AppendCustody(f.Dir, Event{Event: CustodyExported, ToolVersion: toolVersion,
			Detail: "to " + filepath.Base(dest)}); err != nil {
			return folders, "", fmt.Errorf("export: %w", err)
		}
	}
	sum, err := writeZip(absDest, filepath.Dir(filepath.Clean(dir)), folders)
	if err != nil {
		_ = os.Remove(absDest)
		return folders, "", fmt.Errorf("export: %w", err)
	}
	return folders, sum, nil
}

// inside tells whether path is dir or below it.
func inside(path, dir string) bool {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(abs, path)
	return err == nil && filepath.IsLocal(rel)
}

// writeZip zips every file of the folders (the manifest, signature, token and custody log included), named
// relative to base, and returns the zip's SHA-256.
func writeZip(dest, base string, folders []Folder) (string, error) {
	out, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	zw := zip.NewWriter(io.MultiWriter(out, h))
	for _, f := range folders {
		err := filepath.WalkDir(f.Dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if !d.Type().IsRegular() {
				return fmt.Errorf("%s is not a regular file", p)
			}
			rel, err := filepath.Rel(base, p)
			if err != nil {
				return err
			}
			return addFile(zw, p, filepath.ToSlash(rel))
		})
		if err != nil {
			_ = out.Close()
			return "", err
		}
	}
	if err := zw.Close(); err != nil {
		_ = out.Close()
		return "", err
	}
	if err := out.Sync(); err != nil {
		_ = out.Close()
		return "", err
	}
	if err := out.Close(); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func addFile(zw *zip.Writer, path, name string) error {
	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }() // read only
	st, err := in.Stat()
	if err != nil {
		return err
	}
	hdr, err := zip.FileInfoHeader(st)
	if err != nil {
		return err
	}
	hdr.Name, hdr.Method = name, zip.Deflate
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, in); err != nil {
		return fmt.Errorf("zip %s: %w", path, err)
	}
	return nil
}
