// Package tsa is a small RFC 3161 time-stamping authority for tests and for `cancelpath demo`. It is
// UNTRUSTED: its key and self-signed certificate are made when it starts and vouch for nothing but the
// process that made them, so a token from it proves only that the folder is consistent with itself. It lets
// the demo and the tests show the whole path (request, token, offline check) without reaching outside the
// machine. Real evidence is timestamped by a TSA the reader trusts (audit --tsa URL).
package tsa

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"time"

	"github.com/digitorus/timestamp"
)

// Name is the common name of the certificate New makes: it says what the authority is wherever a token
// of it is shown.
const Name = "cancelpath demo TSA (UNTRUSTED: for tests and demos only)"

// Policy is the TSA policy its tokens name. 2.999 is the arc ITU-T X.660 sets aside for examples: no real
// policy is claimed.
var Policy = asn1.ObjectIdentifier{2, 999, 3161, 1}

// maxQuery bounds a request body: a query is a hash and a nonce, well under a kilobyte.
const maxQuery = 64 << 10

// Authority answers time-stamp queries with tokens signed by its key.
type Authority struct {
	cert *x509.Certificate
	key  crypto.Signer
	// Now is the clock of the tokens' genTime (default time.Now); tests move it.
	Now func() time.Time
}

// New makes an authority with a fresh ECDSA P-256 key and a self-signed certificate for it, valid for ten
// years from an hour ago (tokens must still verify long after the demo ended), whose only extended key
// usage is timeStamping, marked critical as RFC 3161 §2.3 asks.
func New() (*Authority, error) {
	return newAuthority(Name, asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}) // id-kp-timeStamping
}

// NewCodeSigner is an authority whose certificate is for code signing, not time-stamping: its tokens are
// well formed, and verification must refuse them (tests use it).
func NewCodeSigner() (*Authority, error) {
	return newAuthority("code signer (not a TSA)", asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 3}) // id-kp-codeSigning
}

// newAuthority makes a key and a self-signed certificate naming cn, with one extended key usage.
func newAuthority(cn string, usage asn1.ObjectIdentifier) (*Authority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("demo TSA key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, fmt.Errorf("demo TSA serial: %w", err)
	}
	// Go marks ExtKeyUsage non-critical; RFC 3161 (and openssl ts -verify) want it critical, so the
	// extension is written by hand.
	eku, err := asn1.Marshal([]asn1.ObjectIdentifier{usage})
	if err != nil {
		return nil, fmt.Errorf("demo TSA certificate: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"cancelpath"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		ExtraExtensions:       []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: eku}},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("demo TSA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("demo TSA certificate: %w", err)
	}
	return NewWithCert(cert, key), nil
}

// NewWithCert is an authority that signs with key under cert, whatever cert says: tests use it to make
// tokens that verification must refuse (a certificate without timeStamping, one from another root).
func NewWithCert(cert *x509.Certificate, key crypto.Signer) *Authority {
	return &Authority{cert: cert, key: key, Now: time.Now}
}

// Certificate is the certificate the tokens carry and are signed under.
func (a *Authority) Certificate() *x509.Certificate { return a.cert }

// CertificatePEM is Certificate in PEM, for verify --tsa-cert and openssl ts -verify -CAfile.
func (a *Authority) CertificatePEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.cert.Raw})
}

// Respond answers one DER time-stamp query with a DER time-stamp response: granted, or a rejection
// response for a query it cannot read. The error is for a response it could not make at all.
func (a *Authority) Respond(query []byte) ([]byte, error) {
	req, err := timestamp.ParseRequest(query)
	if err != nil {
		return timestamp.CreateErrorResponse(timestamp.Rejection, timestamp.BadDataFormat)
	}
	switch req.HashAlgorithm {
	case crypto.SHA256, crypto.SHA384, crypto.SHA512:
	default: // SHA-1 no longer binds a document to its hash
		return timestamp.CreateErrorResponse(timestamp.Rejection, timestamp.BadAlgorithm)
	}
	if len(req.HashedMessage) != req.HashAlgorithm.Size() {
		return timestamp.CreateErrorResponse(timestamp.Rejection, timestamp.BadDataFormat)
	}
	ts := &timestamp.Timestamp{
		HashAlgorithm:     req.HashAlgorithm,
		HashedMessage:     req.HashedMessage,
		Time:              a.Now().UTC().Truncate(time.Second), // genTime is encoded to the second
		Accuracy:          time.Second,
		Nonce:             req.Nonce,
		Policy:            Policy,
		AddTSACertificate: req.Certificates,
	}
	resp, err := ts.CreateResponseWithOpts(a.cert, a.key, crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("demo TSA: %w", err)
	}
	return resp, nil
}

// ServeHTTP answers RFC 3161 queries over HTTP (§3.4): POST application/timestamp-query in,
// application/timestamp-reply out.
func (a *Authority) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST an application/timestamp-query", http.StatusMethodNotAllowed)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/timestamp-query" {
		http.Error(w, "Content-Type must be application/timestamp-query", http.StatusUnsupportedMediaType)
		return
	}
	query, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxQuery))
	if err != nil {
		http.Error(w, "query too large or unreadable", http.StatusBadRequest)
		return
	}
	resp, err := a.Respond(query)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/timestamp-reply")
	_, _ = w.Write(resp) // a client gone away is not the authority's error
}

// Server is an Authority listening on 127.0.0.1.
type Server struct {
	*Authority
	URL string // http://127.0.0.1:PORT/
	srv *http.Server
}

// Start makes a new authority and serves it on 127.0.0.1 at a free port until Close. It listens on
// loopback only: nothing outside the machine can ask it for a token.
func Start() (*Server, error) {
	a, err := New()
	if err != nil {
		return nil, err
	}
	return Serve(a)
}

// Serve serves a on 127.0.0.1 at a free port until Close.
func Serve(a *Authority) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo TSA: %w", err)
	}
	s := &Server{Authority: a, URL: "http://" + ln.Addr().String() + "/",
		srv: &http.Server{Handler: a, ReadHeaderTimeout: 10 * time.Second}}
	go func() { _ = s.srv.Serve(ln) }() // ends with ErrServerClosed at Close
	return s, nil
}

// Close stops the server and closes its connections.
func (s *Server) Close() error {
	if err := s.srv.Close(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("demo TSA: %w", err)
	}
	return nil
}
