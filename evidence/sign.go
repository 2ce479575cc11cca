package evidence

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cancelpath/cancelpath/internal/atomicfile"
)

// SignatureName is the detached Ed25519 signature of a folder's MANIFEST.sha256, in base64. It is written
// after the manifest, which therefore does not list it. A manifest's hash says what the folder held; the
// signature says who sealed it: only the holder of the private key can make one that the public key accepts.
// Outside cancelpath: base64 -d MANIFEST.sha256.sig > sig.bin; openssl pkeyutl -verify -pubin -inkey KEY.pub
// -rawin -in MANIFEST.sha256 -sigfile sig.bin.
const SignatureName = ManifestName + ".sig"

// GenerateKey makes an Ed25519 key pair as PEM: the private key in PKCS #8, the public key as a PKIX
// SubjectPublicKeyInfo, the forms openssl and most tools read.
func GenerateKey() (privatePEM, publicPEM []byte, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generate key: %w", err)
	}
	privDER, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, nil, fmt.Errorf("encode private key: %w", err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, nil, fmt.Errorf("encode public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER}),
		pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), nil
}

// ParsePrivateKey reads an Ed25519 private key in PKCS #8 PEM.
func ParsePrivateKey(data []byte) (ed25519.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, errors.New("not a PEM private key (PKCS #8, as cancelpath keygen writes)")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("private key: a %T, not Ed25519", k)
	}
	return priv, nil
}

// ParsePublicKey reads an Ed25519 public key in PKIX PEM.
func ParsePublicKey(data []byte) (ed25519.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, errors.New("not a PEM public key (PKIX, as cancelpath keygen writes)")
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("public key: a %T, not Ed25519", k)
	}
	return pub, nil
}

// KeyID names a public key in a custody log or a message: the SHA-256 of its PKIX DER in hex, as
// `openssl pkey -pubin -in KEY.pub -outform DER | sha256sum` prints it.
func KeyID(pub ed25519.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil { // only for a key of the wrong length
		return "unknown"
	}
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// Sign signs the sealed folder's manifest with key and writes SignatureName beside it.
func Sign(dir string, key ed25519.PrivateKey) error {
	manifest, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return fmt.Errorf("sign %s: %w", dir, err)
	}
	sig := base64.StdEncoding.EncodeToString(ed25519.Sign(key, manifest)) + "\n"
	if err := atomicfile.Write(filepath.Join(dir, SignatureName), []byte(sig)); err != nil {
		return fmt.Errorf("sign %s: %w", dir, err)
	}
	return nil
}

// checkSignature tells what is wrong with the folder's signature under pub, or "" when it holds.
func checkSignature(dir string, manifest []byte, pub ed25519.PublicKey) (ProblemKind, string) {
	data, err := os.ReadFile(filepath.Join(dir, SignatureName))
	if err != nil {
		return ProblemUnsigned, "no " + SignatureName
	}
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return ProblemSignature, "not an Ed25519 signature in base64"
	}
	if !ed25519.Verify(pub, manifest, sig) {
		return ProblemSignature, "the signature does not match the manifest under this key (another key, or the manifest changed)"
	}
	return "", ""
}
