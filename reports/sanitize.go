package reports

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

// Clean makes a site-provided string safe to show on one line of a terminal, a table cell or a report:
// terminal escape sequences are removed whole (not just their ESC byte, so "\x1b[31m" leaves nothing
// behind), other control characters become spaces or vanish, and Unicode format characters (bidi
// overrides and isolates, zero-width spaces and joiners, BOMs) are dropped so that text cannot reorder
// or hide itself. White space runs collapse to one space.
func Clean(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	emit := func(r rune) {
		if r == ' ' {
			space = b.Len() > 0
			return
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0x1b:
			i += skipEscape(s[i+size:]) + size
			continue
		case r == 0x9b: // C1 CSI
			i += skipCSI(s[i+size:]) + size
			continue
		case r == 0x9d || r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f: // C1 OSC, DCS, SOS, PM, APC
			i += skipString(s[i+size:]) + size
			continue
		case r == utf8.RuneError && size == 1:
			emit('\uFFFD')
		case unicode.IsSpace(r) || r == 0x2028 || r == 0x2029:
			emit(' ')
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			// dropped
		default:
			emit(r)
		}
		i += size
	}
	return b.String()
}

// skipEscape returns how many bytes after an ESC belong to its escape sequence.
func skipEscape(s string) int {
	if s == "" {
		return 0
	}
	switch s[0] {
	case '[':
		return 1 + skipCSI(s[1:])
	case ']', 'P', 'X', '^', '_':
		return 1 + skipString(s[1:])
	}
	_, size := utf8.DecodeRuneInString(s)
	return size
}

// skipCSI skips a control sequence's parameter and intermediate bytes and its final byte.
func skipCSI(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x40 && s[i] <= 0x7e {
			return i + 1
		}
		if s[i] < 0x20 || s[i] > 0x7e { // malformed: stop before the odd byte
			return i
		}
	}
	return len(s)
}

// skipString skips an OSC/DCS/SOS/PM/APC string up to and including its terminator (BEL, ESC \ or C1 ST).
func skipString(s string) int {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch r {
		case 0x07, 0x9c:
			return i + size
		case 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i // a new escape starts: the string was unterminated
		}
		i += size
	}
	return len(s)
}

// displayWidth is the number of terminal columns s takes, measured as tablewriter measures it (CJK = 2).
func displayWidth(s string) int { return twwidth.Width(s) }

// Cut shortens s to at most width terminal columns, ending it with an ellipsis when anything was cut. Wide
// (CJK) characters are never split.
func Cut(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if displayWidth(s) <= width {
		return s
	}
	const ellipsis = "…"
	budget := width - displayWidth(ellipsis)
	var b strings.Builder
	used := 0
	for _, r := range s {
		w := displayWidth(string(r))
		if used+w > budget {
			break
		}
		b.WriteRune(r)
		used += w
	}
	return b.String() + ellipsis
}

// CleanCut is Clean followed by Cut, for table cells.
func CleanCut(s string, width int) string { return Cut(Clean(s), width) }
