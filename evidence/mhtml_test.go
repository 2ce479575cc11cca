package evidence

import (
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/evidence/evidencetest"
)

// testdata/snapshot.mhtml is a Blink snapshot cut down by hand: the secret "alice.w@example.test" is split
// by a soft line break, encoded in the Subject, URL-escaped in a link, inside a base64 text part, and an
// image part carries bytes that must come through untouched.
func TestScrubMHTML(t *testing.T) {
	data, err := os.ReadFile("testdata/snapshot.mhtml")
	require.NoError(t, err)
	const secret = "alice.w@example.test"
	// As the engine masks a scenario's secrets: as written and URL-escaped.
	mask := func(s string) string {
		for _, v := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret)} {
			s = strings.ReplaceAll(s, v, "***")
		}
		return s
	}
	for i, text := range mhtmlTexts(t, data)[:3] {
		require.Contains(t, text, "alice.w", "fixture text %d carries the secret", i)
	}
	require.NotContains(t, string(data), "alice.w@example.test", "fixture: no part has it whole and plain")
	out, err := ScrubMHTML(data, mask)
	require.NoError(t, err)

	texts := mhtmlTexts(t, out)
	require.Len(t, texts, 1+3, "the headers and three parts")
	for _, text := range append(texts, string(out)) {
		assert.NotContains(t, text, "alice.w@example.test")
		assert.NotContains(t, text, "alice.w%40example.test")
	}
	assert.Contains(t, texts[1], "你好，***")
	assert.Contains(t, texts[2], "content: '***'", "the base64 text part was decoded, masked and encoded again")
	assert.Contains(t, string(out), "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
		"binary parts are copied as they were")

	again, err := ScrubMHTML(out, mask)
	require.NoError(t, err, "the result is still MHTML")
	assert.Equal(t, texts, mhtmlTexts(t, again), "masking twice changes nothing")

	_, err = ScrubMHTML([]byte("not a snapshot"), mask)
	assert.Error(t, err, "what cannot be parsed is not passed through")
}

// mhtmlTexts decodes a snapshot the way a reader would see it (evidencetest.MHTMLTexts).
func mhtmlTexts(t *testing.T, data []byte) []string {
	t.Helper()
	texts, err := evidencetest.MHTMLTexts(data)
	require.NoError(t, err)
	return texts
}
