package scenario

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/cancelpath/cancelpath/audit/yamlfile"
)

// checkURL accepts an absolute http or https URL, or one with a scheme listed in allow. With relative set,
// a URL without a scheme (a path such as /login) is fine too: it resolves against the scenario's url.
func checkURL(s string, relative bool, allow []string) error {
	if s == "" {
		return errors.New("empty URL")
	}
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("not a valid URL: %w", err)
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme == "":
		if relative {
			return nil
		}
		return fmt.Errorf("%s is not an absolute URL: it needs http:// or https://", yamlfile.Quote(s))
	case scheme == "http" || scheme == "https":
		if u.Host == "" {
			return fmt.Errorf("%s has no host", yamlfile.Quote(s))
		}
		return nil
	case slices.Contains(allow, scheme):
		return nil
	}
	hint := "use http or https"
	if u.Opaque != "" && u.Opaque[0] >= '0' && u.Opaque[0] <= '9' {
		hint = "did you mean http://" + s + "?" // host:port without a scheme parses as scheme "host"
	}
	return fmt.Errorf("URL scheme %q is not allowed: %s", scheme, hint)
}

// checkHost accepts a host name or address with an optional port, and nothing else.
func checkHost(h string) error {
	if h == "" {
		return errors.New("empty host")
	}
	u, err := url.Parse("//" + h)
	if err != nil || u.Host != h || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%s is not a host name: give the host only, e.g. pay.example.com", yamlfile.Quote(h))
	}
	return nil
}

var idPattern = regexp.MustCompile(`^[a-z0-9_-]{1,64}$`)

// checkID accepts ids usable as file names and in URLs everywhere.
func checkID(id string) error {
	if !idPattern.MatchString(id) {
		return fmt.Errorf("%s is not a valid id: use 1 to 64 of a-z, 0-9, _ and -", yamlfile.Quote(id))
	}
	return nil
}

// checkRegex accepts regexes in the common subset of Go's RE2 and JavaScript's u mode: the loader and the
// runner compile URL regexes with Go, the browser compiles target regexes as new RegExp(src, "u"). A
// leading (?i) is the only flag; it becomes JavaScript's i flag (see JSRegex).
func checkRegex(re string) error {
	if re == "" {
		return errors.New("empty regex")
	}
	if _, err := regexp.Compile(re); err != nil {
		return fmt.Errorf("invalid regex: %s", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	body := strings.TrimPrefix(re, "(?i)")
	inClass := false
	afterAssertion := false // the previous token was ^, $, \b or \B, which JavaScript cannot repeat
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !inClass && afterAssertion && (c == '*' || c == '+' || c == '?' || c == '{') {
			return errors.New(`a repeat right after ^, $, \b or \B is an error in JavaScript`)
		}
		afterAssertion = false
		switch {
		case c == '\\':
			if i+1 == len(body) {
				continue // Go has already refused a trailing backslash
			}
			n, err := checkEscape(body[i+1:], inClass)
			if err != nil {
				return err
			}
			afterAssertion = !inClass && (body[i+1] == 'b' || body[i+1] == 'B')
			i += n
		case inClass:
			if c == ']' {
				inClass = false
			} else if c == '[' && posixClass.MatchString(body[i:]) {
				return errors.New("POSIX classes such as [:alpha:] are Go-only regex syntax: list the characters")
			}
		case c == '^' || c == '$':
			afterAssertion = true
		case c == '[':
			inClass = true
			if strings.HasPrefix(body[i+1:], "^") {
				i++
			}
			if strings.HasPrefix(body[i+1:], "]") {
				return errors.New(`a ] right after [ is a literal in Go but closes the class in JavaScript: write \]`)
			}
		case c == ']', c == '}':
			return fmt.Errorf(`a lone %c is an error in JavaScript: write \%c`, c, c)
		case c == '{':
			q := quantifier.FindString(body[i:])
			if q == "" {
				return errors.New(`a { that does not start a repeat such as {2} or {1,3} is an error in JavaScript: write \{`)
			}
			i += len(q) - 1
		case c == '(':
			rest := body[i+1:]
			if !strings.HasPrefix(rest, "?") || strings.HasPrefix(rest, "?:") || strings.HasPrefix(rest, "?<") {
				continue
			}
			if strings.HasPrefix(rest, "?P<") {
				return errors.New("(?P<name>...) is Go-only regex syntax: write (?<name>...)")
			}
			return errors.New("inline flags such as (?s) are Go-only regex syntax: only a leading (?i) is allowed")
		}
	}
	return nil
}

var (
	posixClass = regexp.MustCompile(`^\[:\^?[a-z]+:\]`)
	quantifier = regexp.MustCompile(`^\{[0-9]+(,[0-9]*)?\}`)
	// propertyEscape is \p{X} or \P{X} with a Unicode general category, which both Go and JavaScript know.
	propertyEscape = regexp.MustCompile(`^[pP]\{(L[ultmo]?|M[nce]?|N[dlo]?|P[cdseifo]?|S[mcko]?|Z[slp]?|C[cfso]?)\}`)
)

// checkEscape checks the escape after a backslash (esc starts with the escaped character) and returns the
// number of bytes it takes after the backslash.
func checkEscape(esc string, inClass bool) (int, error) {
	c := esc[0]
	switch {
	case strings.IndexByte("dDwWsSbBnrtfv", c) >= 0:
		return 1, nil
	case c == 'x':
		if strings.HasPrefix(esc, "x{") {
			return 0, errors.New(`\x{...} is Go-only regex syntax: write the character itself, or \xHH below 0x100`)
		}
		return 1, nil
	case c == 'p' || c == 'P':
		if m := propertyEscape.FindString(esc); m != "" {
			return len(m), nil
		}
		return 0, fmt.Errorf(`\%c works in both Go and JavaScript only as \%c{L} with a general category (L, Lu, N, P …); scripts such as Han differ: write a range of characters`, c, c)
	case c == '0':
		if len(esc) > 1 && esc[1] >= '0' && esc[1] <= '9' {
			return 0, errors.New(`octal escapes such as \01 are an error in JavaScript: write \xHH`)
		}
		return 1, nil
	case strings.IndexByte(`^$\.*+?()[]{}|/`, c) >= 0, c == '-' && inClass:
		return 1, nil
	case c < utf8.RuneSelf && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9'):
		return 0, fmt.Errorf(`\%c is an error in JavaScript: write %c without the backslash`, c, c)
	}
	return 0, fmt.Errorf(`\%c is Go-only regex syntax that JavaScript does not understand`, c)
}

// JSRegex turns a regex accepted by the loader into the source and flags of a JavaScript RegExp.
func JSRegex(re string) (source, flags string) {
	if rest, ok := strings.CutPrefix(re, "(?i)"); ok {
		return rest, "i"
	}
	return re, ""
}

// checkCSS is a cheap syntax check of a CSS selector: not empty, quotes closed, brackets balanced, no
// braces, "=" only inside [...], no dangling combinator. The browser reports anything subtler at run time.
func checkCSS(sel string) error {
	if strings.TrimSpace(sel) == "" {
		return errors.New("empty selector")
	}
	var open []int // byte offsets of unclosed ( and [
	inBracket := 0
	for i := 0; i < len(sel); i++ {
		switch c := sel[i]; c {
		case '\\':
			i++
		case '"', '\'':
			end := closingQuote(sel, i, true)
			if end < 0 {
				return fmt.Errorf("unclosed %c at character %d", c, charAt(sel, i))
			}
			i = end
		case '(', '[':
			open = append(open, i)
			if c == '[' {
				inBracket++
			}
		case ')', ']':
			want := byte('(')
			if c == ']' {
				want = '['
			}
			if len(open) == 0 || sel[open[len(open)-1]] != want {
				return fmt.Errorf("unexpected %c at character %d", c, charAt(sel, i))
			}
			open = open[:len(open)-1]
			if c == ']' {
				inBracket--
			}
		case '{', '}':
			return fmt.Errorf("%c at character %d cannot appear in a selector", c, charAt(sel, i))
		case '=':
			if inBracket == 0 {
				return fmt.Errorf(`= at character %d is outside [...]: attribute tests look like [name="x"]`, charAt(sel, i))
			}
		}
	}
	if len(open) > 0 {
		i := open[len(open)-1]
		return fmt.Errorf("unclosed %c at character %d", sel[i], charAt(sel, i))
	}
	trimmed := strings.TrimSpace(sel)
	if last := trimmed[len(trimmed)-1]; strings.IndexByte(">+~,", last) >= 0 &&
		!(len(trimmed) > 1 && trimmed[len(trimmed)-2] == '\\') {
		return fmt.Errorf("selector ends with %q: it needs something after it", last)
	}
	if trimmed[0] == ',' {
		return errors.New(`selector starts with ","`)
	}
	return nil
}

// checkXPath is a cheap syntax check of an XPath expression: not empty, quotes closed, brackets balanced.
func checkXPath(expr string) error {
	if strings.TrimSpace(expr) == "" {
		return errors.New("empty XPath")
	}
	var open []int
	for i := 0; i < len(expr); i++ {
		switch c := expr[i]; c {
		case '"', '\'':
			end := closingQuote(expr, i, false)
			if end < 0 {
				return fmt.Errorf("unclosed %c at character %d", c, charAt(expr, i))
			}
			i = end
		case '(', '[':
			open = append(open, i)
		case ')', ']':
			want := byte('(')
			if c == ']' {
				want = '['
			}
			if len(open) == 0 || expr[open[len(open)-1]] != want {
				return fmt.Errorf("unexpected %c at character %d", c, charAt(expr, i))
			}
			open = open[:len(open)-1]
		}
	}
	if len(open) > 0 {
		i := open[len(open)-1]
		return fmt.Errorf("unclosed %c at character %d", expr[i], charAt(expr, i))
	}
	return nil
}

// closingQuote returns the offset of the quote closing the one at start, or -1. CSS strings use
// backslash escapes; XPath 1.0 strings have none.
func closingQuote(s string, start int, escapes bool) int {
	for i := start + 1; i < len(s); i++ {
		switch {
		case escapes && s[i] == '\\':
			i++
		case s[i] == s[start]:
			return i
		}
	}
	return -1
}

// charAt is the 1-based character (rune) position of byte offset i, for messages.
func charAt(s string, i int) int {
	return utf8.RuneCountInString(s[:i]) + 1
}
