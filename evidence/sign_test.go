package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A signed folder verifies under its key; another key, a changed manifest, a missing or garbled signature
// each say so; sealing again removes a signature that would no longer hold.
func TestSignAndVerify(t *testing.T) {
	privPEM, pubPEM, err := GenerateKey()
	require.NoError(t, err)
	priv, err := ParsePrivateKey(privPEM)
	require.NoError(t, err)
	pub, err := ParsePublicKey(pubPEM)
	require.NoError(t, err)
	_, otherPEM, err := GenerateKey()
	require.NoError(t, err)
	other, err := ParsePublicKey(otherPEM)
	require.NoError(t, err)

	sealed := func(t *testing.T) string {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "01-cancel-0.png"), []byte("png"), 0o644))
		require.NoError(t, Seal(dir, Meta{ScenarioID: "s", Device: "desktop"}))
		return dir
	}
	problems := func(t *testing.T, dir string, key []byte) []ProblemKind {
		folders, err := VerifySigned(dir, key)
		require.NoError(t, err)
		require.Len(t, folders, 1)
		var kinds []ProblemKind
		for _, p := range folders[0].Problems {
			kinds = append(kinds, p.Kind)
		}
		return kinds
	}
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir string)
		key    []byte
		want   []ProblemKind
	}{
		{"signed, right key", func(t *testing.T, dir string) { require.NoError(t, Sign(dir, priv)) }, pub, nil},
		{"signed, no key asked: not checked, not unlisted", func(t *testing.T, dir string) { require.NoError(t, Sign(dir, priv)) }, nil, nil},
		{"another key", func(t *testing.T, dir string) { require.NoError(t, Sign(dir, priv)) }, other, []ProblemKind{ProblemSignature}},
		{"not signed", func(*testing.T, string) {}, pub, []ProblemKind{ProblemUnsigned}},
		{"garbled signature", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, SignatureName), []byte("not base64!\n"), 0o644))
		}, pub, []ProblemKind{ProblemSignature}},
		{"manifest edited after signing", func(t *testing.T, dir string) {
			require.NoError(t, Sign(dir, priv))
			f, err := os.OpenFile(filepath.Join(dir, ManifestName), os.O_APPEND|os.O_WRONLY, 0)
			require.NoError(t, err)
			_, err = f.WriteString("\n")
			require.NoError(t, err)
			require.NoError(t, f.Close())
		}, pub, []ProblemKind{ProblemSignature}},
		{"sealed again after signing", func(t *testing.T, dir string) {
			require.NoError(t, Sign(dir, priv))
			require.NoError(t, Seal(dir, Meta{ScenarioID: "s", Device: "desktop"}))
		}, pub, []ProblemKind{ProblemUnsigned}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := sealed(t)
			tc.change(t, dir)
			assert.Equal(t, tc.want, problems(t, dir, tc.key))
		})
	}
}

func TestParseKeysRejects(t *testing.T) {
	privPEM, pubPEM, err := GenerateKey()
	require.NoError(t, err)
	_, err = ParsePrivateKey(pubPEM)
	assert.ErrorContains(t, err, "not a PEM private key")
	_, err = ParsePublicKey(privPEM)
	assert.ErrorContains(t, err, "not a PEM public key")
	_, err = ParsePublicKey([]byte("junk"))
	assert.Error(t, err)
}

// KeyID is the SHA-256 of the public key's PKIX DER: what openssl pkey -pubin -outform DER | sha256sum prints.
func TestKeyID(t *testing.T) {
	_, pubPEM, err := GenerateKey()
	require.NoError(t, err)
	pub, err := ParsePublicKey(pubPEM)
	require.NoError(t, err)
	block, _ := pem.Decode(pubPEM)
	sum := sha256.Sum256(block.Bytes)
	assert.Equal(t, hex.EncodeToString(sum[:]), KeyID(pub))
}
