package yamlfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yaml "go.yaml.in/yaml/v3"
)

var testFormat = Format{Name: "widget", Guide: "WIDGETS.md", MaxSize: 1 << 10}

// root parses src, which must be fine.
func root(t *testing.T, src string) *yaml.Node {
	t.Helper()
	n, err := Parse("t.yaml", []byte(src), Format{Name: "widget", MaxSize: 1 << 20})
	require.NoError(t, err)
	return n
}

// value is the value of the single key of the mapping src.
func value(t *testing.T, src string) *yaml.Node {
	t.Helper()
	return root(t, src).Content[1]
}

// problems returns the decoder's problems as FILE:LINE:COL: FIELD: MSG lines.
func problems(d *Decoder) []string {
	err := d.Err()
	if err == nil {
		return nil
	}
	return strings.Split(err.Error(), "\n")
}

func TestProblemFormat(t *testing.T) {
	for _, c := range []struct {
		p    Problem
		want string
	}{
		{Problem{File: "f.yaml", Line: 3, Column: 7, Field: "a.b[1]", Msg: "bad"}, "f.yaml:3:7: a.b[1]: bad"},
		{Problem{File: "f.yaml", Line: 3, Field: "site", Msg: "x"}, "f.yaml:3: site: x"},
		{Problem{File: "f.yaml", Column: 7, Msg: "empty file"}, "f.yaml: empty file"}, // no line: no column either
		{Problem{File: "f.yaml", Line: 2, Column: 1, Msg: "syntax"}, "f.yaml:2:1: syntax"},
		{Problem{Field: "id", Msg: "no file"}, "id: no file"},
	} {
		assert.Equal(t, c.want, c.p.Error())
	}

	list := Problems{{File: "a", Line: 1, Msg: "one"}, {File: "b", Msg: "two"}}
	assert.Equal(t, "a:1: one\nb: two", list.Error())
	var p *Problem
	require.ErrorAs(t, fmt.Errorf("wrapped: %w", list.Err()), &p, "errors.As reaches each problem")
	assert.Equal(t, "one", p.Msg)
	assert.NoError(t, Problems(nil).Err(), "an empty list is no error, not a typed nil")
	assert.Nil(t, Problems(nil).Err())
}

func TestProblemsSortedDedupedCapped(t *testing.T) {
	d := &Decoder{File: "f.yaml"}
	at := func(line, col int) *yaml.Node { return &yaml.Node{Line: line, Column: col} }
	d.Errorf(at(3, 1), "c", "third")
	d.Errorf(at(1, 9), "b", "second")
	d.Errorf(at(1, 2), "a", "first")
	d.Errorf(at(3, 1), "c", "third") // an exact repeat
	d.Errorf(nil, "", "whole file")
	assert.Equal(t, []string{"f.yaml: whole file", "f.yaml:1:2: a: first", "f.yaml:1:9: b: second", "f.yaml:3:1: c: third"}, problems(d))

	d = &Decoder{File: "f.yaml"}
	for i := range maxCollected + 500 {
		d.Errorf(at(i+1, 1), "", "problem %d", i)
	}
	assert.Equal(t, maxCollected+500, d.Len())
	got := problems(d)
	require.Len(t, got, MaxProblems)
	assert.Equal(t, fmt.Sprintf("f.yaml:%d:1: too many errors: %d more from here on are not shown", MaxProblems, maxCollected+500-MaxProblems+1),
		got[MaxProblems-1])
}

func TestParse(t *testing.T) {
	big := strings.Repeat("# padding\n", 200)
	for _, c := range []struct {
		name  string
		src   string
		empty bool   // with AllowEmpty
		want  string // "" for a root node
	}{
		{name: "a mapping", src: "a: 1\n"},
		{name: "a BOM", src: "\ufeffa: 1\n"},
		{name: "empty", src: "", empty: true, want: "t.yaml: empty file: expected a widget (see WIDGETS.md)"},
		{name: "white space", src: " \n\t\n", empty: true, want: "t.yaml: empty file: expected a widget (see WIDGETS.md)"},
		{name: "only a BOM", src: "\ufeff", empty: true, want: "t.yaml: empty file: expected a widget (see WIDGETS.md)"},
		{name: "only comments", src: "# x\n", empty: true, want: "t.yaml: no YAML content (only comments): expected a widget (see WIDGETS.md)"},
		{name: "an empty document", src: "---\n", empty: true, want: "t.yaml:2:1: the document is empty: expected a widget (see WIDGETS.md)"},
		{name: "a null document", src: "~\n", empty: true, want: "t.yaml:1:1: the document is empty: expected a widget (see WIDGETS.md)"},
		{name: "too large", src: big + "a: 1\n", want: "t.yaml: file is more than 1024 bytes (2.0 KiB): refusing to read it"},
		{name: "two documents", src: "a: 1\n---\nb: 2\n",
			want: "t.yaml:2:1: a second YAML document starts here: one widget per file (remove the --- and what follows, or split the file)"},
		{name: "trailing document marker", src: "a: 1\n---\n", want: "t.yaml:2:1: a second YAML document starts here"},
		{name: "not UTF-8", src: "a: 1\nb: \xcd\xcb\n", want: "t.yaml:2:4: invalid UTF-8 (byte 0xCD): the file must be UTF-8"},
		{name: "a control character", src: "a: x\x07\n", want: "t.yaml:1:5: control character U+0007 is not allowed in YAML"},
		{name: "a syntax error on the first line", src: "a: b: c\n", want: "t.yaml:1: mapping values are not allowed in this context"},
		{name: "a parser error", src: "a:\n  - x\n  b: 2\n", want: "t.yaml:2: did not find expected '-' indicator"},
		{name: "a parser error at the end of the stream", src: "a: [", want: "t.yaml:1: did not find expected node content"},
		{name: "a scanner error", src: "a: 1\nb: \"x\n", want: "t.yaml:2: found unexpected end of stream"},
		{name: "tab indentation", src: "a:\n\t- x\n", want: "t.yaml:2:1: found character that cannot start any token: a tab indents this line, and YAML indentation must be spaces"},
		{name: "an unknown anchor", src: "a: 1\nb: [*nope]\n", want: "t.yaml:2:5: alias *nope refers to no anchor (&nope must come before it)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			n, err := Parse("t.yaml", []byte(c.src), testFormat)
			if c.want == "" {
				require.NoError(t, err)
				assert.Equal(t, yaml.MappingNode, n.Kind)
				assert.Equal(t, 1, n.Line, "positions do not count a BOM")
				assert.Equal(t, 1, n.Column)
				return
			}
			require.Error(t, err)
			assert.Nil(t, n)
			var list Problems
			require.ErrorAs(t, err, &list)
			require.Len(t, list, 1)
			assert.True(t, strings.HasPrefix(err.Error(), c.want), "got  %s\nwant %s", err, c.want)

			allow := testFormat
			allow.AllowEmpty = true
			n, err = Parse("t.yaml", []byte(c.src), allow)
			if c.empty {
				assert.NoError(t, err, "AllowEmpty: an empty file is an empty document")
				assert.Nil(t, n)
			} else {
				assert.Error(t, err)
			}
		})
	}
}

func TestMapping(t *testing.T) {
	known := []string{"site", "url", "jurisdictions", "cancel"}
	for _, c := range []struct {
		name   string
		src    string
		ok     bool
		fields []string // the keys returned
		want   []string
	}{
		{"known keys", "site: S\nurl: u\n", true, []string{"site", "url"}, nil},
		{"a typo", "site: S\njurisdiction: [cn]\n", true, []string{"site"},
			[]string{`t.yaml:2:1: jurisdiction: unknown key "jurisdiction" in a widget: did you mean "jurisdictions"?`}},
		{"a key far from any", "colour: red\n", true, nil,
			[]string{`t.yaml:1:1: colour: unknown key "colour" in a widget: expected one of site, url, jurisdictions, cancel`}},
		{"a duplicate key", "site: S\nurl: u\nsite: T\n", true, []string{"site", "url"},
			[]string{"t.yaml:3:1: site: duplicate key (first at line 1)"}},
		{"a merge key", "<<: {site: S}\n", true, nil,
			[]string{"t.yaml:1:1: <<: merge keys (<<) are not supported: write the keys out, or alias the whole value"}},
		{"a list as a key", "? [a, b]\n: c\n", true, nil, []string{"t.yaml:1:3: a key must be a plain name, got a list"}},
		{"an aliased key", "site: &k url\n*k : u\n", true, []string{"site", "url"}, nil},
		{"a list", "- site: S\n", false, nil, []string{"t.yaml:1:1: a widget must be a mapping, got a list"}},
		{"a string", "site\n", false, nil, []string{"t.yaml:1:1: a widget must be a mapping, got a string"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := &Decoder{File: "t.yaml"}
			f, ok := d.Mapping(root(t, c.src), "", "a widget", known)
			assert.Equal(t, c.ok, ok)
			var keys []string
			for _, k := range known {
				if _, ok := f[k]; ok {
					keys = append(keys, k)
				}
			}
			assert.Equal(t, c.fields, keys)
			assert.Equal(t, c.want, problems(d))
		})
	}

	// Field paths join the mapping's own path; values come back with aliases resolved.
	d := &Decoder{File: "t.yaml"}
	f, _ := d.Mapping(value(t, "steps:\n  - &v {site: S}\n  - {url: *v, sitte: x}\n").Content[1], "steps[1]", "a step", known)
	assert.Equal(t, yaml.MappingNode, f["url"].Value.Kind)
	assert.Equal(t, 3, f["url"].Value.Line, "an aliased value is placed at its use")
	assert.Equal(t, []string{`t.yaml:3:15: steps[1].sitte: unknown key "sitte" in a step: did you mean "site"?`}, problems(d))
}

func TestAliasBudget(t *testing.T) {
	// A billion laughs: each level lists the level below ten times. A reader that walks it all would
	// visit 10^9 strings; the budget stops it after MaxAliases and says so once.
	var b strings.Builder
	b.WriteString("l0: &l0 [x]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 10), ", "))
	}
	d := &Decoder{File: "bomb.yaml"}
	var leaves int
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		if n.Kind != yaml.SequenceNode {
			leaves++
			return
		}
		items, _ := d.List(n, path)
		for i, item := range items {
			if item != nil {
				walk(item, Index(path, i))
			}
		}
	}
	n := root(t, b.String()+"bomb: *l9\n")
	start := time.Now()
	walk(d.Resolve(n.Content[len(n.Content)-1], "bomb"), "bomb")
	assert.Less(t, time.Since(start), time.Second)
	assert.Less(t, leaves, MaxAliases)
	assert.Equal(t, []string{"bomb.yaml:2:55: bomb[0][0][0][0][0][0][8][3][9]: more than 1000 aliases: refusing a file that expands this much"},
		problems(d), "reported once, where the budget ran out")

	// A large value used a few hundred times: under MaxAliases, over MaxAliasNodes.
	big := "big: &big [" + strings.TrimSuffix(strings.Repeat("x, ", 1000), ", ") + "]\n" +
		"uses: [" + strings.TrimSuffix(strings.Repeat("*big, ", 200), ", ") + "]\n"
	d = &Decoder{File: "amp.yaml"}
	leaves = 0
	n = root(t, big)
	walk(n.Content[3], "uses")
	assert.Less(t, leaves, MaxAliasNodes+1000)
	assert.Equal(t, []string{"amp.yaml:2:602: uses[99]: aliases refer to more than 100000 values in all: refusing a file that expands this much"},
		problems(d))

	// An alias that refers to its own container ends too.
	d = &Decoder{File: "self.yaml"}
	walk(d.Resolve(value(t, "a: &a [*a, *a]\n"), "a"), "a")
	assert.Len(t, problems(d), 1)
	assert.Contains(t, problems(d)[0], "more than 1000 aliases")
}

func TestString(t *testing.T) {
	for _, c := range []struct {
		src  string
		path string
		want string // the value, or the problem
		ok   bool
	}{
		{"v: text", "v", "text", true},
		{"v: 123456", "v", "123456", true},
		{"v: 1.50", "v", "1.50", true},
		{"v: 2025-01-01", "v", "2025-01-01", true},
		{"v: ''", "v", "", true},
		{"v:", "v", "t.yaml:1:3: v: is empty: give a value or remove the key", false},
		{"v: [~]", "v[0]", "t.yaml:1:5: v[0]: is empty: give a value or remove the item", false},
		{"v: true", "v", "t.yaml:1:4: v: must be a string, got true (quote it if you mean the text)", false},
		{"v: [a]", "v", "t.yaml:1:4: v: must be a string, got a list", false},
		{"v: {a: b}", "v", "t.yaml:1:4: v: must be a string, got a mapping", false},
		{"v: !secret x", "v", "t.yaml:1:4: v: must be a string, got a value tagged !secret", false},
	} {
		t.Run(c.src, func(t *testing.T) {
			d := &Decoder{File: "t.yaml"}
			n := value(t, c.src)
			if strings.HasSuffix(c.path, "]") {
				n = n.Content[0]
			}
			s, unset, ok := d.String(n, c.path)
			assert.Equal(t, c.ok, ok)
			assert.False(t, unset)
			if c.ok {
				assert.Equal(t, c.want, s)
				assert.Nil(t, problems(d))
			} else {
				assert.Equal(t, []string{c.want}, problems(d))
			}
		})
	}
}

// Each reader of one value: what it returns for a good value, and its message for a bad one.
func TestScalarReaders(t *testing.T) {
	days := []string{"mon", "tue", "wed"}
	read := map[string]func(d *Decoder, n *yaml.Node) (any, bool){
		"text": func(d *Decoder, n *yaml.Node) (any, bool) { return d.Text(n, "v") },
		"checked": func(d *Decoder, n *yaml.Node) (any, bool) {
			return d.Checked(n, "v", func(s string) error {
				if strings.Contains(s, "/") {
					return errors.New("must not contain /")
				}
				return nil
			})
		},
		"bool":     func(d *Decoder, n *yaml.Node) (any, bool) { return d.Bool(n, "v") },
		"int":      func(d *Decoder, n *yaml.Node) (any, bool) { return d.Int(n, "v") },
		"number":   func(d *Decoder, n *yaml.Node) (any, bool) { return d.Number(n, "v") },
		"duration": func(d *Decoder, n *yaml.Node) (any, bool) { return d.Duration(n, "v") },
		"date": func(d *Decoder, n *yaml.Node) (any, bool) {
			s, tm, ok := d.Date(n, "v")
			if ok && s != tm.Format(time.DateOnly) {
				return "mismatch", ok
			}
			return s, ok
		},
		"enum":  func(d *Decoder, n *yaml.Node) (any, bool) { return d.Enum(n, "v", "day", days) },
		"words": func(d *Decoder, n *yaml.Node) (any, bool) { return d.Words(n, "v", "day", days) },
		"list": func(d *Decoder, n *yaml.Node) (any, bool) {
			items, ok := d.List(n, "v")
			return len(items), ok
		},
	}
	for _, c := range []struct {
		reader string
		src    string
		want   any    // the value read, when msg is ""
		msg    string // the problem, after "t.yaml:1:4: v: "
	}{
		{"text", "x", "x", ""},
		{"text", "''", nil, "must not be empty"},
		{"checked", "a", "a", ""},
		{"checked", "a/b", nil, "must not contain /"},
		{"bool", "true", true, ""},
		{"bool", "false", false, ""},
		{"bool", "yes", nil, `must be true or false, got "yes"`},
		{"bool", "1", nil, `must be true or false, got "1"`},
		{"bool", "[true]", nil, "must be true or false, got a list"},
		{"int", "3", 3, ""},
		{"int", "-1", -1, ""},
		{"int", "first", nil, `must be a whole number, got "first"`},
		{"int", "1.5", nil, `must be a whole number, got "1.5"`},
		{"int", "~", nil, "must be a whole number, got nothing"},
		{"number", "2", 2.0, ""},
		{"number", "2.5", 2.5, ""},
		{"number", "1_000", 1000.0, ""},
		{"number", "three", nil, `must be a number, got "three"`},
		{"number", "'2'", nil, `must be a number, got "2"`},
		{"number", ".inf", nil, `must be a finite number, got ".inf"`},
		{"number", ".nan", nil, `must be a finite number, got ".nan"`},
		{"duration", "1m30s", 90 * time.Second, ""},
		{"duration", "2", nil, "duration 2 has no unit: write e.g. 2s or 2ms"},
		{"duration", "soon", nil, `"soon" is not a duration: write e.g. 500ms, 5s or 1m30s`},
		{"duration", "0s", nil, "duration must be more than zero, got 0s"},
		{"duration", "-1s", nil, "duration must be more than zero, got -1s"},
		{"date", "2025-04-06", "2025-04-06", ""},
		{"date", "2020-13-01", nil, `"2020-13-01" is not a date (YYYY-MM-DD)`},
		{"date", "December 2026", nil, `"December 2026" is not a date (YYYY-MM-DD)`},
		{"enum", "tue", "tue", ""},
		{"enum", "teu", nil, `unknown day "teu": did you mean "tue"?`},
		{"enum", "sunday", nil, `unknown day "sunday": expected one of mon, tue, wed`},
		{"enum", "[mon]", nil, "must be a string, got a list"},
		{"words", "[mon, wed]", []string{"mon", "wed"}, ""},
		{"words", "[]", nil, "must list at least one day: mon, tue, wed"},
		{"words", "mon", nil, "must be a list, got a string (write [mon])"},
		{"list", "[a, b]", 2, ""},
		{"list", "{a: b}", nil, "must be a list, got a mapping"},
		{"list", "~", nil, "must be a list, got nothing"},
	} {
		t.Run(c.reader+" "+c.src, func(t *testing.T) {
			d := &Decoder{File: "t.yaml"}
			got, ok := read[c.reader](d, value(t, "v: "+c.src))
			if c.msg == "" {
				require.True(t, ok, "%v", problems(d))
				assert.Equal(t, c.want, got)
				assert.Nil(t, problems(d))
				return
			}
			assert.False(t, ok)
			assert.Equal(t, []string{"t.yaml:1:4: v: " + c.msg}, problems(d))
		})
	}

	// Words reports each bad word at its own position.
	d := &Decoder{File: "t.yaml"}
	_, ok := d.Words(value(t, "v: [mon, teu, mon, [x]]"), "v", "day", days)
	assert.False(t, ok)
	assert.Equal(t, []string{
		`t.yaml:1:10: v[1]: unknown day "teu": did you mean "tue"?`,
		"t.yaml:1:15: v[2]: day mon is listed twice (first at line 1)",
		"t.yaml:1:20: v[3]: must be a string, got a list",
	}, problems(d))
}

// Expand rewrites what the text readers read and may declare a value unknowable; Mask hides what a
// message quotes.
func TestHooks(t *testing.T) {
	d := &Decoder{File: "t.yaml"}
	d.Expand = func(n *yaml.Node, path, s string) (string, bool, bool) {
		switch s {
		case "${UNSET}":
			return "", true, true
		case "${BROKEN":
			d.Errorf(n, path, "unterminated ${")
			return "", false, false
		}
		return strings.ReplaceAll(s, "${PW}", "hunter2"), false, true
	}
	d.Mask = func(msg, value string) string { return strings.ReplaceAll(msg, "hunter2", "***") }

	s, _, ok := d.String(value(t, "v: a${PW}"), "v")
	assert.True(t, ok)
	assert.Equal(t, "ahunter2", s)
	dur, ok := d.Duration(value(t, "v: ${UNSET}"), "v")
	assert.True(t, ok, "an unknowable value is not checked")
	assert.Zero(t, dur)
	_, ok = d.Enum(value(t, "v: ${UNSET}"), "v", "day", []string{"mon"})
	assert.True(t, ok)
	_, ok = d.Text(value(t, "v: ${BROKEN"), "v")
	assert.False(t, ok)
	_, ok = d.Enum(value(t, "v: ${PW}"), "v", "day", []string{"mon"})
	assert.False(t, ok)
	assert.Equal(t, []string{`t.yaml:1:4: v: unknown day "***": expected one of mon`, "t.yaml:1:4: v: unterminated ${"}, problems(d))
}

func TestClosest(t *testing.T) {
	top := []string{"site", "id", "url", "jurisdictions", "devices", "cancel", "done"}
	target := []string{"text", "text_contains", "text_regex", "role", "css", "xpath", "name", "name_regex", "within", "nth"}
	for _, c := range []struct {
		word       string
		candidates []string
		want       string
	}{
		{"jurisdiction", top, "jurisdictions"},
		{"nht", target, "nth"},
		{"=<", []string{"==", "!=", "<", "<=", ">", ">="}, "<="}, // a swap beats a substitution on a tie
		{"text_contain", target, "text_contains"},
		{"Site", top, "site"}, // case does not count
		{"colour", top, ""},   // nothing close
		{"x", top, ""},
		{string(make([]byte, 1000)), top, ""}, // no quadratic work on hostile keys
	} {
		assert.Equal(t, c.want, Closest(c.word, c.candidates), "%.20q", c.word)
	}
	assert.Equal(t, `did you mean "site"?`, DidYouMean("stie", top))
	assert.Equal(t, "expected one of a, b", DidYouMean("zzz", []string{"a", "b"}))
	assert.Equal(t, `unknown metric "wait": did you mean "waits"?`, Unknown("metric", "wait", []string{"waits", "dialogs"}))
	assert.Equal(t, `"`+strings.Repeat("é", 60)+`…"`, Quote(strings.Repeat("é", 100)), "a long value is shortened")
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.yaml")
	require.NoError(t, os.WriteFile(small, []byte("a: 1\n"), 0o600))
	data, err := ReadFile(small, 5)
	require.NoError(t, err)
	assert.Equal(t, "a: 1\n", string(data))

	_, err = ReadFile(small, 4)
	assert.EqualError(t, err, "file is more than 4 bytes (0.0 KiB): refusing to read it")
	_, err = ReadFile(dir, 100)
	assert.EqualError(t, err, "is a folder, not a file")
	_, err = ReadFile(filepath.Join(dir, "none.yaml"), 100)
	var pe *fs.PathError
	assert.ErrorAs(t, err, &pe, "file system errors come back as they are")
	assert.ErrorIs(t, err, fs.ErrNotExist)
	_, err = ReadFile("/dev/zero", 1<<20)
	assert.EqualError(t, err, "file is more than 1048576 bytes (1.0 MiB): refusing to read it", "a file without end is cut off")
}

func TestPosition(t *testing.T) {
	data := []byte("ab\n退订x\n")
	for offset, want := range map[int][2]int{0: {1, 1}, 2: {1, 3}, 3: {2, 1}, 9: {2, 3}, -5: {1, 1}, 100: {3, 1}} {
		line, col := Position(data, offset)
		assert.Equal(t, want, [2]int{line, col}, "offset %d", offset)
	}
}
