// Package jsonesc makes encoded JSON safe to open in a terminal or an editor without changing its value.
package jsonesc

import (
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Escape rewrites, in encoded JSON, what Go's encoder leaves raw but a terminal or an editor acts
// on: the C1 control characters U+0080–U+009F (U+009B is an 8-bit CSI, the start of a terminal escape
// sequence) and DEL, Unicode format characters (bidi controls, zero-width characters) and line separators.
// Each becomes a \u escape, as the encoder already writes the C0 controls (U+0000–U+001F): the JSON stays
// equal in value, the site's text is kept exactly, and a person reading the file sees the escape instead of
// text that reorders itself or drives the terminal. Such characters can only occur inside JSON strings, so
// the rewrite cannot touch the structure.
func Escape(js []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(js); {
		r, size := utf8.DecodeRune(js[i:])
		if !needsJSONEscape(r) {
			i += size
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(js)+32)
		}
		out = append(out, js[last:i]...)
		if r > 0xffff {
			hi, lo := utf16.EncodeRune(r)
			out = appendU(appendU(out, hi), lo)
		} else {
			out = appendU(out, r)
		}
		i += size
		last = i
	}
	if out == nil {
		return js
	}
	return append(out, js[last:]...)
}

// needsJSONEscape: DEL, a C1 control, a format character or a line or paragraph separator.
func needsJSONEscape(r rune) bool {
	switch {
	case r == 0x7f || (r >= 0x80 && r <= 0x9f):
		return true
	case r < utf8.RuneSelf:
		return false
	}
	return unicode.Is(unicode.Cf, r) || r == 0x2028 || r == 0x2029
}

func appendU(b []byte, r rune) []byte {
	const hex = "0123456789abcdef"
	return append(b, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
}
