package yamlfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// Format describes the kind of file a loader reads, for Parse's limits and messages.
type Format struct {
	// Name is what one file holds, without an article: "scenario", "rule pack" ("expected a rule pack",
	// "one rule pack per file").
	Name string
	// Guide is where the format is described ("scenarios/FORMAT.md"), named when a file is empty; "" for none.
	Guide string
	// MaxSize is the largest file accepted, in bytes.
	MaxSize int
	// AllowEmpty makes a file without content (blank, only comments, or an empty document) a valid empty
	// document: Parse returns a nil root and no problem.
	AllowEmpty bool
}

func (f Format) expected() string {
	s := "expected " + article(f.Name) + " " + f.Name
	if f.Guide != "" {
		s += " (see " + f.Guide + ")"
	}
	return s
}

func article(noun string) string {
	if noun != "" && strings.ContainsRune("aeiouAEIOU", rune(noun[0])) {
		return "an"
	}
	return "a"
}

var bom = []byte("\xef\xbb\xbf")

// Parse checks data, the content of file, and parses it as exactly one YAML document. It returns the
// document's root node, or the one problem that stops it, as Problems: a file too large (checked before
// anything else), empty, not UTF-8 or holding control characters, a syntax error, or a second document.
// Positions do not count a leading UTF-8 BOM. Parse does not walk the tree, so aliases cost nothing here;
// a Decoder resolves them within its budget.
func Parse(file string, data []byte, f Format) (*yaml.Node, error) {
	root, p := parse(data, f)
	if p != nil {
		p.File = file
		return nil, Problems{p}
	}
	return root, nil
}

func parse(data []byte, f Format) (*yaml.Node, *Problem) {
	if f.MaxSize > 0 && len(data) > f.MaxSize {
		return nil, &Problem{Msg: TooLarge(int64(len(data)), int64(f.MaxSize)).Error()}
	}
	body := bytes.TrimPrefix(data, bom)
	if len(bytes.TrimSpace(body)) == 0 {
		if f.AllowEmpty {
			return nil, nil
		}
		return nil, &Problem{Msg: "empty file: " + f.expected()}
	}
	if p := checkEncoding(body); p != nil {
		return nil, p
	}
	root, p := parseYAML(body, f)
	switch {
	case p != nil:
		return nil, p
	case root == nil || root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null":
		if f.AllowEmpty {
			return nil, nil
		}
		line, col := 1, 0
		if root != nil {
			line, col = root.Line, root.Column
		}
		return nil, &Problem{Line: line, Column: col, Msg: "the document is empty: " + f.expected()}
	}
	return root, nil
}

// checkEncoding refuses bytes that are not UTF-8 and the control characters YAML forbids, with their
// position, before the YAML parser reports them without one.
func checkEncoding(b []byte) *Problem {
	line, col := 1, 1
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return &Problem{Line: line, Column: col, Msg: fmt.Sprintf(
				"invalid UTF-8 (byte 0x%02X): the file must be UTF-8; convert GBK or GB18030 files first, e.g. iconv -f GB18030 -t UTF-8", b[i])}
		case r == '\n':
			line, col = line+1, 0
		case r == '\t' || r == '\r':
		case r < 0x20 || r >= 0x7f && r <= 0x9f && r != 0x85 || r == 0xfffe || r == 0xffff:
			return &Problem{Line: line, Column: col, Msg: fmt.Sprintf("control character U+%04X is not allowed in YAML", r)}
		}
		i += size
		col++
	}
	return nil
}

// parseYAML decodes exactly one YAML document into a node tree; root is nil for a file of comments only
// when f allows empty files.
func parseYAML(body []byte, f Format) (root *yaml.Node, p *Problem) {
	// yaml.v3 panics on a few malformed inputs ("internal error ... please report"); turn that into a
	// problem of this file rather than a crash of the whole run.
	defer func() {
		if r := recover(); r != nil {
			root, p = nil, &Problem{Line: 1, Msg: fmt.Sprintf("the YAML parser failed on this file: %v", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(body))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			if f.AllowEmpty {
				return nil, nil
			}
			return nil, &Problem{Msg: "no YAML content (only comments): " + f.expected()}
		}
		return nil, yamlError(body, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		return nil, &Problem{Line: next.Line, Column: next.Column, Msg: fmt.Sprintf(
			"a second YAML document starts here: one %s per file (remove the --- and what follows, or split the file)", f.Name)}
	case !errors.Is(err, io.EOF):
		return nil, yamlError(body, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil // reported as an empty document
	}
	return doc.Content[0], nil
}

// parserProblems are the messages of yaml.v3's parser (as opposed to its scanner) errors.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'": true, "did not find expected ',' or '}'": true,
	"did not find expected '-' indicator": true, "did not find expected <document start>": true,
	"did not find expected <stream-start>": true, "did not find expected key": true,
	"did not find expected node content": true, "found duplicate %TAG directive": true,
	"found duplicate %YAML directive": true, "found incompatible YAML document": true,
	"found undefined tag handle": true,
}

var (
	yamlLine      = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	unknownAnchor = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)
)

// yamlError turns a yaml.v3 syntax error into a Problem with a line. yaml.v3 leaves the line out for
// problems on the first line and for unknown anchors, and places some at the end of the stream, past the
// last line; tab indentation gets a plain explanation.
func yamlError(body []byte, err error) *Problem {
	msg := err.Error()
	p := &Problem{Line: 1, Msg: strings.TrimPrefix(msg, "yaml: ")}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
		p.Msg = m[2]
		if parserProblems[p.Msg] {
			p.Line++ // yaml.v3 prints the parser's 0-based line (its scanner errors are 1-based)
		}
		p.Line = max(1, min(p.Line, lineCount(body)))
	} else if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
		p.Line, p.Column = find(body, "*"+m[1])
		p.Msg = fmt.Sprintf("alias *%s refers to no anchor (&%s must come before it)", m[1], m[1])
	}
	if !strings.Contains(p.Msg, "tab") && !strings.Contains(p.Msg, "cannot start any token") {
		return p
	}
	if line, col := tabIndent(body, p.Line); line > 0 {
		p.Line, p.Column = line, col
		p.Msg += ": a tab indents this line, and YAML indentation must be spaces"
	}
	return p
}

// lineCount is the number of lines of body, a last line without a newline included.
func lineCount(body []byte) int {
	n := bytes.Count(body, []byte("\n"))
	if len(body) > 0 && body[len(body)-1] != '\n' {
		n++
	}
	return n
}

// find returns the line and column of the first occurrence of s, or line 1 when it is not found.
func find(body []byte, s string) (line, col int) {
	i := bytes.Index(body, []byte(s))
	if i < 0 {
		return 1, 0
	}
	return Position(body, i)
}

// tabIndent returns the position of a tab in the indentation of the line near errLine (yaml.v3 reports
// tab problems on that line or the one before), or 0 when there is none.
func tabIndent(body []byte, errLine int) (line, col int) {
	lines := bytes.Split(body, []byte("\n"))
	for l := max(errLine-1, 1); l <= min(errLine+1, len(lines)); l++ {
		text := lines[l-1]
		indent := text[:len(text)-len(bytes.TrimLeft(text, " \t"))]
		if i := bytes.IndexByte(indent, '\t'); i >= 0 && len(bytes.TrimSpace(text)) > 0 {
			return l, i + 1
		}
	}
	return 0, 0
}

// Position converts a byte offset in data into a 1-based line and column (in runes).
func Position(data []byte, offset int) (line, col int) {
	offset = min(max(offset, 0), len(data))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = len(bytes.Runes(before[bytes.LastIndexByte(before, '\n')+1:])) + 1
	return line, col
}

// ReadFile reads a whole file, refusing one larger than limit: before reading it when its size is known,
// and after limit+1 bytes otherwise, so that a FIFO or /dev/zero cannot hang the caller or fill its memory.
// Errors from the file system come back as the os package returns them; the caller words them.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose
	if st, err := f.Stat(); err == nil {
		if st.IsDir() {
			return nil, errors.New("is a folder, not a file")
		}
		if st.Mode().IsRegular() && st.Size() > limit {
			return nil, TooLarge(st.Size(), limit)
		}
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, TooLarge(int64(len(data)), limit)
	}
	return data, nil
}

// TooLarge is the error for a file of size bytes (at least) that is over limit.
func TooLarge(size, limit int64) error {
	return fmt.Errorf("file is more than %d bytes (%s): refusing to read it", limit, humanSize(max(size, limit+1)))
}

func humanSize(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
}
