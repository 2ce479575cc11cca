package scenario

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The cheap syntax checks must never refuse a valid selector or regex: the browser is the judge of the
// rest. These lists are the valid forms they must let through.
func TestChecksAcceptValidInput(t *testing.T) {
	for _, sel := range []string{
		"#id", ".a.b", "*", "a, b", "div > .x + .y ~ p", "li:nth-child(2n+1)", `a[href^="https://"]`,
		"input[type=checkbox]:checked", `#a\:b`, `[data-x='a]b']`, `[data-json="{x}"]`, ":is(.a, .b)",
		":has(> img)", "button:not([disabled])", `[title="say \"hi\""]`, "退订按钮", `a\,`,
	} {
		assert.NoError(t, checkCSS(sel), sel)
	}
	for _, xp := range []string{
		"//a", `//a[contains(., "退订")]`, "(//button)[2]", `//*[@id='x' and text()="it's"]`, "/html/body",
	} {
		assert.NoError(t, checkXPath(xp), xp)
	}
	for _, re := range []string{
		"^退订$", "(?i)cancel", "(?:a|b)", "(?<name>x)", `\d+\s*元`, "[a-z]+", `\$5`, `a\.b`, `[\[\]]`,
		`\p{L}+`, `\P{Lu}`, `[\p{N}\-]`, `a{2}`, `a{2,}`, `x{1,3}?`, `\{\}`, `\/`, `\x41`, `\0`, `[^\]]`, `[一-龥]`,
	} {
		assert.NoError(t, checkRegex(re), re)
	}
	for _, u := range []string{"login", "/login", "?x=1", "#frag", "//cdn.example/x", "https://a.test/x?y=1"} {
		assert.NoError(t, checkURL(u, true, nil), u)
	}
	assert.NoError(t, checkURL("file:///tmp/x.html", false, []string{"file"}))
	for _, h := range []string{"pay.example.test", "127.0.0.1:8080", "[::1]:80", "localhost"} {
		assert.NoError(t, checkHost(h), h)
	}
}

func TestChecksRefuseInvalidInput(t *testing.T) {
	for sel, msg := range map[string]string{
		"":        "empty selector",
		"a)":      "unexpected ) at character 2",
		"a[x=1)":  "unexpected ) at character 6",
		"a {":     "{ at character 3 cannot appear",
		`a[x="1]`: `unclosed " at character 5`,
		":not(.a": "unclosed ( at character 5",
		"a,":      `selector ends with ','`,
		", a":     `selector starts with ","`,
		"text=退订": "= at character 5 is outside [...]",
	} {
		if err := checkCSS(sel); assert.Error(t, err, sel) {
			assert.Contains(t, err.Error(), msg, sel)
		}
	}
	for xp, msg := range map[string]string{
		" ":          "empty XPath",
		"//a[1":      "unclosed [ at character 4",
		`//a[@x="1]`: `unclosed " at character 8`,
		"//a]":       "unexpected ] at character 4",
	} {
		if err := checkXPath(xp); assert.Error(t, err, xp) {
			assert.Contains(t, err.Error(), msg, xp)
		}
	}
	for re, msg := range map[string]string{
		"":            "empty regex",
		"a(":          "missing closing )",
		`\1`:          "invalid escape sequence",
		`\pL`:         `\p works in both Go and JavaScript only as \p{L}`,
		`\p{Han}`:     "scripts such as Han differ",
		`\-`:          `\- is an error in JavaScript: write - without the backslash`,
		`\,`:          `\, is an error in JavaScript`,
		`\a`:          `\a is Go-only`,
		`\01`:         "octal escapes",
		"a{":          `write \{`,
		"a{,2}":       `write \{`,
		"a}":          `a lone } is an error in JavaScript`,
		"a]":          `a lone ] is an error in JavaScript`,
		"[]a]":        "a ] right after [",
		"[^]a]":       "a ] right after [",
		`\z`:          `\z is Go-only`,
		`[[:alpha:]]`: "POSIX classes",
		"(?P<n>x)":    "write (?<name>...)",
		"a(?i)b":      "only a leading (?i) is allowed",
		`\x{4E00}`:    `\x{...} is Go-only`,
	} {
		if err := checkRegex(re); assert.Error(t, err, re) {
			assert.Contains(t, err.Error(), msg, re)
		}
	}
	for h, msg := range map[string]string{
		"":                  "empty host",
		"https://pay.test":  "give the host only",
		"pay.test/checkout": "give the host only",
		"user@pay.test":     "give the host only",
	} {
		if err := checkHost(h); assert.Error(t, err, h) {
			assert.Contains(t, err.Error(), msg, h)
		}
	}
}
