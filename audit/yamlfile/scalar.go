package yamlfile

import (
	"math"
	"slices"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"
)

// The scalar readers each read one value, report a problem in the same words whatever the file, and
// return ok false after one. The readers of text (String and those built on it) pass the value through
// Expand when it is set; unset then says the value cannot be known and was not checked.

// String reads a string. It accepts numbers and dates as written (fill: 123456, since: 2025-01-01) and
// refuses nothing, true/false (unquoted, it is not text), lists, mappings and custom tags.
func (d *Decoder) String(n *yaml.Node, path string) (s string, unset, ok bool) {
	if n.Kind != yaml.ScalarNode {
		d.Errorf(n, path, "must be a string, got %s", Describe(n))
		return "", false, false
	}
	switch n.ShortTag() {
	case "!!str", "!!int", "!!float", "!!timestamp":
	case "!!null":
		what := "the key"
		if strings.HasSuffix(path, "]") {
			what = "the item"
		}
		d.Errorf(n, path, "is empty: give a value or remove %s", what)
		return "", false, false
	case "!!bool":
		d.Errorf(n, path, "must be a string, got %s (quote it if you mean the text)", n.Value)
		return "", false, false
	default:
		d.Errorf(n, path, "must be a string, got a value tagged %s", n.Tag)
		return "", false, false
	}
	if d.Expand == nil {
		return n.Value, false, true
	}
	return d.Expand(n, path, n.Value)
}

// Text reads a string that must not be empty (unless it cannot be known).
func (d *Decoder) Text(n *yaml.Node, path string) (string, bool) {
	s, unset, ok := d.String(n, path)
	if ok && s == "" && !unset {
		d.Errorf(n, path, "must not be empty")
		return "", false
	}
	return s, ok
}

// Checked reads a string and runs check on it (unless it cannot be known); check's error is the message.
func (d *Decoder) Checked(n *yaml.Node, path string, check func(string) error) (string, bool) {
	s, unset, ok := d.String(n, path)
	if !ok || unset {
		return s, ok
	}
	if err := check(s); err != nil {
		d.ValueErrorf(n, path, s, "%v", err)
		return "", false
	}
	return s, true
}

// Bool reads true or false.
func (d *Decoder) Bool(n *yaml.Node, path string) (bool, bool) {
	var b bool
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
		d.Errorf(n, path, "must be true or false, got %s", DescribeValue(n))
		return false, false
	}
	return b, true
}

// Int reads a whole number.
func (d *Decoder) Int(n *yaml.Node, path string) (int, bool) {
	var i int
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&i) != nil {
		d.Errorf(n, path, "must be a whole number, got %s", DescribeValue(n))
		return 0, false
	}
	return i, true
}

// Number reads a finite number, whole or not.
func (d *Decoder) Number(n *yaml.Node, path string) (float64, bool) {
	var f float64
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") || n.Decode(&f) != nil {
		d.Errorf(n, path, "must be a number, got %s", DescribeValue(n))
		return 0, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		d.Errorf(n, path, "must be a finite number, got %s", DescribeValue(n))
		return 0, false
	}
	return f, true
}

// Duration reads a positive Go duration such as 500ms, 5s or 1m30s; 0 when it cannot be known.
func (d *Decoder) Duration(n *yaml.Node, path string) (time.Duration, bool) {
	if n.Kind == yaml.ScalarNode && (n.ShortTag() == "!!int" || n.ShortTag() == "!!float") {
		d.Errorf(n, path, "duration %s has no unit: write e.g. %ss or %sms", n.Value, n.Value, n.Value)
		return 0, false
	}
	s, unset, ok := d.String(n, path)
	if !ok || unset {
		return 0, ok
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		d.ValueErrorf(n, path, s, "%s is not a duration: write e.g. 500ms, 5s or 1m30s", Quote(s))
		return 0, false
	}
	if v <= 0 {
		d.ValueErrorf(n, path, s, "duration must be more than zero, got %s", s)
		return 0, false
	}
	return v, true
}

// Date reads a calendar date written YYYY-MM-DD, and returns it as written and as a time (UTC midnight;
// zero when it cannot be known).
func (d *Decoder) Date(n *yaml.Node, path string) (string, time.Time, bool) {
	s, unset, ok := d.String(n, path)
	if !ok || unset {
		return s, time.Time{}, ok
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		d.ValueErrorf(n, path, s, "%s is not a date (YYYY-MM-DD)", Quote(s))
		return "", time.Time{}, false
	}
	return s, t, true
}

// Enum reads one word of valid; what names the words in messages ("severity": `unknown severity "x"`).
func (d *Decoder) Enum(n *yaml.Node, path, what string, valid []string) (string, bool) {
	s, unset, ok := d.String(n, path)
	if !ok || unset {
		return s, ok
	}
	if !slices.Contains(valid, s) {
		d.ValueErrorf(n, path, s, "%s", Unknown(what, s, valid))
		return "", false
	}
	return s, true
}

// Words reads a list of at least one distinct word, each of valid (what names one in messages). The words
// that cannot be known are left out.
func (d *Decoder) Words(n *yaml.Node, path, what string, valid []string) ([]string, bool) {
	items, ok := d.List(n, path)
	if !ok {
		return nil, false
	}
	if len(items) == 0 {
		d.Errorf(n, path, "must list at least one %s: %s", what, strings.Join(valid, ", "))
		return nil, false
	}
	var out []string
	first := map[string]int{}
	for i, item := range items {
		if item == nil {
			ok = false
			continue
		}
		s, unset, sok := d.String(item, Index(path, i))
		switch {
		case !sok:
			ok = false
		case unset:
		case !slices.Contains(valid, s):
			d.ValueErrorf(item, Index(path, i), s, "%s", Unknown(what, s, valid))
			ok = false
		case first[s] > 0:
			d.ValueErrorf(item, Index(path, i), s, "%s %s is listed twice (first at line %d)", what, s, first[s])
			ok = false
		default:
			first[s] = item.Line
			out = append(out, s)
		}
	}
	return out, ok
}
