package scenario

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExpand(t *testing.T) {
	lookup := env(map[string]string{"A": "alpha", "EMPTY": "", "URL": "http://h:1"})
	cases := []struct {
		in, want string
		used     []string
		unset    []string
		broken   string
	}{
		{in: "plain", want: "plain"},
		{in: "${A}", want: "alpha", used: []string{"alpha"}},
		{in: "x${A}y${A}", want: "xalphayalpha", used: []string{"alpha", "alpha"}},
		{in: "${URL}/path", want: "http://h:1/path", used: []string{"http://h:1"}},
		{in: "$${A}", want: "${A}"},
		{in: "cost $$5", want: "cost $5"},
		{in: `^\d+$`, want: `^\d+$`},
		{in: "a$b", want: "a$b"},
		{in: "${EMPTY}", want: "", used: []string{""}},
		{in: "${NOPE}-${A}", want: "-alpha", used: []string{"alpha"}, unset: []string{"NOPE"}},
		{in: "${A", broken: "unterminated ${"},
		{in: "${}", broken: `invalid variable name ""`},
		{in: "${A-B}", broken: `invalid variable name "A-B"`},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			x := expand(c.in, lookup)
			if c.broken != "" {
				assert.Contains(t, x.broken, c.broken)
				return
			}
			assert.Empty(t, x.broken)
			assert.Equal(t, c.want, x.value)
			assert.Equal(t, c.used, x.used)
			assert.Equal(t, c.unset, x.unset)
		})
	}
}

func TestSecretsAndMask(t *testing.T) {
	src := strings.Replace(base, "cancel:", `login:
  - fill: {css: "#u"}
    value: ${USER}
  - fill: {css: "#p"}
    value: typed-in-pass
    secret: true
  - fill: {css: "#code"}
    value: not-secret
  - fill: {css: "#empty"}
    value: ""
    secret: true
cancel:`, 1)
	src = strings.Replace(src, "https://example.test/", "${BASE}/shop/", 1)
	s, err := Parse("s.yaml", []byte(src), Options{Env: env(map[string]string{
		"USER": "alice", "BASE": "https://alice.example.test", "UNUSED": "never-referenced",
	})})
	require.NoError(t, err)
	assert.Equal(t, []string{"typed-in-pass", "alice"}, s.Secrets,
		"credential values (typed from a variable, marked secret, or named like one), longest first; a base URL, "+
			"literal typed text, empty and unreferenced values are not secrets")
	assert.Equal(t, "https://alice.example.test/shop/", s.URL)

	assert.Equal(t, "open https://***.example.test/shop/ as *** with ***; not-secret stays",
		s.Mask("open https://alice.example.test/shop/ as alice with typed-in-pass; not-secret stays"),
		"the base URL stays readable, but the user name inside it is still masked")
	assert.Equal(t, "", s.Mask(""))

	var none *Scenario
	assert.Equal(t, "alice", none.Mask("alice"))
	assert.Equal(t, "x", (&Scenario{Secrets: []string{""}}).Mask("x"), "an empty secret masks nothing")
}

func TestErrorMessagesNeverShowSecrets(t *testing.T) {
	src := strings.Replace(base, "https://example.test/", "${PASSWORD}", 1)
	_, err := Parse("s.yaml", []byte(src), Options{Env: env(map[string]string{"PASSWORD": "hunter2"})})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2")
	assert.Contains(t, err.Error(), `s.yaml:2:6: url: "***" is not an absolute URL`)

	// Only messages about a value built from variables are masked: a short variable value garbles that
	// message (FORMAT.md warns about short values) but not the others.
	src = strings.Replace(base, "site: S", "site: ${TOKEN}", 1) + "devices: [\"${TOKEN}\"]\nbogus: 1\n"
	_, err = Parse("s.yaml", []byte(src), Options{Env: env(map[string]string{"TOKEN": "e"})})
	require.Error(t, err)
	assert.Equal(t, `s.yaml:8:11: devices[0]: unknown d***vic*** "***": ***xp***ct***d on*** of d***sktop, mobil***`+"\n"+
		`s.yaml:9:1: bogus: unknown key "bogus" in a scenario: expected one of site, id, url, jurisdictions, devices, `+
		`allow_hosts, timeouts, login, session, start, check_without_login, before_cancel, cancel, done, dead_end, effect, subscribe, mask_fields`, err.Error())
}

func TestAllowMissingEnv(t *testing.T) {
	src := strings.Replace(base, "https://example.test/", "${BASE}/shop/", 1)
	src = strings.Replace(src, "cancel:", "timeouts: {step: '${STEP}'}\nlogin:\n  - goto: ${LOGIN_URL}\n  - fill: '#p'\n    value: ${PASS}\n    secret: true\ncancel:", 1)
	lookup := env(map[string]string{"PASS": ""})

	_, err := Parse("s.yaml", []byte(src), Options{Env: lookup})
	require.Error(t, err)
	list := parseErrors(t, "s.yaml", []byte(src), Options{Env: lookup})
	assertErrors(t, list, []wantErr{
		{2, "url", "variable BASE is not set"},
		{4, "timeouts.step", "variable STEP is not set"},
		{6, "login[0].goto", "variable LOGIN_URL is not set"},
	})

	s, err := Parse("s.yaml", []byte(src), Options{Env: lookup, AllowMissingEnv: true})
	require.NoError(t, err)
	assert.Equal(t, "/shop/", s.URL, "unset variables expand to nothing; the URL check is skipped")
	assert.Equal(t, DefaultStepTimeout, s.Timeouts.Step)
	assert.Equal(t, "", s.Login[0].URL)
	assert.Empty(t, s.Secrets)

	// Problems that do not depend on the missing values are still reported.
	bad := strings.Replace(src, "[cn]", "[xx]", 1)
	list = parseErrors(t, "s.yaml", []byte(bad), Options{Env: lookup, AllowMissingEnv: true})
	assertErrors(t, list, []wantErr{{3, "jurisdictions[0]", `unknown jurisdiction "xx"`}})
}

func TestEnvDefaultsToProcessEnvironment(t *testing.T) {
	t.Setenv("CANCELPATH_TEST_SITE", "from the environment")
	src := strings.Replace(base, "site: S", "site: ${CANCELPATH_TEST_SITE}", 1)
	s, err := Parse("s.yaml", []byte(src), Options{})
	require.NoError(t, err)
	assert.Equal(t, "from the environment", s.Site)
}

func TestWhichVariablesAreSecrets(t *testing.T) {
	src := strings.Replace(base, "https://example.test/", "${BASE}/shop/?k=${API_KEY}", 1)
	src = strings.Replace(src, "cancel:", "login:\n  - fill: '#u'\n    value: ${ALIAS}\n  - fill: '#q'\n    value: 手机\ncancel:", 1)
	s, err := Parse("s.yaml", []byte(src), Options{Env: env(map[string]string{
		"BASE": "http://127.0.0.1:9", "API_KEY": "k-123", "ALIAS": "zhang"})})
	require.NoError(t, err)
	// A base URL stays readable in reports; a credential-named variable is masked everywhere; a value typed
	// into a field from a variable is masked whatever its name; literal text typed is not a secret.
	assert.ElementsMatch(t, []string{"k-123", "zhang"}, s.Secrets)
}
