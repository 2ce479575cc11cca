package tsa

import (
	"crypto"
	"crypto/sha1" //nolint:gosec // a SHA-1 query, to see it refused
	"crypto/sha256"
	"math/big"
	"testing"
	"time"

	"github.com/digitorus/timestamp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRespond(t *testing.T) {
	a, err := New()
	require.NoError(t, err)
	a.Now = func() time.Time { return time.Date(2026, 3, 1, 8, 0, 15, 500e6, time.FixedZone("CST", 8*3600)) }
	sum256 := sha256.Sum256([]byte("manifest"))
	sum1 := sha1.Sum([]byte("manifest")) //nolint:gosec // see above
	query := func(h crypto.Hash, digest []byte) []byte {
		q, err := (&timestamp.Request{HashAlgorithm: h, HashedMessage: digest, Nonce: big.NewInt(42), Certificates: true}).Marshal()
		require.NoError(t, err)
		return q
	}
	for _, tc := range []struct {
		name  string
		query []byte
		want  string // "" granted, else in ParseResponse's error
	}{
		{name: "SHA-256", query: query(crypto.SHA256, sum256[:])},
		{name: "SHA-1 refused", query: query(crypto.SHA1, sum1[:]), want: "rejected"},
		{name: "a digest of the wrong length", query: query(crypto.SHA256, sum256[:8]), want: "rejected"},
		{name: "not a query", query: []byte("hello"), want: "rejected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := a.Respond(tc.query)
			require.NoError(t, err)
			ts, err := timestamp.ParseResponse(resp)
			if tc.want != "" {
				assert.ErrorContains(t, err, tc.want)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, sum256[:], ts.HashedMessage)
			assert.Equal(t, int64(42), ts.Nonce.Int64())
			assert.Equal(t, time.Date(2026, 3, 1, 0, 0, 15, 0, time.UTC), ts.Time.UTC(), "UTC, to the second")
			assert.Equal(t, Policy, ts.Policy)
			require.Len(t, ts.Certificates, 1, "certReq: the certificate is in the token")
			assert.Equal(t, a.Certificate().Raw, ts.Certificates[0].Raw)
		})
	}
}
