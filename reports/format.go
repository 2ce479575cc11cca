package reports

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Format is an output format of the reports package.
type Format string

const (
	FormatTable    Format = "table"    // terminal rating table
	FormatJSON     Format = "json"     // the Document, indented
	FormatJSONL    Format = "jsonl"    // one Entry per line
	FormatCSV      Format = "csv"      // one row per scenario × device
	FormatMarkdown Format = "markdown" // rating table for a report or a pull request comment
	FormatJUnit    Format = "junit"    // a test case per rule per scenario
	FormatSARIF    Format = "sarif"    // SARIF 2.1.0 for code-scanning UIs
	FormatHTML     Format = "html"     // one self-contained page with screenshots
)

// AllFormats lists every format, in documentation order.
func AllFormats() []Format {
	return []Format{FormatTable, FormatJSON, FormatJSONL, FormatCSV, FormatMarkdown, FormatJUnit, FormatSARIF, FormatHTML}
}

// ParseFormats turns --format values into formats. Each value may also be a comma-separated list; "md" is
// accepted for markdown. Duplicates are dropped, the order kept.
func ParseFormats(list []string) ([]Format, error) {
	var out []Format
	seen := map[Format]bool{}
	for _, item := range list {
		for _, name := range strings.Split(item, ",") {
			name = strings.ToLower(strings.TrimSpace(name))
			if name == "" {
				continue
			}
			if name == "md" {
				name = string(FormatMarkdown)
			}
			f := Format(name)
			if !f.valid() {
				return nil, fmt.Errorf("unknown format %q (want one of %s)", name, formatNames())
			}
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out, nil
}

func (f Format) valid() bool {
	for _, g := range AllFormats() {
		if f == g {
			return true
		}
	}
	return false
}

func formatNames() string {
	all := AllFormats()
	names := make([]string, len(all))
	for i, f := range all {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// FileName is the file WriteAll writes a format to, inside the output folder.
func FileName(f Format) string {
	switch f {
	case FormatTable:
		return "results.txt"
	case FormatJSON:
		return "results.json"
	case FormatJSONL:
		return "results.jsonl"
	case FormatCSV:
		return "results.csv"
	case FormatMarkdown:
		return "report.md"
	case FormatJUnit:
		return "junit.xml"
	case FormatSARIF:
		return "results.sarif"
	case FormatHTML:
		return "report.html"
	}
	return ""
}

// Options tune rendering.
type Options struct {
	// Lang is the language of the report's own words (headings, legends): "en" (default) or "zh". Data
	// (site names, citations) is shown as written. Machine formats (JSON, CSV, SARIF, JUnit) ignore it.
	Lang string
	// Color turns on ANSI colours in the terminal table. The caller decides (a terminal, no NO_COLOR).
	Color bool
	// Width is the terminal table's width in columns; 0 means 100. The site column gives way (cut with an
	// ellipsis) down to 6 columns; below about 90 the fixed columns no longer fit.
	Width int
	// BaseDir is the folder that evidence paths (Step.Screenshot, Control.Screenshot) are relative to: the
	// audit's output folder. When set, the HTML report shows the screenshots it finds there: embedded when
	// rendered to a stream, as thumbnails linked to the full images when WriteAll writes it into a folder.
	BaseDir string
}

const defaultWidth = 100

func (o Options) width() int {
	if o.Width <= 0 {
		return defaultWidth
	}
	return o.Width
}

// Render writes doc in one format.
func Render(w io.Writer, doc *Document, f Format, opt Options) error {
	if doc == nil {
		return fmt.Errorf("render %s: no document", f)
	}
	if _, err := lookupWords(opt.Lang); err != nil {
		return fmt.Errorf("render %s: %w", f, err)
	}
	var err error
	switch f {
	case FormatTable:
		err = renderTable(w, doc, opt)
	case FormatJSON:
		err = renderJSON(w, doc)
	case FormatJSONL:
		err = renderJSONL(w, doc)
	case FormatCSV:
		err = renderCSV(w, doc)
	case FormatMarkdown:
		err = renderMarkdown(w, doc, opt)
	case FormatJUnit:
		err = renderJUnit(w, doc)
	case FormatSARIF:
		err = renderSARIF(w, doc)
	case FormatHTML:
		err = renderHTML(w, doc, opt)
	default:
		return fmt.Errorf("unknown format %q", f)
	}
	if err != nil {
		return fmt.Errorf("render %s: %w", f, err)
	}
	return nil
}

// WriteAll renders doc in every format into outDir (created when missing) under FileName names, and returns
// the paths written. Each file is written whole or not at all (temporary file, then rename), so an
// interrupted run never leaves half a report behind. The terminal table is written without colour.
func WriteAll(outDir string, doc *Document, formats []Format, opt Options) ([]string, error) {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", outDir, err)
	}
	opt.Color = false
	var paths []string
	for _, f := range formats {
		if f == FormatHTML {
			// More than one file: thumbnails under thumbs/, and for a long sweep a page per site under sites/.
			path, err := writeHTMLFolder(outDir, doc, opt)
			if err != nil {
				return paths, fmt.Errorf("render %s: %w", f, err)
			}
			paths = append(paths, path)
			continue
		}
		var buf bytes.Buffer
		if err := Render(&buf, doc, f, opt); err != nil {
			return paths, err
		}
		path := filepath.Join(outDir, FileName(f))
		if err := writeFileAtomic(path, buf.Bytes()); err != nil {
			return paths, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// writeFileAtomic writes data to a temporary file beside path, syncs it and renames it over path.
func writeFileAtomic(path string, data []byte) error {
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
