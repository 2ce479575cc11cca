package scenario

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/cancelpath/cancelpath/audit/yamlfile"
)

var bom = []byte("\xef\xbb\xbf")

// maxEnvFileSize bounds an env file; it holds a few variables.
const maxEnvFileSize = 1 << 20

// ReadEnvFile reads variables for ${VAR} from a file of KEY=VALUE lines. Blank lines and lines starting
// with # are skipped; `export ` before the key is allowed. A value may be quoted: "..." understands the
// escapes \" \\ \n \t \r and \$, '...' is taken literally; after the closing quote only a # comment may
// follow. An unquoted value is the rest of the line with surrounding spaces trimmed, # included (so that
// passwords may contain #). Values are not expanded. Setting a key twice is an error.
func ReadEnvFile(path string) (map[string]string, error) {
	data, err := readFile(path, maxEnvFileSize, false)
	if err != nil {
		return nil, ErrorList{{File: path, Msg: err.Error()}}
	}
	return parseEnv(path, data)
}

func parseEnv(path string, data []byte) (map[string]string, error) {
	data = bytes.TrimPrefix(data, bom)
	vars := map[string]string{}
	firstLine := map[string]int{}
	var errs ErrorList
	for i, raw := range strings.Split(string(data), "\n") {
		line := i + 1
		bad := func(key, format string, args ...any) {
			errs = append(errs, &Error{File: path, Line: line, Field: key, Msg: fmt.Sprintf(format, args...)})
		}
		text := strings.TrimSpace(strings.TrimSuffix(raw, "\r"))
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if !utf8.ValidString(text) {
			bad("", "invalid UTF-8: the file must be UTF-8")
			continue
		}
		if rest, ok := strings.CutPrefix(text, "export"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
			text = strings.TrimSpace(rest)
		}
		key, value, ok := strings.Cut(text, "=")
		if !ok {
			bad("", "expected KEY=VALUE")
			continue
		}
		key = strings.TrimSpace(key)
		if !validVarName(key) {
			bad("", "invalid variable name %s: use letters, digits and _, not starting with a digit", yamlfile.Quote(key))
			continue
		}
		value, err := envValue(strings.TrimSpace(value))
		if err != nil {
			bad(key, "%v", err)
			continue
		}
		if first, dup := firstLine[key]; dup {
			bad(key, "set twice (first on line %d)", first)
			continue
		}
		firstLine[key] = line
		vars[key] = value
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return vars, nil
}

// envValue unquotes one value.
func envValue(v string) (string, error) {
	if v == "" || (v[0] != '"' && v[0] != '\'') {
		return v, nil
	}
	q := v[0]
	var b strings.Builder
	for i := 1; i < len(v); i++ {
		c := v[i]
		switch {
		case c == q:
			if rest := strings.TrimSpace(v[i+1:]); rest != "" && !strings.HasPrefix(rest, "#") {
				return "", fmt.Errorf("unexpected %s after the closing quote", yamlfile.Quote(rest))
			}
			return b.String(), nil
		case c == '\\' && q == '"' && i+1 < len(v):
			i++
			switch v[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '"', '\\', '$':
				b.WriteByte(v[i])
			default:
				return "", fmt.Errorf(`unknown escape \%c in a double-quoted value (use '...' for literal backslashes)`, v[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", fmt.Errorf("unterminated %c-quoted value (values cannot span lines)", q)
}
