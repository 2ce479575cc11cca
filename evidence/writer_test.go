package evidence

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriterWritesEveryFileBeforeClose(t *testing.T) {
	out := t.TempDir()
	w := NewWriter(out)
	dir := Dir("xingchen", "mobile")
	for i := range 10 { // more than the queue holds: Write waits, nothing is dropped
		w.Write(filepath.Join(dir, string(rune('a'+i))+".png"), []byte{byte(i)})
	}
	w.Write(filepath.Join(dir, "control.mhtml"), []byte("MIME-Version: 1.0\r\n"))
	require.Empty(t, w.Close())
	for i := range 10 {
		data, err := os.ReadFile(filepath.Join(out, dir, string(rune('a'+i))+".png"))
		require.NoError(t, err)
		assert.Equal(t, []byte{byte(i)}, data)
	}
	assert.FileExists(t, filepath.Join(out, "evidence", "xingchen@mobile", "control.mhtml"))
}

func TestWriterReportsWhatCouldNotBeWritten(t *testing.T) {
	out := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(out, "evidence"), []byte("a file where a folder must go"), 0o644))
	w := NewWriter(out)
	w.Write(filepath.Join(Dir("x", "desktop"), "01-shot.png"), []byte("png"))
	w.Write("ok.png", []byte("png"))
	errs := w.Close()
	require.Len(t, errs, 1)
	assert.FileExists(t, filepath.Join(out, "ok.png"), "one failure stops nothing else")
}
