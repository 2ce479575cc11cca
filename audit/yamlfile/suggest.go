package yamlfile

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Closest returns the candidate nearest to word by edit distance, or "" when none is near enough to be a
// plausible typo (at most a third of the word's letters, and never more than 3, may differ).
func Closest(word string, candidates []string) string {
	if len(word) > 64 { // no key is that long; spare the quadratic distance on hostile input
		return ""
	}
	word = strings.ToLower(word)
	best, bestDist := "", 0
	for _, c := range candidates {
		d := editDistance(word, c)
		// On a tie, a candidate with the same letters wins: "=<" is "<=" typed in the wrong order, not "==".
		if best == "" || d < bestDist || (d == bestDist && sameLetters(word, c) && !sameLetters(word, best)) {
			best, bestDist = c, d
		}
	}
	limit := min(3, max(1, len([]rune(word))/3))
	if best == "" || bestDist > limit {
		return ""
	}
	return best
}

// DidYouMean suggests the valid word closest to an unknown one (`did you mean "x"?`), or lists the valid
// words when none is close (`expected one of a, b, c`).
func DidYouMean(word string, valid []string) string {
	if c := Closest(word, valid); c != "" {
		return fmt.Sprintf("did you mean %q?", c)
	}
	return "expected one of " + strings.Join(valid, ", ")
}

// Unknown is the message for a word that is not one of valid: `unknown what "word": did you mean …`.
func Unknown(what, word string, valid []string) string {
	return fmt.Sprintf("unknown %s %s: %s", what, Quote(word), DidYouMean(word, valid))
}

// Quote quotes a value for a message, shortened so that hostile input cannot flood the output.
func Quote(s string) string {
	const maxRunes = 60
	if utf8.RuneCountInString(s) > maxRunes {
		r := []rune(s)
		s = string(r[:maxRunes]) + "…"
	}
	return strconv.Quote(s)
}

// sameLetters tells whether a and b hold the same runes, in any order.
func sameLetters(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) != len(rb) {
		return false
	}
	slices.Sort(ra)
	slices.Sort(rb)
	return slices.Equal(ra, rb)
}

// editDistance is the optimal-string-alignment distance between a and b, counted in runes: insertions,
// deletions, substitutions and swaps of two neighbours (nht for nth) cost one each.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Three rows of the distance table: i-2, i-1 and i, each indexed by the length of b's prefix.
	prev2, prev, cur := make([]int, len(rb)+1), make([]int, len(rb)+1), make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
