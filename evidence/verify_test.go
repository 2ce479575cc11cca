package evidence

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVerify(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, dir string)
		want   []Problem // Dir is filled in
	}{
		{name: "intact", tamper: func(*testing.T, string) {}},
		{
			name: "one changed byte",
			tamper: func(t *testing.T, dir string) {
				p := filepath.Join(dir, "08-cancel-2.png")
				data, err := os.ReadFile(p)
				require.NoError(t, err)
				data[len(data)/2] ^= 0x01
				require.NoError(t, os.WriteFile(p, data, 0o644))
			},
			want: []Problem{{File: "08-cancel-2.png", Kind: ProblemChanged}},
		},
		{
			name:   "a missing file",
			tamper: func(t *testing.T, dir string) { require.NoError(t, os.Remove(filepath.Join(dir, "control.mhtml"))) },
			want:   []Problem{{File: "control.mhtml", Kind: ProblemMissing}},
		},
		{
			name: "a file added after sealing",
			tamper: func(t *testing.T, dir string) {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "frames", "later.png"), []byte("x"), 0o644))
			},
			want: []Problem{{File: "frames/later.png", Kind: ProblemUnlisted}},
		},
		{
			name: "a listed file replaced by a symlink",
			tamper: func(t *testing.T, dir string) {
				p := filepath.Join(dir, "06-cancel-0.png")
				require.NoError(t, os.Rename(p, p+".bak"))
				require.NoError(t, os.Symlink("06-cancel-0.png.bak", p))
			},
			want: []Problem{{File: "06-cancel-0.png", Kind: ProblemChanged}, {File: "06-cancel-0.png.bak", Kind: ProblemUnlisted}},
		},
		{
			name: "a manifest line pointing outside the folder",
			tamper: func(t *testing.T, dir string) {
				f, err := os.OpenFile(filepath.Join(dir, ManifestName), os.O_APPEND|os.O_WRONLY, 0)
				require.NoError(t, err)
				_, err = f.WriteString(strings.Repeat("0", 64) + "  ../../secret\n")
				require.NoError(t, err)
				require.NoError(t, f.Close())
			},
			want: []Problem{{File: ManifestName, Kind: ProblemMalformed}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, dir := sealedFolder(t)
			tt.tamper(t, dir)
			for _, target := range []string{dir, root} { // the folder itself, or a parent of many
				folders, err := Verify(target)
				require.NoError(t, err)
				require.Len(t, folders, 1)
				f := folders[0]
				assert.Equal(t, dir, f.Dir)
				assert.Equal(t, 7, f.Files, "the files listed in the manifest")
				assert.Len(t, f.ManifestSHA256, 64)
				assert.Equal(t, len(tt.want) == 0, f.Intact())
				var kinds []Problem
				for _, p := range f.Problems {
					assert.Equal(t, dir, p.Dir)
					kinds = append(kinds, Problem{File: p.File, Kind: p.Kind})
				}
				assert.Equal(t, tt.want, kinds)
			}
		})
	}
}

func TestVerifyNeedsAManifest(t *testing.T) {
	_, err := Verify(t.TempDir())
	require.ErrorContains(t, err, "no MANIFEST.sha256 found")
}
