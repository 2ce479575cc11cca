package reports

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFormats(t *testing.T) {
	tests := []struct {
		in      []string
		want    []Format
		wantErr string
	}{
		{in: nil, want: nil},
		{in: []string{"json"}, want: []Format{FormatJSON}},
		{in: []string{"sarif,junit", "JSON", "md", "json"}, want: []Format{FormatSARIF, FormatJUnit, FormatJSON, FormatMarkdown}},
		{in: []string{"pdf"}, wantErr: `unknown format "pdf"`},
	}
	for _, tt := range tests {
		got, err := ParseFormats(tt.in)
		if tt.wantErr != "" {
			require.ErrorContains(t, err, tt.wantErr)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tt.want, got)
	}
}

func TestWriteAll(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	paths, err := WriteAll(dir, loadFixture(t), AllFormats(), Options{Color: true})
	require.NoError(t, err)
	require.Len(t, paths, len(AllFormats()))
	for i, f := range AllFormats() {
		assert.Equal(t, filepath.Join(dir, FileName(f)), paths[i])
		info, err := os.Stat(paths[i])
		require.NoError(t, err)
		assert.Positive(t, info.Size(), f)
	}
	table, err := os.ReadFile(filepath.Join(dir, "results.txt"))
	require.NoError(t, err)
	assert.NotContains(t, string(table), "\x1b", "files never hold colour")
	leftovers, err := filepath.Glob(filepath.Join(dir, ".*"))
	require.NoError(t, err)
	assert.Empty(t, leftovers, "no temporary files left")
}

func TestRenderRejectsUnknownLanguage(t *testing.T) {
	err := Render(&bytes.Buffer{}, loadFixture(t), FormatHTML, Options{Lang: "fr"})
	require.ErrorContains(t, err, `unknown report language "fr"`)
}

// TestTableFitsTheWidth checks the terminal table at several widths: no line is wider than asked (the site
// column gives way, cut with an ellipsis), colour changes no width, and every row's columns line up.
var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestTableFitsTheWidth(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		for _, width := range []int{100, 90} {
			var plain, color bytes.Buffer
			require.NoError(t, Render(&plain, loadFixture(t), FormatTable, Options{Lang: lang, Width: width}))
			require.NoError(t, Render(&color, loadFixture(t), FormatTable, Options{Lang: lang, Width: width, Color: true}))
			assert.Contains(t, color.String(), "\x1b[")
			assert.Equal(t, plain.String(), sgr.ReplaceAllString(color.String(), ""), "colour changes no width")
			lines := strings.Split(strings.TrimRight(plain.String(), "\n"), "\n")
			for _, l := range lines {
				assert.LessOrEqual(t, displayWidth(l), width, "%s/%d: %q", lang, width, l)
			}
			// The columns line up: every row's grade (its last cell) starts where the header's does.
			lastCell := func(l string) int { return displayWidth(l[:strings.LastIndex(l, " ")+1]) }
			for _, l := range lines[2 : 2+len(loadFixture(t).Results)] {
				assert.Equal(t, lastCell(lines[0]), lastCell(l), "%s/%d: %q", lang, width, l)
			}
		}
	}
}

func TestEveryFormatHasARendererAndAFile(t *testing.T) {
	files := map[string]bool{}
	for _, f := range AllFormats() {
		r, ok := RendererFor(f)
		require.True(t, ok, f)
		require.NotNil(t, r, f)
		name := FileName(f)
		require.NotEmpty(t, name, f)
		assert.False(t, files[name], "%s: file %s taken twice", f, name)
		files[name] = true
	}
	_, ok := RendererFor("pdf")
	assert.False(t, ok)
	assert.Empty(t, FileName("pdf"))
	require.ErrorContains(t, Render(&bytes.Buffer{}, loadFixture(t), "pdf", Options{}), `unknown format "pdf"`)
}
