package scenario

import (
	"fmt"
	"strings"
)

// expansion is a string value after ${VAR} substitution.
type expansion struct {
	value  string
	used   []string // values of the variables referenced
	secret []string // values of the referenced variables whose names say credential (see credentialName)
	unset  []string // names of the variables that were not set
	broken string   // syntax problem (unterminated ${, bad name), empty when the syntax is fine
}

// expand replaces ${NAME} with the variable's value and $$ with a single $. A $ followed by anything
// else stays as it is, so regex anchors such as `^\d+$` need no escaping. Unset variables expand to ""
// and are listed in unset; the caller decides whether that is an error.
func expand(s string, lookup func(string) (string, bool)) expansion {
	if !strings.Contains(s, "$") {
		return expansion{value: s}
	}
	var x expansion
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '$' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				x.broken = "unterminated ${: close it with } (write $$ for a literal $)"
				return x
			}
			name := s[i+2 : i+2+end]
			if !validVarName(name) {
				x.broken = fmt.Sprintf("invalid variable name %q in ${...}: use letters, digits and _ (write $$ for a literal $)", name)
				return x
			}
			if v, ok := lookup(name); ok {
				b.WriteString(v)
				x.used = append(x.used, v)
				if credentialName(name) {
					x.secret = append(x.secret, v)
				}
			} else {
				x.unset = append(x.unset, name)
			}
			i += 2 + end
		default:
			b.WriteByte(c)
		}
	}
	x.value = b.String()
	return x
}

// validVarName accepts the names a shell accepts: a letter or _, then letters, digits or _.
func validVarName(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// credentialWords mark a variable as a credential by its name: its value is masked wherever it appears,
// not only where it is typed (a token in a goto URL, say). Other variables (a base URL) stay readable.
var credentialWords = []string{"PASS", "PWD", "SECRET", "TOKEN", "KEY", "AUTH", "COOKIE", "SESSION", "OTP",
	"PIN", "CODE", "USER", "LOGIN", "EMAIL", "MAIL", "PHONE", "MOBILE", "ACCOUNT", "CARD", "ID_NO", "IDNO"}

func credentialName(name string) bool {
	up := strings.ToUpper(name)
	for _, w := range credentialWords {
		if strings.Contains(up, w) {
			return true
		}
	}
	return false
}
