package scenario

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Files that are not scenarios at all, or that attack the parser: each is refused quickly with a message
// naming the file and, where there is one, the line.
func TestHostileFiles(t *testing.T) {
	cases := []struct {
		name string
		file string // under testdata/invalid, or "" to use src
		src  string
		want wantErr
	}{
		{name: "empty", src: "", want: wantErr{0, "", "empty file"}},
		{name: "only white space", src: " \n\n\t\n", want: wantErr{0, "", "empty file"}},
		{name: "only a BOM", src: "\ufeff", want: wantErr{0, "", "empty file"}},
		{name: "only comments", src: "# nothing here\n", want: wantErr{0, "", "no YAML content (only comments)"}},
		{name: "only a document marker", src: "---\n", want: wantErr{2, "", "the document is empty"}},
		{name: "two documents", file: "two-documents.yaml", want: wantErr{8, "", "a second YAML document starts here: one scenario per file"}},
		{name: "trailing document marker", src: base + "---\n", want: wantErr{8, "", "a second YAML document"}},
		{name: "tab indentation", file: "tabs.yaml", want: wantErr{6, "", "a tab indents this line, and YAML indentation must be spaces"}},
		{name: "GBK bytes", file: "gbk.yaml", want: wantErr{5, "", "invalid UTF-8 (byte 0xCD): the file must be UTF-8"}},
		{name: "control character", src: "site: S\nurl: a\x07b\n", want: wantErr{2, "", "control character U+0007"}},
		{name: "NUL byte", src: "site: S\x00\n", want: wantErr{1, "", "control character U+0000"}},
		{name: "syntax error on the first line", src: "site: a: b\n", want: wantErr{1, "", "mapping values are not allowed in this context"}},
		{name: "syntax error later", src: "site: S\nurl: \"https://x\n", want: wantErr{2, "", "found unexpected end of stream"}},
		{name: "variable in a flow list", src: strings.Replace(base, "[cn]", "[${J}]", 1), want: wantErr{3, "", `did not find expected ',' or ']': inside [...] or {...} a value with ${VAR} needs quotes`}},
		{name: "parser error line", src: base + "login:\n  - click: a\n  fill: b\n", want: wantErr{9, "", "did not find expected '-' indicator"}},
		{name: "unknown anchor", src: base + "mask_fields: [*nothing]\n", want: wantErr{8, "", "alias *nothing refers to no anchor"}},
		{name: "billion laughs", file: "alias-bomb.yaml", want: wantErr{4, "a", "unknown key"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			name, src := "testdata/case.yaml", []byte(c.src)
			if c.file != "" {
				name = filepath.Join("testdata", "invalid", c.file)
				var err error
				src, err = os.ReadFile(name)
				require.NoError(t, err)
			}
			list := parseErrors(t, name, src, Options{Env: env(nil)})
			first := list[0]
			assert.Equal(t, c.want.line, first.Line, "%s", first)
			assert.Equal(t, c.want.field, first.Field, "%s", first)
			assert.Contains(t, first.Msg, c.want.msg)
			assert.True(t, strings.HasPrefix(first.Error(), name+":"), first.Error())
		})
	}
}

func TestBillionLaughsReportsEachUseOnce(t *testing.T) {
	list := parseErrors(t, "bomb.yaml", mustRead(t, "testdata/invalid/alias-bomb.yaml"), Options{Env: env(nil)})
	// Nine unknown keys, nine non-string jurisdictions, nine non-mapping cancel steps, a list as done and
	// nine list items as mask_fields: the aliases are never expanded into their billion strings.
	require.Len(t, list, 9+9+9+1+9)
	// A problem with an aliased value points at the alias.
	assert.Contains(t, list.Error(), "\nbomb.yaml:15:7: done: a target is visible text or a mapping such as {role: button, name: 退订}, got a list")
	assert.Contains(t, list.Error(), "\nbomb.yaml:12:8: jurisdictions[0]: must be a string, got a list\n")
	assert.Less(t, len(list.Error()), 10000)
}

func TestAliasBudget(t *testing.T) {
	// A chain of targets, each within the previous one, used 2000 times: bounded by maxWithin and
	// maxAliases instead of growing with the product.
	var b strings.Builder
	b.WriteString(strings.Replace(base, "done: 已关闭\n", "", 1))
	b.WriteString("done: &t0 {css: a}\n")
	for i := 1; i <= 7; i++ {
		fmt.Fprintf(&b, "effect:\n") // a duplicate key each time: the anchors still count
		fmt.Fprintf(&b, "  - click: &t%d {css: a, within: *t%d}\n", i, i-1)
	}
	b.WriteString("mask_fields: [" + strings.Repeat("*t7, ", 1999) + "*t7]\n")
	list := parseErrors(t, "chain.yaml", []byte(b.String()), Options{Env: env(nil)})
	var budget []*Error
	for _, e := range list {
		if strings.Contains(e.Msg, "aliases") {
			budget = append(budget, e)
		}
	}
	require.Len(t, budget, 1, "%v", list)
	assert.Equal(t, 22, budget[0].Line)
	assert.Contains(t, budget[0].Msg, "more than 1000 aliases")
}

func TestSizeLimit(t *testing.T) {
	big := append([]byte(base), bytes.Repeat([]byte("# padding\n"), MaxFileSize/10)...)
	require.Greater(t, len(big), MaxFileSize)

	list := parseErrors(t, "big.yaml", big, Options{})
	require.Len(t, list, 1)
	assert.Equal(t, 0, list[0].Line)
	assert.Contains(t, list[0].Msg, "file is more than 1048576 bytes (1.0 MiB): refusing to read it")

	// LoadFile refuses before reading: a file that grows without end (a FIFO, /dev/zero) cannot hang it.
	path := filepath.Join(t.TempDir(), "big.yaml")
	require.NoError(t, os.WriteFile(path, big, 0o600))
	_, err := LoadFile(path, Options{})
	require.Error(t, err)
	assert.Equal(t, path+": file is more than 1048576 bytes (1.0 MiB): refusing to read it", err.Error())

	_, err = LoadFile("/dev/zero", Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "/dev/zero: file is more than 1048576 bytes")

	// Exactly at the limit is fine as far as size goes.
	atLimit := append([]byte(base), bytes.Repeat([]byte("#"), MaxFileSize-len(base))...)
	_, err = Parse("limit.yaml", atLimit, Options{Env: env(nil)})
	require.NoError(t, err)
}

func TestBOMIsAccepted(t *testing.T) {
	withBOM := append([]byte("\ufeff"), base...)
	s, err := Parse("bom.yaml", withBOM, Options{Env: env(nil)})
	require.NoError(t, err)
	assert.Equal(t, "S", s.Site)
	// The hash is of the file as it is, BOM included.
	plain, err := Parse("bom.yaml", []byte(base), Options{Env: env(nil)})
	require.NoError(t, err)
	assert.NotEqual(t, plain.SHA256, s.SHA256)

	// Positions on the first line do not count the BOM.
	bad := append([]byte("\ufeff"), strings.Replace(base, "site: S", "site: [S]", 1)...)
	list := parseErrors(t, "bom.yaml", bad, Options{Env: env(nil)})
	assert.Equal(t, "bom.yaml:1:7: site: must be a string, got a list", list.Error())
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}

// BenchmarkParseAliasBomb: what a billion-laughs file costs the loader (it is refused in milliseconds; the
// tests above check that it is refused and how, this measures how fast).
func BenchmarkParseAliasBomb(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("testdata", "invalid", "alias-bomb.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Parse("bomb.yaml", src, Options{Env: env(nil)}); err == nil {
			b.Fatal("the bomb loaded")
		}
	}
}
