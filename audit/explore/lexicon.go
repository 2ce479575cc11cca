package explore

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cancelpath/cancelpath/audit/yamlfile"
)

//go:embed lexicon.yaml
var bundledLexicon []byte

// Lexicon holds the terms explore classifies controls by (see lexicon.yaml for what each list means).
// Terms are stored normalised (see normalize). A lexicon file's keys are lexiconKeys, one per list, in the
// order of the fields.
type Lexicon struct {
	Cancel    []string
	NotCancel []string
	Toggles   []string
	Deny      []string
	DenyHref  []string
	Hints     []string
	Flow      []string
	Confirm   []string
	Cancelled []string
	Signpost  []string
}

// maxLexiconSize bounds a user's lexicon file; a real one is a few kilobytes.
const maxLexiconSize = 1 << 20

// DefaultLexicon returns the bundled lexicon (zh, en, de, fr).
func DefaultLexicon() (*Lexicon, error) {
	l, err := parseLexicon("lexicon.yaml (bundled)", bundledLexicon)
	if err != nil {
		return nil, err
	}
	return l, nil
}

// LoadLexicon returns the bundled lexicon extended by the terms of each file, in order. A file is strict
// YAML: an unknown key, a value that is not a list of strings or an empty term is an error naming the file,
// the line and the key, and every problem of a file is reported at once. An empty file adds nothing.
func LoadLexicon(files ...string) (*Lexicon, error) {
	l, err := DefaultLexicon()
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		data, err := yamlfile.ReadFile(f, maxLexiconSize)
		if err != nil {
			return nil, fmt.Errorf("lexicon %s: %w", f, err)
		}
		add, err := parseLexicon(f, data)
		if err != nil {
			return nil, err
		}
		l.add(add)
	}
	return l, nil
}

// lexiconFormat is what yamlfile.Parse needs to know of a lexicon file.
var lexiconFormat = yamlfile.Format{Name: "lexicon", MaxSize: maxLexiconSize, AllowEmpty: true}

// lexiconKeys are the keys of a lexicon file, in the order of Lexicon.lists.
var lexiconKeys = []string{"cancel", "not_cancel", "toggles", "deny", "deny_href", "hints", "flow", "confirm",
	"cancelled", "signpost"}

// parseLexicon decodes one lexicon document strictly and normalises its terms.
func parseLexicon(name string, data []byte) (*Lexicon, error) {
	var l Lexicon
	root, err := yamlfile.Parse(name, data, lexiconFormat)
	if err != nil || root == nil {
		return &l, err // no root: an empty file adds nothing
	}
	d := &yamlfile.Decoder{File: name}
	f, _ := d.Mapping(root, "", "a lexicon", lexiconKeys)
	for i, list := range l.lists() {
		key := lexiconKeys[i]
		v := f[key].Value
		if v == nil {
			continue
		}
		items, _ := d.List(v, key)
		for j, item := range items {
			if item == nil {
				continue
			}
			t, _, ok := d.String(item, yamlfile.Index(key, j))
			switch {
			case !ok:
			case normalize(t) == "":
				d.Errorf(item, yamlfile.Index(key, j), "must not be empty")
			default:
				*list = append(*list, normalize(t))
			}
		}
	}
	if err := d.Err(); err != nil {
		return nil, err
	}
	return &l, nil
}

func (l *Lexicon) lists() []*[]string {
	return []*[]string{&l.Cancel, &l.NotCancel, &l.Toggles, &l.Deny, &l.DenyHref, &l.Hints, &l.Flow, &l.Confirm,
		&l.Cancelled, &l.Signpost}
}

// add appends other's terms that l does not have yet.
func (l *Lexicon) add(other *Lexicon) {
	dst, src := l.lists(), other.lists()
	for i := range dst {
		for _, t := range *src[i] {
			if !slices.Contains(*dst[i], t) {
				*dst[i] = append(*dst[i], t)
			}
		}
	}
}

// normalize lower-cases s, collapses white space and unifies apostrophes, as labels are before matching.
func normalize(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	return strings.NewReplacer("’", "'", "‘", "'").Replace(s)
}

// IsCancel reports whether a control's label names a cancel control, and by which term (the longest).
func (l *Lexicon) IsCancel(label string) (term string, ok bool) {
	s := normalize(label)
	term = longestMatch(s, l.Cancel)
	if term == "" || longestMatch(s, l.NotCancel) != "" {
		return "", false
	}
	return term, true
}

// IsToggle reports whether a switch or checkbox with this name controls the renewal.
func (l *Lexicon) IsToggle(name string) (term string, ok bool) {
	term = longestMatch(normalize(name), l.Toggles)
	return term, term != ""
}

// Denied reports the deny term a label holds, or "".
func (l *Lexicon) Denied(label string) string {
	return longestMatch(normalize(label), l.Deny)
}

// DeniedHref reports the deny_href term a link's path or query holds, or "".
func (l *Lexicon) DeniedHref(pathAndQuery string) string {
	s := strings.ToLower(pathAndQuery)
	for _, t := range l.DenyHref {
		if strings.Contains(s, t) {
			return t
		}
	}
	return ""
}

// Hint tells whether a control's label suggests the way to the account or membership settings.
func (l *Lexicon) Hint(label string) bool {
	return longestMatch(normalize(label), l.Hints) != ""
}

// IsFlow reports whether a control's label belongs to a cancellation already under way (a confirmation or a
// retention offer), and by which term.
func (l *Lexicon) IsFlow(label string) (term string, ok bool) {
	term = longestMatch(normalize(label), l.Flow)
	return term, term != ""
}

// IsConfirm reports whether a control's whole label is a bare confirmation ("确认", "Confirm").
func (l *Lexicon) IsConfirm(label string) bool {
	s := strings.TrimRight(normalize(label), " .!。！")
	return s != "" && slices.Contains(l.Confirm, s)
}

// SaysCancelled reports the cancelled term a page's text holds, or "".
func (l *Lexicon) SaysCancelled(text string) string {
	return longestMatch(normalize(text), l.Cancelled)
}

// NamesCancelling reports whether a text holds a cancel term at all (not_cancel terms do not matter here: a
// page explaining how to cancel is still about cancelling).
func (l *Lexicon) NamesCancelling(text string) bool {
	return longestMatch(normalize(text), l.Cancel) != ""
}

// IsSignpost reports whether a label announces a way somewhere (前往, Go to) rather than an action.
func (l *Lexicon) IsSignpost(label string) bool {
	return longestMatch(normalize(label), l.Signpost) != ""
}

// longestMatch returns the longest term that occurs in s (see contains), or "".
func longestMatch(s string, terms []string) string {
	best := ""
	for _, t := range terms {
		if len(t) > len(best) && contains(s, t) {
			best = t
		}
	}
	return best
}

// contains tells whether term occurs in s; a term that starts (ends) with a Latin letter or digit must
// not have one just before (after) it, so English, German and French terms match whole words.
func contains(s, term string) bool {
	if term == "" {
		return false
	}
	for from := 0; from <= len(s)-len(term); {
		i := strings.Index(s[from:], term)
		if i < 0 {
			return false
		}
		i += from
		if boundary(lastRune(s[:i]), firstRune(term)) && boundary(firstRune(s[i+len(term):]), lastRune(term)) {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		from = i + size
	}
	return false
}

// boundary: the neighbour rune n may touch the term's edge rune e unless both are word characters of an
// alphabetic script (Chinese has no spaces between words, so a Han edge never needs one).
func boundary(n, e rune) bool {
	return !(wordRune(n) && wordRune(e))
}

func wordRune(r rune) bool {
	return r != 0 && (unicode.IsLetter(r) || unicode.IsDigit(r)) && !unicode.Is(unicode.Han, r) &&
		!unicode.Is(unicode.Hiragana, r) && !unicode.Is(unicode.Katakana, r) && !unicode.Is(unicode.Hangul, r)
}

// firstRune and lastRune return 0 for an empty string: no neighbour is a boundary.
func firstRune(s string) rune {
	if s == "" {
		return 0
	}
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func lastRune(s string) rune {
	if s == "" {
		return 0
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}
