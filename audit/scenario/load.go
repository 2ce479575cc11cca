package scenario

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cancelpath/cancelpath/audit/yamlfile"
)

// Load reads scenarios from files and folders. A folder contributes its *.yaml and *.yml files,
// recursively, sorted by path, skipping folders whose name starts with a dot; a file named directly is
// read whatever its extension. Every file is checked and all problems come back at once in an ErrorList;
// two files with the same id are a problem too. The scenarios that loaded cleanly are returned even when
// others failed, so a caller can report both; a caller that needs all of them checks the error first.
func Load(paths []string, opts Options) ([]*Scenario, error) {
	if len(paths) == 0 {
		return nil, ErrorList{{Msg: "no scenario files or folders given"}}
	}
	files, errs := scenarioFiles(paths)
	var out []*Scenario
	byID := map[string]*Scenario{}
	for _, f := range files {
		s, err := LoadFile(f, opts)
		if err != nil {
			errs = append(errs, asList(err, f)...)
			continue
		}
		if prev, dup := byID[s.ID]; dup {
			from := ""
			if s.idLine == 0 {
				from = " (from the file name)"
			}
			errs = append(errs, &Error{File: f, Line: s.idLine, Field: "id",
				Msg: fmt.Sprintf("id %q%s is also the id of %s: set a distinct id", s.ID, from, prev.File)})
			continue
		}
		byID[s.ID] = s
		out = append(out, s)
	}
	return out, errs.Err()
}

// LoadFile reads and parses one scenario file; see Parse.
func LoadFile(path string, opts Options) (*Scenario, error) {
	data, err := readFile(path, MaxFileSize, false)
	if err != nil {
		return nil, ErrorList{{File: path, Msg: err.Error()}}
	}
	return Parse(path, data, opts)
}

// readFile reads a whole file, refusing one larger than limit (see yamlfile.ReadFile). With regularOnly
// it refuses devices, pipes and sockets before opening them: a path inside a scenario (session:) must not
// make the loader block on a FIFO or read /dev/zero.
func readFile(path string, limit int64, regularOnly bool) ([]byte, error) {
	if regularOnly {
		st, err := os.Stat(path)
		if err != nil {
			return nil, describeFSError(err)
		}
		if !st.Mode().IsRegular() {
			return nil, errors.New("is not a regular file")
		}
	}
	data, err := yamlfile.ReadFile(path, limit)
	if err != nil {
		return nil, describeFSError(err)
	}
	return data, nil
}

// describeFSError drops the path from an os error (the message's File names it already).
func describeFSError(err error) error {
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("no such file or folder")
	case errors.As(err, &pe):
		return pe.Err
	}
	return err
}

// asList returns err's problems as an ErrorList, wrapping anything else as a problem of file.
func asList(err error, file string) ErrorList {
	var list ErrorList
	if errors.As(err, &list) {
		return list
	}
	var e *Error
	if errors.As(err, &e) {
		return ErrorList{e}
	}
	return ErrorList{{File: file, Msg: err.Error()}}
}

// scenarioFiles expands paths into scenario files, each once, in the order given (folders sorted).
func scenarioFiles(paths []string) ([]string, ErrorList) {
	var files []string
	var errs ErrorList
	seen := map[string]bool{}
	add := func(f string) {
		if key := filepath.Clean(f); !seen[key] {
			seen[key] = true
			files = append(files, f)
		}
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		switch {
		case err != nil:
			errs = append(errs, &Error{File: p, Msg: describeFSError(err).Error()})
		case !st.IsDir():
			add(p)
		default:
			found, walkErrs := walkScenarios(p)
			errs = append(errs, walkErrs...)
			if len(found) == 0 && len(walkErrs) == 0 {
				errs = append(errs, &Error{File: p, Msg: "no scenario files (*.yaml, *.yml) in this folder"})
			}
			for _, f := range found {
				add(f)
			}
		}
	}
	return files, errs
}

// walkScenarios lists the *.yaml and *.yml files under root, sorted, skipping dot-folders.
func walkScenarios(root string) ([]string, ErrorList) {
	var found []string
	var errs ErrorList
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, &Error{File: path, Msg: describeFSError(err).Error()})
			return nil
		}
		if d.IsDir() {
			if path != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		switch strings.ToLower(filepath.Ext(path)) {
		case ".yaml", ".yml":
			found = append(found, path)
		}
		return nil
	})
	if err != nil {
		errs = append(errs, &Error{File: root, Msg: describeFSError(err).Error()})
	}
	slices.Sort(found)
	return found, errs
}
