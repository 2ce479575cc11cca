package scenario

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func files(scs []*Scenario) []string {
	out := make([]string, len(scs))
	for i, s := range scs {
		out[i] = s.File
	}
	return out
}

func TestLoadFolder(t *testing.T) {
	scs, err := Load([]string{filepath.Join("testdata", "load")}, Options{Env: env(nil)})
	require.NoError(t, err)
	assert.Equal(t, []string{
		filepath.Join("testdata", "load", "a", "c.yaml"),
		filepath.Join("testdata", "load", "a", "z.yml"),
		filepath.Join("testdata", "load", "b.yaml"),
	}, files(scs), "recursive, sorted, .hidden and notes.txt skipped")
	assert.Equal(t, "c", scs[0].ID)
}

func TestLoadKeepsArgumentOrderAndReadsEachFileOnce(t *testing.T) {
	b := filepath.Join("testdata", "load", "b.yaml")
	scs, err := Load([]string{b, filepath.Join("testdata", "load", "a"), "./" + b}, Options{Env: env(nil)})
	require.NoError(t, err)
	assert.Equal(t, []string{b, filepath.Join("testdata", "load", "a", "c.yaml"), filepath.Join("testdata", "load", "a", "z.yml")}, files(scs))

	// A file named directly is read whatever its extension: here, one inside a dot-folder.
	hidden := filepath.Join("testdata", "load", ".hidden", "x.yaml")
	scs, err = Load([]string{hidden}, Options{Env: env(nil)})
	require.NoError(t, err)
	assert.Equal(t, []string{hidden}, files(scs))
}

func TestLoadDuplicateIDs(t *testing.T) {
	dir := filepath.Join("testdata", "dup")
	scs, err := Load([]string{dir}, Options{Env: env(nil)})
	require.Error(t, err)
	var list ErrorList
	require.ErrorAs(t, err, &list)
	require.Len(t, list, 1)
	assert.Equal(t, filepath.Join(dir, "third.yaml")+`:2: id: id "second" is also the id of `+filepath.Join(dir, "second.yaml")+": set a distinct id", list[0].Error())
	assert.Equal(t, []string{filepath.Join(dir, "first.yaml"), filepath.Join(dir, "second.yaml")}, files(scs),
		"the scenarios that loaded are returned with the error")

	// A derived id says so.
	other := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(other, "shop.yaml"), []byte(base), 0o600))
	_, err = Load([]string{filepath.Join(dir, "first.yaml"), filepath.Join(other, "shop.yaml")}, Options{Env: env(nil)})
	assert.EqualError(t, err, filepath.Join(other, "shop.yaml")+`: id: id "shop" (from the file name) is also the id of `+filepath.Join(dir, "first.yaml")+": set a distinct id")
}

func TestLoadReportsEveryFile(t *testing.T) {
	empty := t.TempDir()
	scs, err := Load([]string{
		filepath.Join("testdata", "load", "b.yaml"),
		filepath.Join("testdata", "invalid"),
		filepath.Join("testdata", "nowhere"),
		empty,
	}, Options{Env: env(nil)})
	require.Error(t, err)
	assert.Equal(t, []string{filepath.Join("testdata", "load", "b.yaml")}, files(scs))
	var list ErrorList
	require.ErrorAs(t, err, &list)
	byFile := map[string]int{}
	for _, e := range list {
		byFile[e.File]++
	}
	assert.Equal(t, 1, byFile[filepath.Join("testdata", "nowhere")])
	assert.Equal(t, 1, byFile[empty])
	for _, f := range []string{"alias-bomb.yaml", "gbk.yaml", "tabs.yaml", "two-documents.yaml"} {
		assert.Positive(t, byFile[filepath.Join("testdata", "invalid", f)], f)
	}
	assert.Contains(t, err.Error(), filepath.Join("testdata", "nowhere")+": no such file or folder")
	assert.Contains(t, err.Error(), empty+": no scenario files (*.yaml, *.yml) in this folder")

	_, err = Load(nil, Options{})
	assert.EqualError(t, err, "no scenario files or folders given")
}

func TestLoadFileErrors(t *testing.T) {
	_, err := LoadFile("testdata", Options{})
	assert.EqualError(t, err, "testdata: is a folder, not a file")
	_, err = LoadFile(filepath.Join("testdata", "nowhere.yaml"), Options{})
	assert.EqualError(t, err, filepath.Join("testdata", "nowhere.yaml")+": no such file or folder")
}
