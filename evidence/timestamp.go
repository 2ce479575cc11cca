package evidence

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"

	"github.com/cancelpath/cancelpath/internal/atomicfile"
)

// TimestampName is the RFC 3161 time-stamp token over MANIFEST.sha256: DER, the CMS SignedData a TSA
// signs, holding the manifest's SHA-256 and the TSA's time. Like the signature it follows the manifest, so
// the manifest does not list it, and sealing again removes it. The signature says who sealed the folder;
// the token says that the manifest existed at that time, from a third party the auditor cannot backdate.
// Outside cancelpath: openssl ts -verify -data MANIFEST.sha256 -in MANIFEST.sha256.tsr -token_in
// -CAfile TSA-ROOTS.pem.
const TimestampName = ManifestName + ".tsr"

// DefaultTSATimeout bounds one request to a TSA when TSA.Timeout is not set: a TSA that does not answer
// holds a run's sealing up for no longer than this.
const DefaultTSATimeout = 15 * time.Second

// maxTSAReply bounds a TSA's answer: a token with its certificate chain is a few kilobytes.
const maxTSAReply = 1 << 20

// TSA is an RFC 3161 time-stamping authority reached over HTTP.
type TSA struct {
	URL string
	// Client sends the queries (nil: http.DefaultClient); Timeout bounds each (0: DefaultTSATimeout).
	Client  *http.Client
	Timeout time.Duration
}

// TimestampInfo is what a folder's time-stamp token says.
type TimestampInfo struct {
	Time     time.Time     // the TSA's genTime, UTC
	Accuracy time.Duration // as the TSA states it (0: not stated)
	TSA      string        // the signing certificate's subject
	Serial   string        // the token's serial number, in hex
	Policy   string        // the TSA policy OID
}

// Timestamp asks the TSA for a token over the SHA-256 of the sealed folder's manifest (with a fresh
// nonce, and its certificate in the token), checks the answer (granted, over this manifest, this nonce,
// signed under a time-stamping certificate it carries) and writes it as TimestampName beside the manifest.
// Nothing is written when any of that fails.
func (t *TSA) Timestamp(ctx context.Context, dir string) (TimestampInfo, error) {
	manifest, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return TimestampInfo{}, fmt.Errorf("timestamp %s: %w", dir, err)
	}
	token, err := t.request(ctx, manifest)
	if err != nil {
		return TimestampInfo{}, fmt.Errorf("timestamp %s: %w", dir, err)
	}
	info, kind, detail := checkToken(token, manifest, nil)
	if kind != "" {
		return TimestampInfo{}, fmt.Errorf("timestamp %s: TSA %s: %s", dir, t.URL, detail)
	}
	if err := atomicfile.Write(filepath.Join(dir, TimestampName), token); err != nil {
		return TimestampInfo{}, fmt.Errorf("timestamp %s: %w", dir, err)
	}
	return *info, nil
}

// request sends one query over manifest and returns the token of a granted answer with the right nonce.
func (t *TSA) request(ctx context.Context, manifest []byte) ([]byte, error) {
	h := crypto.SHA256.New()
	h.Write(manifest)
	// 64 random bits: a replayed answer to an earlier query cannot pass for this one.
	nonce, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return nil, fmt.Errorf("nonce: %w", err)
	}
	query, err := (&timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: h.Sum(nil), Nonce: nonce,
		Certificates: true}).Marshal()
	if err != nil {
		return nil, fmt.Errorf("time-stamp query: %w", err)
	}
	timeout := t.Timeout
	if timeout <= 0 {
		timeout = DefaultTSATimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(query))
	if err != nil {
		return nil, fmt.Errorf("TSA %s: %w", t.URL, err)
	}
	req.Header.Set("Content-Type", "application/timestamp-query")
	req.Header.Set("Accept", "application/timestamp-reply")
	client := t.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("TSA %s: %w", t.URL, err)
	}
	defer func() { _ = resp.Body.Close() }() // read whole below: nothing to lose
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("TSA %s answered HTTP %s", t.URL, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTSAReply+1))
	if err != nil {
		return nil, fmt.Errorf("TSA %s: %w", t.URL, err)
	}
	if len(body) > maxTSAReply {
		return nil, fmt.Errorf("TSA %s: answer larger than %d bytes", t.URL, maxTSAReply)
	}
	// ParseResponse refuses any status but granted, with the TSA's own words and failure info.
	ts, err := timestamp.ParseResponse(body)
	if err != nil {
		return nil, fmt.Errorf("TSA %s: not granted: %w", t.URL, err)
	}
	if ts.Nonce == nil || ts.Nonce.Cmp(nonce) != 0 {
		return nil, fmt.Errorf("TSA %s: the token's nonce is not the query's (a replayed or misdirected answer)", t.URL)
	}
	return ts.RawToken, nil
}

// ParseTSARoots reads the PEM certificates of the TSAs (or their roots) a reader trusts.
func ParseTSARoots(data []byte) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	n := 0
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("TSA certificate %d: %w", n+1, err)
		}
		pool.AddCert(cert)
		n++
	}
	if n == 0 {
		return nil, errors.New("no PEM certificate found")
	}
	return pool, nil
}

// checkTimestamp tells what is wrong with the folder's token, if anything, and what it says when it can
// be read. A folder without a token is a problem only when required.
func checkTimestamp(dir string, manifest []byte, roots *x509.CertPool, required bool) (*TimestampInfo, *Problem) {
	token, err := os.ReadFile(filepath.Join(dir, TimestampName))
	if errors.Is(err, os.ErrNotExist) {
		if !required {
			return nil, nil
		}
		return nil, &Problem{Dir: dir, File: TimestampName, Kind: ProblemUntimestamped,
			Detail: "no " + TimestampName + ": the folder was never timestamped (audit --tsa URL)"}
	}
	if err != nil {
		return nil, &Problem{Dir: dir, File: TimestampName, Kind: ProblemTimestamp, Detail: err.Error()}
	}
	info, kind, detail := checkToken(token, manifest, roots)
	if kind != "" {
		return info, &Problem{Dir: dir, File: TimestampName, Kind: kind, Detail: detail}
	}
	return info, nil
}

// checkToken checks a DER token offline: its CMS signature holds under the certificate it carries, that
// certificate is for time-stamping, its imprint is the manifest's hash and, with roots, the certificate
// chains to one of them at the token's time. The info is returned whenever the token could be read.
func checkToken(token, manifest []byte, roots *x509.CertPool) (*TimestampInfo, ProblemKind, string) {
	p7, err := pkcs7.Parse(token)
	if err != nil {
		return nil, ProblemTimestamp, "not an RFC 3161 time-stamp token: " + err.Error()
	}
	signer := p7.GetOnlySigner()
	if signer == nil {
		return nil, ProblemTimestamp, "the token carries no certificate of its one signer, so its signature cannot be checked"
	}
	if err := p7.Verify(); err != nil { // the signature alone; the chain is checked below, at genTime
		return nil, ProblemTimestamp, "the token's signature does not hold under the certificate it carries (" +
			signer.Subject.String() + "): " + err.Error()
	}
	ts, err := timestamp.Parse(token)
	if err != nil {
		return nil, ProblemTimestamp, "not an RFC 3161 time-stamp token: " + err.Error()
	}
	info := &TimestampInfo{Time: ts.Time.UTC(), Accuracy: ts.Accuracy, TSA: signer.Subject.String(),
		Policy: ts.Policy.String()}
	if ts.SerialNumber != nil {
		info.Serial = ts.SerialNumber.Text(16)
	}
	if !slices.Contains(signer.ExtKeyUsage, x509.ExtKeyUsageTimeStamping) {
		return info, ProblemTimestamp, "the token's certificate (" + info.TSA +
			") is not for time-stamping: it lacks the timeStamping extended key usage"
	}
	switch ts.HashAlgorithm {
	case crypto.SHA256, crypto.SHA384, crypto.SHA512:
	default: // SHA-1 no longer binds a token to one manifest
		return info, ProblemTimestamp, fmt.Sprintf("the token is over a %v hash, which cancelpath does not accept", ts.HashAlgorithm)
	}
	h := ts.HashAlgorithm.New()
	h.Write(manifest)
	if got := h.Sum(nil); !bytes.Equal(got, ts.HashedMessage) {
		return info, ProblemTimestampMismatch, fmt.Sprintf(
			"the token (%s) is over %s %s, the manifest's is %s: a token of another manifest, or the manifest changed after timestamping",
			utcStamp(info.Time), ts.HashAlgorithm, hex.EncodeToString(ts.HashedMessage), hex.EncodeToString(got))
	}
	if roots != nil {
		inter := x509.NewCertPool()
		for _, c := range p7.Certificates {
			inter.AddCert(c)
		}
		// At genTime, not now: a token stays valid after its TSA's certificate expires.
		_, err := signer.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: ts.Time,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}})
		if err != nil {
			return info, ProblemTimestamp, "the TSA's certificate (" + info.TSA +
				") does not chain to a trusted TSA certificate (--tsa-cert) at " + utcStamp(info.Time) + ": " + err.Error()
		}
	}
	return info, "", ""
}
