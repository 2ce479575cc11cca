package metrics

import "time"

// Origin is one scheme://host:port the run's pages talked to on the cancel path (after the login), with
// what the browser said of the server: the IP addresses it connected to and, for https, the TLS
// connection and the certificate chain. It tells a reader which server answered, so the web archive of the
// run can be tied to the site and not to a look-alike. Only what the browser reported is written: a field
// it did not report stays empty.
type Origin struct {
	Origin string `json:"origin"` // scheme://host:port as the browser wrote it, e.g. "https://shop.example:443"
	// IPs are the remote addresses of its responses, in the order first seen (a cache hit reports none).
	IPs []string `json:"ips,omitempty"`
	// Requests is how many of the recorded responses came from it.
	Requests int  `json:"requests"`
	TLS      *TLS `json:"tls,omitempty"`
}

// TLS is the connection and server certificate of an https origin, as Chromium reported them for its first
// secure response (Network.Response.securityDetails), and the chain it validated (Network.getCertificate).
type TLS struct {
	Protocol    string    `json:"protocol"` // "TLS 1.3"
	KeyExchange string    `json:"key_exchange,omitempty"`
	Cipher      string    `json:"cipher"`
	Subject     string    `json:"subject"`
	Issuer      string    `json:"issuer"`
	ValidFrom   time.Time `json:"valid_from"`
	ValidTo     time.Time `json:"valid_to"`
	SANs        []string  `json:"sans,omitempty"`
	// Chain is the certificate chain, leaf first. Empty when the browser did not give it (the note says why).
	Chain []Certificate `json:"chain,omitempty"`
	Note  string        `json:"note,omitempty"`
}

// Certificate is one certificate of a chain: its SHA-256 fingerprint over the DER bytes (lowercase hex),
// and the certificate itself in PEM when the chain is small enough to keep (see the capture's limit).
type Certificate struct {
	SHA256 string `json:"sha256"`
	PEM    string `json:"pem,omitempty"`
}
