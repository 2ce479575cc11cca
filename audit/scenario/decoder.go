package scenario

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"
)

// Limits on what a walk over one file may do, so that hostile input costs little.
const (
	// maxAliases bounds alias dereferences: a scenario reuses a target a few times at most; more is an
	// alias bomb.
	maxAliases = 1000
	// maxWithin bounds how deep `within:` nests. It also stops an alias that refers to its own
	// container (`&t {within: *t}`), which YAML allows and which would otherwise never end.
	maxWithin = 8
)

// decoder walks a yaml.Node tree by hand, so that every problem carries its line and field path, and
// collects every problem instead of stopping at the first.
type decoder struct {
	file    string
	opts    Options
	lookup  func(string) (string, bool)
	errs    ErrorList
	dropped int // problems past maxCollected, counted but not kept
	secrets []string
	// lastUsed are the variable values the last str call expanded: a fill value made of variables is typed
	// into a form, so it is a credential whatever the variable's name.
	lastUsed []string
	aliases  int

	scenarioTimeout time.Duration // bounds step timeouts and waits
	controls        []located     // the control: true keys of the cancel steps
	devices         []string      // the scenario's devices, once decoded (steps may name only these)
}

// located is a node with its field path, kept for a later check.
type located struct {
	node *yaml.Node
	path string
}

// field is one key: value pair of a mapping.
type field struct {
	key *yaml.Node // the key scalar
	val *yaml.Node // the value, aliases resolved; nil when the alias budget is spent
}

// maxCollected bounds the problems kept while walking a file (only maxErrors are shown): a hostile file
// with a hundred thousand bad keys costs no more than one with a thousand.
const maxCollected = 1000

// full tells whether further problems would only be counted; callers skip building costly messages.
func (d *decoder) full() bool { return len(d.errs) >= maxCollected }

func (d *decoder) errorf(n *yaml.Node, path, format string, args ...any) {
	if d.full() {
		d.dropped++
		return
	}
	e := &Error{File: d.file, Field: path, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	d.errs = append(d.errs, e)
}

// valueErrorf reports a problem with a string value that may hold expanded variables. The message may
// quote the value, so the secrets found in the value are masked in it.
func (d *decoder) valueErrorf(n *yaml.Node, path, value, format string, args ...any) {
	var in []string
	for _, s := range d.secrets {
		if strings.Contains(value, s) {
			in = append(in, s)
		}
	}
	d.errorf(n, path, "%s", mask(fmt.Sprintf(format, args...), in))
}

// join appends a key to a field path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// index appends a list index to a field path.
func index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// resolve follows aliases. The node it returns for an alias is a shallow copy placed where the alias is,
// so that a problem with the value as a whole (its type) points at the use; problems inside it point into
// the anchored definition. It returns nil once the alias budget is spent (reported once).
func (d *decoder) resolve(n *yaml.Node, path string) *yaml.Node {
	if n == nil || n.Kind != yaml.AliasNode {
		return n
	}
	at := n
	for n != nil && n.Kind == yaml.AliasNode {
		d.aliases++
		if d.aliases > maxAliases {
			if d.aliases == maxAliases+1 {
				d.errorf(n, path, "more than %d aliases: refusing a file that expands this much", maxAliases)
			}
			return nil
		}
		n = n.Alias
	}
	if n == nil {
		return nil
	}
	c := *n
	c.Line, c.Column = at.Line, at.Column
	return &c
}

// describe names a node's kind for messages ("got a list").
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "nothing"
		case "!!bool":
			return "true/false"
		case "!!int", "!!float":
			return "a number"
		}
		return "a string"
	}
	return "something else"
}

// mapping checks that n is a mapping whose keys are known and unique, and returns its fields by key.
// Unknown keys are reported with the closest known key.
func (d *decoder) mapping(n *yaml.Node, path, what string, known []string) (map[string]field, bool) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "%s must be a mapping, got %s", what, describe(n))
		return nil, false
	}
	fields := make(map[string]field, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		k = d.resolve(k, path)
		if k == nil {
			continue
		}
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, path, "a key must be a plain name, got %s", describe(k))
			continue
		}
		if k.ShortTag() == "!!merge" {
			d.errorf(k, join(path, k.Value), "merge keys (<<) are not supported: write the keys out, or alias the whole value")
			continue
		}
		if !slices.Contains(known, k.Value) {
			if d.full() {
				d.dropped++
				continue
			}
			d.errorf(k, join(path, k.Value), "unknown key %s in %s: %s", quote(k.Value), what, didYouMean(k.Value, known))
			continue
		}
		if prev, dup := fields[k.Value]; dup {
			d.errorf(k, join(path, k.Value), "duplicate key (first at line %d)", prev.key.Line)
			continue
		}
		fields[k.Value] = field{key: k, val: d.resolve(v, join(path, k.Value))}
	}
	return fields, true
}

// str decodes a string value and expands ${VAR}. It accepts numbers and dates as written (fill: 123456),
// refuses nothing, true/false, lists and mappings. unset reports that a variable was missing and expanded
// to "" (Options.AllowMissingEnv): the value cannot be checked further. ok is false after an error.
func (d *decoder) str(n *yaml.Node, path string) (s string, unset, ok bool) {
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, path, "must be a string, got %s", describe(n))
		return "", false, false
	}
	switch n.ShortTag() {
	case "!!str", "!!int", "!!float", "!!timestamp":
	case "!!null":
		d.errorf(n, path, "is empty: give a value or remove the key")
		return "", false, false
	case "!!bool":
		d.errorf(n, path, "must be a string, got %s (quote it if you mean the text)", n.Value)
		return "", false, false
	default:
		d.errorf(n, path, "must be a string, got a value tagged %s", n.Tag)
		return "", false, false
	}
	x := expand(n.Value, d.lookup)
	if x.broken != "" {
		d.errorf(n, path, "%s", x.broken)
		return "", false, false
	}
	for _, v := range x.secret {
		if v != "" {
			d.secrets = append(d.secrets, v)
		}
	}
	d.lastUsed = x.used
	if len(x.unset) > 0 && !d.opts.AllowMissingEnv {
		for _, name := range x.unset {
			d.errorf(n, path, "variable %s is not set (set it in the environment or an env file)", name)
		}
		return "", false, false
	}
	return x.value, len(x.unset) > 0, true
}

// text decodes a string that must not be empty (unless it came from an unset variable).
func (d *decoder) text(n *yaml.Node, path string) (string, bool) {
	s, unset, ok := d.str(n, path)
	if ok && s == "" && !unset {
		d.errorf(n, path, "must not be empty")
		return "", false
	}
	return s, ok
}

// checked decodes a string and runs check on it, unless an unset variable makes the value unknowable.
func (d *decoder) checked(n *yaml.Node, path string, check func(string) error) (string, bool) {
	s, unset, ok := d.str(n, path)
	if !ok || unset {
		return s, ok
	}
	if err := check(s); err != nil {
		d.valueErrorf(n, path, s, "%v", err)
		return "", false
	}
	return s, true
}

func (d *decoder) boolean(n *yaml.Node, path string) (bool, bool) {
	var b bool
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
		d.errorf(n, path, "must be true or false, got %s", describeValue(n))
		return false, false
	}
	return b, true
}

func (d *decoder) integer(n *yaml.Node, path string) (int, bool) {
	var i int
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&i) != nil {
		d.errorf(n, path, "must be a whole number, got %s", describeValue(n))
		return 0, false
	}
	return i, true
}

// duration decodes a positive Go duration such as 500ms, 5s or 1m30s.
func (d *decoder) duration(n *yaml.Node, path string) (time.Duration, bool) {
	if n.Kind == yaml.ScalarNode && (n.ShortTag() == "!!int" || n.ShortTag() == "!!float") {
		d.errorf(n, path, "duration %s has no unit: write e.g. %ss or %sms", n.Value, n.Value, n.Value)
		return 0, false
	}
	s, unset, ok := d.str(n, path)
	if !ok || unset {
		return 0, ok
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		d.valueErrorf(n, path, s, "%s is not a duration: write e.g. 500ms, 5s or 1m30s", quote(s))
		return 0, false
	}
	if v <= 0 {
		d.valueErrorf(n, path, s, "duration must be more than zero, got %s", s)
		return 0, false
	}
	return v, true
}

// describeValue shows a scalar's text, or the node's kind, for messages.
func describeValue(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode && n.ShortTag() != "!!null" {
		return quote(n.Value)
	}
	return describe(n)
}

// list checks that n is a list and returns its items, aliases resolved (nil items were already reported).
func (d *decoder) list(n *yaml.Node, path string) ([]*yaml.Node, bool) {
	if n.Kind != yaml.SequenceNode {
		hint := ""
		if n.Kind == yaml.ScalarNode && n.ShortTag() != "!!null" {
			hint = fmt.Sprintf(" (write [%s])", n.Value)
		}
		d.errorf(n, path, "must be a list, got %s%s", describe(n), hint)
		return nil, false
	}
	items := make([]*yaml.Node, len(n.Content))
	for i, item := range n.Content {
		items[i] = d.resolve(item, index(path, i))
	}
	return items, true
}

// words decodes a list of distinct strings, each from valid (named what in messages).
func (d *decoder) words(n *yaml.Node, path, what string, valid []string) ([]string, bool) {
	items, ok := d.list(n, path)
	if !ok {
		return nil, false
	}
	if len(items) == 0 {
		d.errorf(n, path, "must list at least one %s: %s", what, strings.Join(valid, ", "))
		return nil, false
	}
	var out []string
	first := map[string]int{}
	for i, item := range items {
		if item == nil {
			ok = false
			continue
		}
		s, unset, sok := d.str(item, index(path, i))
		switch {
		case !sok:
			ok = false
		case unset:
		case !slices.Contains(valid, s):
			d.valueErrorf(item, index(path, i), s, "unknown %s %s: %s", what, quote(s), didYouMean(s, valid))
			ok = false
		case first[s] > 0:
			d.valueErrorf(item, index(path, i), s, "%s %s is listed twice (first at line %d)", what, s, first[s])
			ok = false
		default:
			first[s] = item.Line
			out = append(out, s)
		}
	}
	return out, ok
}
