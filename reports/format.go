// Package reports renders a results document (package results) into every output format: the terminal
// rating table, JSON, JSON Lines, CSV, Markdown, JUnit, SARIF and HTML, one Renderer per format, the
// regulator's sheet (sheet-csv, sheet-html: written on request) and the regression diff (RenderDiff).
// Everything a site wrote is shown inert (Clean, Cut).
package reports

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cancelpath/cancelpath/internal/atomicfile"
	"github.com/cancelpath/cancelpath/results"
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

	// The regulator's sheet (sheet.go): per site, the indicators a sweep records, with their evidence. Written
	// only on request (OnRequestFormats), in the language of Options.Lang, to a file named after it.
	FormatSheetCSV  Format = "sheet-csv"  // for Excel: UTF-8 with BOM, like results.csv
	FormatSheetHTML Format = "sheet-html" // a printable A4 page
)

// Renderer writes a results document in one format. Each format has one (RendererFor).
type Renderer interface {
	Render(w io.Writer, doc *results.Document, opt Options) error
}

// folderWriter is a Renderer whose report, written into a folder, is more than one file (the HTML report's
// thumbnails and pages per site): WriteAll lets it write the folder itself and gets the main file's path.
type folderWriter interface {
	WriteFolder(outDir string, doc *results.Document, opt Options) (string, error)
}

// registered is one format of the registry.
type registered struct {
	format   Format
	file     string // the file WriteAll writes, inside the output folder; {lang} stands for the language
	renderer Renderer
	// onRequest: not among the formats written by default (AllFormats), only when asked for by name.
	onRequest bool
}

// registry lists every format in documentation order, with its file and its renderer. It is a function,
// not a package variable, so nothing can change it.
func registry() []registered {
	return []registered{
		{FormatTable, "results.txt", tableRenderer{}, false},
		{FormatJSON, "results.json", jsonRenderer{}, false},
		{FormatJSONL, "results.jsonl", jsonlRenderer{}, false},
		{FormatCSV, "results.csv", csvRenderer{}, false},
		{FormatMarkdown, "report.md", markdownRenderer{}, false},
		{FormatJUnit, "junit.xml", junitRenderer{}, false},
		{FormatSARIF, "results.sarif", sarifRenderer{}, false},
		{FormatHTML, "report.html", htmlRenderer{}, false},
		{FormatSheetCSV, "sheet.{lang}.csv", sheetCSVRenderer{}, true},
		{FormatSheetHTML, "sheet.{lang}.html", sheetHTMLRenderer{}, true},
	}
}

func lookup(f Format) (registered, bool) {
	for _, r := range registry() {
		if r.format == f {
			return r, true
		}
	}
	return registered{}, false
}

// RendererFor returns the renderer of a format; ok is false for an unknown format.
func RendererFor(f Format) (r Renderer, ok bool) {
	reg, ok := lookup(f)
	return reg.renderer, ok
}

// AllFormats lists the formats written by default (by audit -o, report -o), in documentation order: every
// format but those written on request (OnRequestFormats).
func AllFormats() []Format { return formats(false) }

// OnRequestFormats lists the formats written only when asked for by name (--format): the regulator's sheet.
func OnRequestFormats() []Format { return formats(true) }

func formats(onRequest bool) []Format {
	var out []Format
	for _, r := range registry() {
		if r.onRequest == onRequest {
			out = append(out, r.format)
		}
	}
	return out
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
			if _, ok := lookup(f); !ok {
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

func formatNames() string {
	var names []string
	for _, r := range registry() {
		names = append(names, string(r.format))
	}
	return strings.Join(names, ", ")
}

// FileName is the file WriteAll writes a format to, inside the output folder ("" for an unknown format); for
// a format written per language (the sheet), the English one's.
func FileName(f Format) string { return FileNameFor(f, "") }

// FileNameFor is the file WriteAll writes a format to in a language ("" is English): the sheet's name carries
// its language (sheet.zh.html), the other formats' do not.
func FileNameFor(f Format, lang string) string {
	reg, _ := lookup(f)
	if lang == "" {
		lang = "en"
	}
	return strings.ReplaceAll(reg.file, "{lang}", lang)
}

// Options tune rendering.
type Options struct {
	// Lang is the language of the report's own words (headings, legends): "en" (default) or "zh". Data
	// (site names, citations) is shown as written. Machine formats (JSON, CSV, SARIF, JUnit) ignore it; the
	// sheet's file name carries it (FileNameFor).
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
func Render(w io.Writer, doc *results.Document, f Format, opt Options) error {
	if doc == nil {
		return fmt.Errorf("render %s: no document", f)
	}
	if _, err := lookupWords(opt.Lang); err != nil {
		return fmt.Errorf("render %s: %w", f, err)
	}
	r, ok := RendererFor(f)
	if !ok {
		return fmt.Errorf("unknown format %q", f)
	}
	if err := r.Render(w, doc, opt); err != nil {
		return fmt.Errorf("render %s: %w", f, err)
	}
	return nil
}

// WriteAll renders doc in every format into outDir (created when missing) under FileNameFor names, and returns
// the paths written. Each file is written whole or not at all (temporary file, then rename), so an
// interrupted run never leaves half a report behind. The terminal table is written without colour.
func WriteAll(outDir string, doc *results.Document, formats []Format, opt Options) ([]string, error) {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", outDir, err)
	}
	opt.Color = false
	var paths []string
	for _, f := range formats {
		if r, ok := RendererFor(f); ok {
			if fw, ok := r.(folderWriter); ok {
				path, err := fw.WriteFolder(outDir, doc, opt)
				if err != nil {
					return paths, fmt.Errorf("render %s: %w", f, err)
				}
				paths = append(paths, path)
				continue
			}
		}
		var buf bytes.Buffer
		if err := Render(&buf, doc, f, opt); err != nil {
			return paths, err
		}
		path := filepath.Join(outDir, FileNameFor(f, opt.Lang))
		if err := atomicfile.Write(path, buf.Bytes()); err != nil {
			return paths, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}
