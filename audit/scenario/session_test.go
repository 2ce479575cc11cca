package scenario

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadSession(t *testing.T) {
	s, err := LoadSession(filepath.Join("testdata", "session", "state.json"))
	require.NoError(t, err)
	assert.Equal(t, &Session{
		Cookies: []Cookie{{Name: "sid", Value: "s3cr3t-session", Domain: "example.test", Path: "/",
			Expires: -1, HTTPOnly: true, Secure: true, SameSite: "Lax"}},
		Origins: []Origin{{Origin: "https://example.test", LocalStorage: []NameValue{{Name: "token", Value: "abc"}}}},
	}, s)
}

func TestSessionErrors(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want wantErr
	}{
		{"empty", "", wantErr{0, "", "empty file"}},
		{"syntax", "{\n  \"cookies\": [\n    {\"name\": \"a\",}\n  ]\n}", wantErr{3, "", "invalid JSON: invalid character '}'"}},
		{"truncated", "{\"cookies\": [", wantErr{0, "", "the file ends in the middle of a value"}},
		{"wrong type", "{\"cookies\": {}}", wantErr{1, "cookies", "must be a list, got a JSON object"}},
		{"wrong field type", "{\"cookies\": [{\"name\": 1}]}", wantErr{1, "cookies.name", "must be a string, got a JSON number"}},
		{"trailing data", "{\"cookies\": []} []", wantErr{1, "", "unexpected data after the JSON object"}},
		{"nothing in it", "{\"cookies\": [], \"origins\": []}", wantErr{0, "", "no cookies and no origins"}},
		{"cookie without domain", `{"cookies": [{"name": "a", "value": "b"}]}`, wantErr{0, "cookies[0].domain", "missing"}},
		{"bad sameSite", `{"cookies": [{"name": "a", "domain": "d", "sameSite": "lax"}]}`, wantErr{0, "cookies[0].sameSite", "must be Strict, Lax or None"}},
		{"bad origin", `{"origins": [{"origin": "example.test"}]}`, wantErr{0, "origins[0].origin", "must be an origin"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseSession("state.json", []byte(c.src))
			require.Error(t, err)
			var list ErrorList
			require.ErrorAs(t, err, &list)
			assertErrors(t, list, []wantErr{c.want})
			assert.Equal(t, "state.json", list[0].File)
		})
	}
}

func TestSessionMustBeARegularFile(t *testing.T) {
	_, err := LoadSession("/dev/zero")
	assert.EqualError(t, err, "/dev/zero: is not a regular file")
	_, err = LoadSession("testdata")
	assert.EqualError(t, err, "testdata: is not a regular file")
}

func TestSessionExtraFieldsAreIgnored(t *testing.T) {
	// Newer Playwright versions add fields such as partitionKey and indexedDB.
	src := `{"cookies": [{"name": "a", "domain": "d", "partitionKey": "x"}],
	         "origins": [{"origin": "https://d", "localStorage": [], "indexedDB": []}]}`
	_, err := parseSession("state.json", []byte(src))
	require.NoError(t, err)
}
