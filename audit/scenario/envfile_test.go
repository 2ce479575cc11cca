package scenario

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadEnvFile(t *testing.T) {
	vars, err := ReadEnvFile(filepath.Join("testdata", "env", "demo.env"))
	require.NoError(t, err)
	assert.Equal(t, map[string]string{
		"DEMO_URL":  "http://127.0.0.1:8080",
		"DEMO_USER": "alice",
		"DEMO_PASS": `p@ss "word" #1`,
	}, vars)
}

func TestParseEnvValues(t *testing.T) {
	src := "\ufeff" + `# comment
  # indented comment

PLAIN=a b  
HASH=pa#ss # not a comment
EMPTY=
SINGLE='lit\n $X "q"'
DOUBLE="tab\there\nnew \$HOME \\ \"q\"" # comment
export EXPORTED=yes
	SPACED = around 
CRLF=windows` + "\r\n" + `exporter=not the export prefix
`
	vars, err := parseEnv("x.env", []byte(src))
	require.NoError(t, err)
	assert.Equal(t, map[string]string{
		"PLAIN":    "a b",
		"HASH":     "pa#ss # not a comment",
		"EMPTY":    "",
		"SINGLE":   `lit\n $X "q"`,
		"DOUBLE":   "tab\there\nnew $HOME \\ \"q\"",
		"EXPORTED": "yes",
		"SPACED":   "around",
		"CRLF":     "windows",
		"exporter": "not the export prefix",
	}, vars)
}

func TestReadEnvFileErrors(t *testing.T) {
	path := filepath.Join("testdata", "env", "broken.env")
	_, err := ReadEnvFile(path)
	require.Error(t, err)
	var list ErrorList
	require.ErrorAs(t, err, &list)
	assertErrors(t, list, []wantErr{
		{3, "", "expected KEY=VALUE"},
		{4, "", `invalid variable name "1BAD"`},
		{5, "QUOTED", `unterminated "-quoted value`},
		{6, "GOOD", "set twice (first on line 2)"},
		{7, "TRAILING", `unexpected "y" after the closing quote`},
		{8, "ESCAPE", `unknown escape \q`},
	})
	assert.Contains(t, err.Error(), path+":3: expected KEY=VALUE")

	_, err = ReadEnvFile(filepath.Join("testdata", "env", "missing.env"))
	assert.EqualError(t, err, filepath.Join("testdata", "env", "missing.env")+": no such file or folder")

	_, err = parseEnv("bad.env", []byte("A=\xff\n"))
	assert.EqualError(t, err, "bad.env:1: invalid UTF-8: the file must be UTF-8")
}
