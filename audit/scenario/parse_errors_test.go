package scenario

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/yamlfile"
)

// wantErr is one expected problem: its line, field path and a part of its message.
type wantErr struct {
	line  int
	field string
	msg   string
}

// parseErrors parses src and returns its problems, failing the test when there are none or when one is
// not an *Error.
func parseErrors(t *testing.T, name string, src []byte, opts Options) ErrorList {
	t.Helper()
	s, err := Parse(name, src, opts)
	require.Error(t, err, "parsed without error: %+v", s)
	assert.Nil(t, s)
	var list ErrorList
	require.True(t, errors.As(err, &list), "error %T is not an ErrorList", err)
	for _, e := range list {
		var target *Error
		require.True(t, errors.As(error(e), &target))
		assert.Equal(t, name, e.File)
	}
	return list
}

func assertErrors(t *testing.T, list ErrorList, want []wantErr) {
	t.Helper()
	got := make([]wantErr, len(list))
	for i, e := range list {
		got[i] = wantErr{e.Line, e.Field, e.Msg}
	}
	require.Len(t, got, len(want), "problems:\n%v", list)
	for i, w := range want {
		assert.Equal(t, w.line, got[i].line, "problem %d line: %s", i, list[i])
		assert.Equal(t, w.field, got[i].field, "problem %d field: %s", i, list[i])
		assert.Contains(t, got[i].msg, w.msg, "problem %d message", i)
	}
}

// The base every case below varies; a valid scenario of 7 lines:
//
//	1 site: S
//	2 url: https://example.test/
//	3 jurisdictions: [cn]
//	4 cancel:
//	5   - click: 退订
//	6     control: true
//	7 done: 已关闭
const base = "site: S\nurl: https://example.test/\njurisdictions: [cn]\ncancel:\n  - click: 退订\n    control: true\ndone: 已关闭\n"

func TestBaseIsValid(t *testing.T) {
	_, err := Parse("base.yaml", []byte(base), Options{Env: env(nil)})
	require.NoError(t, err)
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name string
		src  string
		opts Options
		want []wantErr
	}{
		{"unknown top-level key", `site: S
url: https://example.test/
jurisdiction: [cn]
cancel:
  - click: 退订
    control: true
done: 已关闭
`, Options{}, []wantErr{
			{1, "jurisdictions", "missing: every scenario needs jurisdictions"},
			{3, "jurisdiction", `unknown key "jurisdiction" in a scenario: did you mean "jurisdictions"?`},
		}},
		{"unknown step key", strings.Replace(base, "    control", "    contol", 1), Options{}, []wantErr{
			{6, "cancel[0].contol", `did you mean "control"?`},
		}},
		{"unknown target key", strings.Replace(base, "click: 退订", "click: {css: '#x', nht: 1}", 1), Options{}, []wantErr{
			{5, "cancel[0].click.nht", `unknown key "nht" in a target: did you mean "nth"?`},
		}},
		{"unknown key far from any", base + "colour: red\n", Options{}, []wantErr{
			{8, "colour", "expected one of site, id, url"},
		}},
		{"string expected, list given", strings.Replace(base, "site: S", "site: [a, b]", 1), Options{}, []wantErr{
			{1, "site", "must be a string, got a list"},
		}},
		{"bool expected", base + "check_without_login: yes\n", Options{}, []wantErr{
			{8, "check_without_login", `must be true or false, got "yes"`},
		}},
		{"number expected", strings.Replace(base, "click: 退订", "click: {text: 退订, nth: first}", 1), Options{}, []wantErr{
			{5, "cancel[0].click.nth", `must be a whole number, got "first"`},
		}},
		{"bool where string expected", strings.Replace(base, "site: S", "site: true", 1), Options{}, []wantErr{
			{1, "site", "quote it if you mean the text"},
		}},
		{"null value", strings.Replace(base, "site: S", "site:", 1), Options{}, []wantErr{
			{1, "site", "is empty"},
		}},
		{"every required key missing", "devices: [mobile]\n", Options{}, []wantErr{
			{1, "cancel", "missing"},
			{1, "done", "missing"},
			{1, "jurisdictions", "missing"},
			{1, "site", "missing"},
			{1, "url", "missing"},
		}},
		{"unknown jurisdiction", strings.Replace(base, "[cn]", "[cn, us]", 1), Options{}, []wantErr{
			{3, "jurisdictions[1]", `unknown jurisdiction "us": did you mean "uk"?`},
		}},
		{"jurisdiction of no pack loaded", strings.Replace(base, "[cn]", "[fr]", 1), Options{}, []wantErr{
			{3, "jurisdictions[0]", `unknown jurisdiction "fr": expected one of cn, de, eu, uk, us-ca, us-ftc, us-ma, us-mn, us-ny`},
		}},
		{"jurisdictions of the packs loaded", strings.Replace(base, "[cn]", "[cn, fr]", 1),
			Options{Jurisdictions: []string{"fr", "us-ny"}}, []wantErr{
				{3, "jurisdictions[0]", `unknown jurisdiction "cn": expected one of fr, us-ny`},
			}},
		{"jurisdiction listed twice", strings.Replace(base, "[cn]", "[cn, cn]", 1), Options{}, []wantErr{
			{3, "jurisdictions[1]", "listed twice"},
		}},
		{"no jurisdictions", strings.Replace(base, "[cn]", "[]", 1), Options{}, []wantErr{
			{3, "jurisdictions", "must list at least one jurisdiction"},
		}},
		{"jurisdictions not a list", strings.Replace(base, "[cn]", "cn", 1), Options{}, []wantErr{
			{3, "jurisdictions", "must be a list, got a string (write [cn])"},
		}},
		{"unknown device", base + "devices: [desktop, tablet]\n", Options{}, []wantErr{
			{8, "devices[1]", `unknown device "tablet": expected one of desktop, mobile`},
		}},
		{"step without action", base + "login:\n  - name: just a name\n", Options{}, []wantErr{
			{9, "login[0]", "the step has no action: give one of goto, click"},
		}},
		{"step with two actions", strings.Replace(base, "    control: true", "    control: true\n    hover: 我的", 1), Options{}, []wantErr{
			{7, "cancel[0].hover", "a step has one action, and this one already has click (line 5)"},
		}},
		{"step is a string", base + "login:\n  - click 登录\n", Options{}, []wantErr{
			{9, "login[0]", "a step is a mapping such as `click: 退订`, got a string \"click 登录\""},
		}},
		{"fill without value", base + "login:\n  - fill: {css: '#u'}\n", Options{}, []wantErr{
			{9, "login[0].value", "fill needs value"},
		}},
		{"select without option", base + "login:\n  - select: {css: select}\n", Options{}, []wantErr{
			{9, "login[0].option", "select needs option"},
		}},
		{"empty option", base + "login:\n  - select: {css: select}\n    option: ''\n", Options{}, []wantErr{
			{10, "login[0].option", "must not be empty"},
		}},
		{"value on click", base + "login:\n  - click: 登录\n    value: x\n", Options{}, []wantErr{
			{10, "login[0].value", "value does not apply to click: only fill takes value"},
		}},
		{"wait without unit", base + "login:\n  - wait: 2\n", Options{}, []wantErr{
			{9, "login[0].wait", "duration 2 has no unit: write e.g. 2s or 2ms"},
		}},
		{"wait not a duration", base + "login:\n  - wait: soon\n", Options{}, []wantErr{
			{9, "login[0].wait", `"soon" is not a duration`},
		}},
		{"wait zero", base + "login:\n  - wait: 0s\n", Options{}, []wantErr{
			{9, "login[0].wait", "must be more than zero"},
		}},
		{"wait negative", base + "login:\n  - wait: -1s\n", Options{}, []wantErr{
			{9, "login[0].wait", "must be more than zero"},
		}},
		{"wait as long as the scenario", base + "login:\n  - wait: 90s\n", Options{}, []wantErr{
			{9, "login[0].wait", "is not shorter than the scenario timeout"},
		}},
		{"wait empty", base + "login:\n  - wait:\n", Options{}, []wantErr{
			{9, "login[0].wait", "is empty"},
		}},
		{"timeout on wait", base + "login:\n  - wait: 1s\n    timeout: 2s\n", Options{}, []wantErr{
			{10, "login[0].timeout", "timeout does not apply to wait"},
		}},
		{"bad timeouts", base + "timeouts: {step: fast}\n", Options{}, []wantErr{
			{8, "timeouts.step", `"fast" is not a duration`},
		}},
		{"step timeout above scenario", base + "timeouts: {step: 2m}\n", Options{}, []wantErr{
			{8, "timeouts.step", "step timeout 2m0s is longer than the scenario timeout 1m30s"},
		}},
		{"unknown timeouts key", base + "timeouts:\n  steps: 1s\n", Options{}, []wantErr{
			{9, "timeouts.steps", `did you mean "step"?`},
		}},
		{"unknown key name", base + "login:\n  - press: Entr\n", Options{}, []wantErr{
			{9, "login[0].press", `unknown key "Entr": did you mean Enter?`},
		}},
		{"key combination", base + "login:\n  - press: Control+a\n", Options{}, []wantErr{
			{9, "login[0].press", `unknown key "Control+a": expected one of Enter`},
		}},
		{"control outside cancel", base + "login:\n  - click: 登录\n    control: true\n", Options{}, []wantErr{
			{10, "login[0].control", "it belongs on a cancel step only"},
		}},
		{"control on hover", strings.Replace(base, "click: 退订", "hover: 退订", 1), Options{}, []wantErr{
			{6, "cancel[0].control", "control does not apply to hover: only click, check, uncheck, select take control"},
		}},
		{"control not a bool", strings.Replace(base, "control: true", "control: 1", 1), Options{}, []wantErr{
			{6, "cancel[0].control", "must be true or false"},
		}},
		{"optional control", strings.Replace(base, "control: true", "control: true\n    optional: true", 1), Options{}, []wantErr{
			{7, "cancel[0].optional", "the cancel control cannot be optional"},
		}},
		{"optional without target", base + "login:\n  - goto: /\n    optional: true\n", Options{}, []wantErr{
			{10, "login[0].optional", "only steps with a target can be optional"},
		}},
		{"absent outside expect", base + "effect:\n  - click: x\n    absent: true\n", Options{}, []wantErr{
			{10, "effect[0].absent", "only expect takes absent"},
		}},
		{"secret outside fill", base + "login:\n  - click: x\n    secret: true\n", Options{}, []wantErr{
			{10, "login[0].secret", "only fill takes secret"},
		}},
		{"name on screenshot", base + "effect:\n  - screenshot: end\n    name: x\n", Options{}, []wantErr{
			{10, "effect[0].name", "screenshot's argument is its name"},
		}},
		{"screenshot name with a slash", base + "effect:\n  - screenshot: ../end\n", Options{}, []wantErr{
			{9, "effect[0].screenshot", "must not contain / or \\"},
		}},
		{"no control step", strings.Replace(base, "    control: true\n", "", 1), Options{}, []wantErr{
			{5, "cancel", "no step has control: true"},
		}},
		{"two control steps", strings.Replace(base, "done:", "  - click: 确认\n    control: true\ndone:", 1), Options{}, []wantErr{
			{8, "cancel[1].control", "a second step has control: true (the first is at line 6)"},
		}},
		{"empty cancel", strings.Replace(base, "cancel:\n  - click: 退订\n    control: true\n", "cancel: []\n", 1), Options{}, []wantErr{
			{4, "cancel", "must list at least one step"},
		}},
		{"target without locator", strings.Replace(base, "click: 退订", "click: {nth: 1}", 1), Options{}, []wantErr{
			{5, "cancel[0].click", "the target has no locator"},
		}},
		{"target with two locators", strings.Replace(base, "click: 退订", "click:\n      css: '#x'\n      text: 退订", 1), Options{}, []wantErr{
			{7, "cancel[0].click.text", "a target has one locator, and this one already has css"},
		}},
		{"name without role", strings.Replace(base, "click: 退订", "click: {text: 退订, name: x}", 1), Options{}, []wantErr{
			{5, "cancel[0].click.name", "name goes with role"},
		}},
		{"name and name_regex", strings.Replace(base, "click: 退订", "click: {role: button, name: x, name_regex: y}", 1), Options{}, []wantErr{
			{5, "cancel[0].click.name_regex", "give name or name_regex, not both"},
		}},
		{"unknown role", strings.Replace(base, "click: 退订", "click: {role: buton}", 1), Options{}, []wantErr{
			{5, "cancel[0].click.role", `unknown ARIA role "buton": did you mean "button"?`},
		}},
		{"empty target text", strings.Replace(base, "click: 退订", "click: ''", 1), Options{}, []wantErr{
			{5, "cancel[0].click", "must not be empty"},
		}},
		{"missing target", strings.Replace(base, "click: 退订", "click:", 1), Options{}, []wantErr{
			{5, "cancel[0].click", "needs a target"},
		}},
		{"target is a list", strings.Replace(base, "click: 退订", "click: [a, b]", 1), Options{}, []wantErr{
			{5, "cancel[0].click", "a target is visible text or a mapping"},
		}},
		{"regex does not compile", strings.Replace(base, "click: 退订", "click: {text_regex: 'a('}", 1), Options{}, []wantErr{
			{5, "cancel[0].click.text_regex", "invalid regex: missing closing ): `a(`"},
		}},
		{"regex with lookahead", strings.Replace(base, "done: 已关闭", "done: {text_regex: 'a(?=b)'}", 1), Options{}, []wantErr{
			{7, "done.text_regex", "invalid regex"},
		}},
		{"regex Go-only", strings.Replace(base, "click: 退订", `click: {role: button, name_regex: '\A退订'}`, 1), Options{}, []wantErr{
			{5, "cancel[0].click.name_regex", `\A is Go-only regex syntax`},
		}},
		{"regex inline flag", strings.Replace(base, "done: 已关闭", "done: {url: '(?s)done'}", 1), Options{}, []wantErr{
			{7, "done.url", "only a leading (?i) is allowed"},
		}},
		{"css unbalanced", strings.Replace(base, "click: 退订", `click: {css: 'div[data-x="1"'}`, 1), Options{}, []wantErr{
			{5, "cancel[0].click.css", "unclosed [ at character 4"},
		}},
		{"css unclosed quote", strings.Replace(base, "click: 退订", `click: {css: 'a[title="x]'}`, 1), Options{}, []wantErr{
			{5, "cancel[0].click.css", `unclosed " at character 9`},
		}},
		{"css empty", strings.Replace(base, "click: 退订", `click: {css: ' '}`, 1), Options{}, []wantErr{
			{5, "cancel[0].click.css", "empty selector"},
		}},
		{"css dangling combinator", strings.Replace(base, "click: 退订", `click: {css: '.menu >'}`, 1), Options{}, []wantErr{
			{5, "cancel[0].click.css", `selector ends with '>'`},
		}},
		{"css with a Playwright prefix", strings.Replace(base, "click: 退订", `click: {css: 'css=.x'}`, 1), Options{}, []wantErr{
			{5, "cancel[0].click.css", "= at character 4 is outside [...]"},
		}},
		{"xpath unbalanced", strings.Replace(base, "click: 退订", `click: {xpath: "//a[@id='x'"}`, 1), Options{}, []wantErr{
			{5, "cancel[0].click.xpath", "unclosed [ at character 4"},
		}},
		{"xpath stray bracket", strings.Replace(base, "click: 退订", `click: {xpath: "//a)"}`, 1), Options{}, []wantErr{
			{5, "cancel[0].click.xpath", "unexpected ) at character 4"},
		}},
		{"negative nth", strings.Replace(base, "click: 退订", "click: {text: 退订, nth: -1}", 1), Options{}, []wantErr{
			{5, "cancel[0].click.nth", "must be 0 or more"},
		}},
		{"within too deep", strings.Replace(base, "click: 退订", "click: &t {css: a, within: *t}", 1), Options{}, []wantErr{
			{5, "cancel[0].click.within.within.within.within.within.within.within.within.within", "within is nested more than 8 deep"},
		}},
		{"url with javascript scheme", strings.Replace(base, "https://example.test/", "javascript:alert(1)", 1), Options{}, []wantErr{
			{2, "url", `URL scheme "javascript" is not allowed: use http or https`},
		}},
		{"url without scheme", strings.Replace(base, "https://example.test/", "example.test/x", 1), Options{}, []wantErr{
			{2, "url", "is not an absolute URL"},
		}},
		{"url host and port", strings.Replace(base, "https://example.test/", "localhost:8080/x", 1), Options{}, []wantErr{
			{2, "url", "did you mean http://localhost:8080/x?"},
		}},
		{"url without host", strings.Replace(base, "https://example.test/", "http:///x", 1), Options{}, []wantErr{
			{2, "url", "has no host"},
		}},
		{"goto file URL", base + "login:\n  - goto: file:///etc/passwd\n", Options{}, []wantErr{
			{9, "login[0].goto", `URL scheme "file" is not allowed`},
		}},
		{"goto data URL", base + "login:\n  - goto: 'data:text/html,<b>x</b>'\n", Options{}, []wantErr{
			{9, "login[0].goto", `URL scheme "data" is not allowed`},
		}},
		{"start javascript", base + "start: 'JavaScript:void(0)'\n", Options{}, []wantErr{
			{8, "start", `URL scheme "javascript" is not allowed`},
		}},
		{"allow_hosts with a URL", base + "allow_hosts: [https://pay.example.test/]\n", Options{}, []wantErr{
			{8, "allow_hosts[0]", "give the host only"},
		}},
		{"invalid id", base + "id: Xing Chen\n", Options{}, []wantErr{
			{8, "id", `"Xing Chen" is not a valid id`},
		}},
		{"unset variable", strings.Replace(base, "site: S", "site: ${SITE_NAME} at ${HOST}", 1), Options{Env: env(map[string]string{"HOST": "h"})}, []wantErr{
			{1, "site", "variable SITE_NAME is not set"},
		}},
		{"two unset variables", strings.Replace(base, "site: S", "site: ${A}${B}${A}", 1), Options{}, []wantErr{
			{1, "site", "variable A is not set"},
			{1, "site", "variable B is not set"},
		}},
		{"unterminated variable", strings.Replace(base, "site: S", "site: ${SITE", 1), Options{}, []wantErr{
			{1, "site", "unterminated ${"},
		}},
		{"bad variable name", strings.Replace(base, "site: S", "site: ${1X}", 1), Options{}, []wantErr{
			{1, "site", `invalid variable name "1X"`},
		}},
		{"duplicate key", base + "site: T\n", Options{}, []wantErr{
			{8, "site", "duplicate key (first at line 1)"},
		}},
		{"merge key", base + "subscribe:\n  <<: {steps: []}\n", Options{}, []wantErr{
			{9, "subscribe.<<", "merge keys (<<) are not supported"},
			{9, "subscribe.steps", "missing: subscribe needs steps"},
		}},
		{"root is a list", "- site: S\n", Options{}, []wantErr{
			{1, "", "a scenario is a mapping of keys such as site:, url: and cancel:, got a list"},
		}},
		{"done with url and text", strings.Replace(base, "done: 已关闭", "done: {url: x, text: y}", 1), Options{}, []wantErr{
			{7, "done.text", "done is either a target or {url: REGEX}: text cannot go with url"},
		}},
		{"subscribe without steps", base + "subscribe: {autorenew: '#a'}\n", Options{}, []wantErr{
			{8, "subscribe.steps", "missing: subscribe needs steps"},
		}},
		{"control in subscribe", base + "subscribe:\n  steps:\n    - click: 开通\n      control: true\n", Options{}, []wantErr{
			{11, "subscribe.steps[0].control", "it belongs on a cancel step only"},
		}},
		{"session and login", base + "session: session/state.json\nlogin:\n  - click: x\n", Options{}, []wantErr{
			{8, "session", "session and login are alternatives: keep one (line 9 has login)"},
		}},
		{"session file missing", base + "session: nowhere.json\n", Options{}, []wantErr{
			{8, "session", "cannot use the session file: testdata/nowhere.json: no such file or folder"},
		}},
		{"session file invalid", base + "session: session/bad-samesite.json\n", Options{}, []wantErr{
			{8, "session", "cookies[0].sameSite: must be Strict, Lax or None"},
		}},
		{"list where mapping expected", base + "timeouts: [1s]\n", Options{}, []wantErr{
			{8, "timeouts", "timeouts must be a mapping, got a list"},
		}},
		{"mapping key", base + "? [a, b]\n: c\n", Options{}, []wantErr{
			{8, "", "a key must be a plain name, got a list"},
		}},
		{"custom tag", strings.Replace(base, "site: S", "site: !secret S", 1), Options{}, []wantErr{
			{1, "site", "must be a string, got a value tagged !secret"},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.opts.Env == nil {
				c.opts.Env = env(nil)
			}
			list := parseErrors(t, "testdata/case.yaml", []byte(c.src), c.opts)
			assertErrors(t, list, c.want)
		})
	}
}

func TestErrorFormat(t *testing.T) {
	src := strings.Replace(base, "click: 退订", "click: {role: buton}", 1)
	_, err := Parse("dir/x.yaml", []byte(src), Options{Env: env(nil)})
	require.Error(t, err)
	assert.Equal(t, `dir/x.yaml:5:19: cancel[0].click.role: unknown ARIA role "buton": did you mean "button"?`, err.Error())
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "cancel[0].click.role", e.Field)

	assert.Equal(t, "f.yaml: empty file", (&Error{File: "f.yaml", Msg: "empty file"}).Error())
	assert.Equal(t, "f.yaml:3: site: x", (&Error{File: "f.yaml", Line: 3, Field: "site", Msg: "x"}).Error())
}

func TestErrorsSortedByLine(t *testing.T) {
	src := "done: x\nsite: [1]\nurl: ftp://x\njurisdictions: [xx]\ncancel: {}\nbogus: 1\n"
	list := parseErrors(t, "f.yaml", []byte(src), Options{Env: env(nil)})
	var lines []int
	for _, e := range list {
		lines = append(lines, e.Line)
	}
	assert.IsNonDecreasing(t, lines)
	assert.Equal(t, []int{2, 3, 4, 5, 6}, lines)
}

func TestTooManyErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString(base)
	for i := range 150 {
		b.WriteString("bogus" + strings.Repeat("x", i) + ": 1\n")
	}
	list := parseErrors(t, "f.yaml", []byte(b.String()), Options{Env: env(nil)})
	require.Len(t, list, yamlfile.MaxProblems)
	last := list[len(list)-1]
	assert.Equal(t, "too many errors: 51 more from here on are not shown", last.Msg)
	assert.Equal(t, 8+yamlfile.MaxProblems-1, last.Line)
}

// The jurisdictions a scenario may name are those of the rule packs loaded: the bundled ones by default (a
// state pack such as us-ny among them), or whatever Options.Jurisdictions lists (a user's fr pack).
func TestParseJurisdictionsFromThePacks(t *testing.T) {
	s, err := Parse("s.yaml", []byte(strings.Replace(base, "[cn]", "[us-ny, us-ftc]", 1)), Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{"us-ny", "us-ftc"}, s.Jurisdictions)

	s, err = Parse("s.yaml", []byte(strings.Replace(base, "[cn]", "[fr]", 1)),
		Options{Jurisdictions: append(DefaultJurisdictions(), "fr")})
	require.NoError(t, err)
	assert.Equal(t, []string{"fr"}, s.Jurisdictions)
}
