package run

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"github.com/cancelpath/cancelpath/audit/metrics"
)

// noteOrigin adds the response's origin to the run's origins: its IP and, the first time a secure
// response from it is seen, its TLS facts and (read by a worker) its certificate chain; t.mu is held.
func (t *traffic) noteOrigin(p *rod.Page, raw string, res *proto.NetworkResponse) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	name := t.masked(u.Scheme + "://" + u.Hostname() + ":" + port)
	o := t.origins[name]
	if o == nil {
		o = &metrics.Origin{Origin: name}
		t.origins[name] = o
		t.order = append(t.order, name)
	}
	o.Requests++
	if ip := res.RemoteIPAddress; ip != "" && !slices.Contains(o.IPs, ip) {
		o.IPs = append(o.IPs, ip)
	}
	sd := res.SecurityDetails
	if sd == nil || o.TLS != nil {
		return
	}
	o.TLS = &metrics.TLS{Protocol: sd.Protocol, KeyExchange: strings.TrimSpace(sd.KeyExchange + " " + sd.KeyExchangeGroup),
		Cipher: sd.Cipher, Subject: sd.SubjectName, Issuer: sd.Issuer, ValidFrom: sd.ValidFrom.Time().UTC(),
		ValidTo: sd.ValidTo.Time().UTC(), SANs: slices.Clone(sd.SanList)}
	if sd.Mac != "" {
		o.TLS.Cipher += " " + sd.Mac
	}
	if t.certs[name] {
		return
	}
	t.certs[name] = true
	tls := o.TLS
	origin := u.Scheme + "://" + u.Host
	if !t.enqueue(func(ctx context.Context) { t.readChain(ctx, p, origin, tls) }) {
		tls.Note = "certificate chain not read: too many reads were waiting"
	}
}

// readChain reads the origin's certificate chain as the browser validated it.
func (t *traffic) readChain(ctx context.Context, p *rod.Page, origin string, tls *metrics.TLS) {
	ctx, cancel := context.WithTimeout(ctx, bodyTimeout)
	defer cancel()
	res, err := proto.NetworkGetCertificate{Origin: origin}.Call(p.Context(ctx))
	var chain []metrics.Certificate
	var ders [][]byte
	total := 0
	if err == nil {
		for _, name := range res.TableNames {
			der, derr := base64.StdEncoding.DecodeString(name)
			if derr != nil {
				err = fmt.Errorf("certificate not in base64: %w", derr)
				break
			}
			sum := sha256.Sum256(der)
			chain = append(chain, metrics.Certificate{SHA256: hex.EncodeToString(sum[:])})
			ders = append(ders, der)
			total += len(der)
		}
	}
	if err == nil && total <= maxChainPEM {
		for i, der := range ders {
			chain[i].PEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case err != nil:
		tls.Note = "certificate chain not read: " + err.Error()
	case len(chain) == 0:
		tls.Note = "the browser gave no certificate chain"
	default:
		tls.Chain = chain
		if total > maxChainPEM {
			tls.Note = fmt.Sprintf("chain kept as fingerprints only: its %d bytes are over %d", total, maxChainPEM)
		}
	}
}
