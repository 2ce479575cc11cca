package yamlfile

import (
	"fmt"
	"slices"
	"strconv"

	yaml "go.yaml.in/yaml/v3"
)

// MaxAliases bounds the alias dereferences of one file: a real file reuses a value a few times at most;
// more is an alias bomb ("billion laughs"), refused after this many uses instead of expanded.
const MaxAliases = 1000

// MaxAliasNodes bounds what aliases bring into a walk: each use of an alias counts the nodes of the value
// it refers to, as written. A small value reused a few times costs little; a large one used many times
// (an amplification that stays under MaxAliases, such as a thousand uses of a list of ten thousand
// checks) is refused.
const MaxAliasNodes = 100_000

// maxCollected bounds the problems kept while walking a file (only MaxProblems are shown): a hostile file
// with a hundred thousand bad keys costs no more than one with a thousand.
const maxCollected = 1000

// Decoder walks one document's node tree, so that every problem carries its position and field path,
// and collects every problem instead of stopping at the first. A loader reads each node with the typed
// readers (Mapping, List, String, Bool, …), which report a problem and return ok false when the node is
// not what they read; at the end Err returns all the problems, sorted, or nil. The zero value is ready
// to use; set File so that problems name the file.
type Decoder struct {
	File string
	// Expand, when set, rewrites every string value String reads (and so Text, Checked, Duration, Date,
	// Enum and Words): the scenario loader substitutes ${VAR}. unset tells that the value cannot be known
	// (a variable missing on purpose): the readers then skip their checks of the text. ok false means
	// Expand reported a problem.
	Expand func(n *yaml.Node, path, s string) (value string, unset, ok bool)
	// Mask, when set, rewrites a message that quotes value (ValueErrorf), to hide the secrets it holds.
	Mask func(msg, value string) string

	problems   Problems
	dropped    int // problems past maxCollected, counted but not kept
	aliases    int // alias uses so far
	aliasNodes int // nodes the aliases used so far refer to
	spent      bool
	sizes      map[*yaml.Node]int // the sizes of the anchored values, each counted once
}

// Field is one key: value pair of a mapping.
type Field struct {
	Key   *yaml.Node // the key scalar
	Value *yaml.Node // the value, aliases resolved; nil when the alias budget is spent (reported once)
}

// Fields are a mapping's fields by key.
type Fields map[string]Field

// Errorf reports a problem at n (its line and column; none when n is nil) in the field at path.
func (d *Decoder) Errorf(n *yaml.Node, path, format string, args ...any) {
	if len(d.problems) >= maxCollected {
		d.dropped++
		return
	}
	p := &Problem{File: d.File, Field: path, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		p.Line, p.Column = n.Line, n.Column
	}
	d.problems = append(d.problems, p)
}

// ValueErrorf reports a problem with the string value, which the message may quote: Mask hides in it the
// secrets value holds.
func (d *Decoder) ValueErrorf(n *yaml.Node, path, value, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if d.Mask != nil {
		msg = d.Mask(msg, value)
	}
	d.Errorf(n, path, "%s", msg)
}

// Len is the number of problems reported so far (a caller compares it before and after decoding a part).
func (d *Decoder) Len() int { return len(d.problems) + d.dropped }

// Err returns the problems reported, sorted by position, repeats dropped and capped at MaxProblems, or nil.
func (d *Decoder) Err() error {
	if len(d.problems) == 0 {
		return nil
	}
	return d.problems.tidy(d.dropped)
}

// Join appends a key to a field path.
func Join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// Index appends a list index to a field path.
func Index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// Resolve follows aliases. The node it returns for an alias is a shallow copy placed where the alias is,
// so that a problem with the value as a whole (its type) points at the use; problems inside it point into
// the anchored definition. Every alias followed counts against MaxAliases, and the size of its value
// against MaxAliasNodes; once either budget is spent Resolve reports it (once) and returns nil for every
// alias after, so that a walk over a bomb stops early.
func (d *Decoder) Resolve(n *yaml.Node, path string) *yaml.Node {
	if n == nil || n.Kind != yaml.AliasNode {
		return n
	}
	at := n
	for n != nil && n.Kind == yaml.AliasNode {
		if d.spent {
			return nil
		}
		d.aliases++
		n = n.Alias
		if n != nil {
			d.aliasNodes += d.size(n)
		}
		switch {
		case d.aliases > MaxAliases:
			d.spent = true
			d.Errorf(at, path, "more than %d aliases: refusing a file that expands this much", MaxAliases)
			return nil
		case d.aliasNodes > MaxAliasNodes:
			d.spent = true
			d.Errorf(at, path, "aliases refer to more than %d values in all: refusing a file that expands this much", MaxAliasNodes)
			return nil
		}
	}
	if n == nil {
		return nil
	}
	c := *n
	c.Line, c.Column = at.Line, at.Column
	return &c
}

// size counts the nodes of n's tree as written: an alias inside counts one (its own use is counted when
// a walk follows it). Anchored values, the ones aliases refer to, are counted once.
func (d *Decoder) size(n *yaml.Node) int {
	if s, ok := d.sizes[n]; ok {
		return s
	}
	s := 1
	for _, c := range n.Content {
		if c.Kind == yaml.AliasNode {
			s++
		} else {
			s += d.size(c)
		}
	}
	if n.Anchor != "" {
		if d.sizes == nil {
			d.sizes = map[*yaml.Node]int{}
		}
		d.sizes[n] = s
	}
	return s
}

// Mapping checks that n is a mapping (what names it in messages: "a step") whose keys are plain, known and
// unique, and returns its fields by key, values resolved. An unknown key is reported with the closest
// known one; a duplicate with the line of the first; merge keys (<<) are refused. ok is false only when n
// is not a mapping; the fields of the keys that were fine are returned even when others were not.
func (d *Decoder) Mapping(n *yaml.Node, path, what string, known []string) (Fields, bool) {
	if n.Kind != yaml.MappingNode {
		d.Errorf(n, path, "%s must be a mapping, got %s", what, Describe(n))
		return nil, false
	}
	fields := make(Fields, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		k = d.Resolve(k, path)
		if k == nil {
			continue
		}
		if k.Kind != yaml.ScalarNode {
			d.Errorf(k, path, "a key must be a plain name, got %s", Describe(k))
			continue
		}
		if k.ShortTag() == "!!merge" {
			d.Errorf(k, Join(path, k.Value), "merge keys (<<) are not supported: write the keys out, or alias the whole value")
			continue
		}
		if !slices.Contains(known, k.Value) {
			if len(d.problems) >= maxCollected {
				d.dropped++ // spare the suggestion's cost
				continue
			}
			d.Errorf(k, Join(path, k.Value), "unknown key %s in %s: %s", Quote(k.Value), what, DidYouMean(k.Value, known))
			continue
		}
		if prev, dup := fields[k.Value]; dup {
			d.Errorf(k, Join(path, k.Value), "duplicate key (first at line %d)", prev.Key.Line)
			continue
		}
		fields[k.Value] = Field{Key: k, Value: d.Resolve(v, Join(path, k.Value))}
	}
	return fields, true
}

// List checks that n is a list and returns its items, aliases resolved (an item is nil when the alias
// budget is spent, which was reported).
func (d *Decoder) List(n *yaml.Node, path string) ([]*yaml.Node, bool) {
	if n.Kind != yaml.SequenceNode {
		hint := ""
		if n.Kind == yaml.ScalarNode && n.ShortTag() != "!!null" {
			hint = fmt.Sprintf(" (write [%s])", n.Value)
		}
		d.Errorf(n, path, "must be a list, got %s%s", Describe(n), hint)
		return nil, false
	}
	items := make([]*yaml.Node, len(n.Content))
	for i, item := range n.Content {
		items[i] = d.Resolve(item, Index(path, i))
	}
	return items, true
}

// Describe names a node's kind for messages ("got a list").
func Describe(n *yaml.Node) string {
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

// DescribeValue shows a scalar's text, quoted, or the node's kind, for messages (`got "yes"`).
func DescribeValue(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode && n.ShortTag() != "!!null" {
		return Quote(n.Value)
	}
	return Describe(n)
}
