package scenario

import (
	"fmt"
	"strings"
)

// closest returns the candidate nearest to word by edit distance, or "" when none is near enough to be a
// plausible typo (at most a third of the word's letters, and never more than 3, may differ).
func closest(word string, candidates []string) string {
	if len(word) > 64 { // no key is that long; spare the quadratic distance on hostile input
		return ""
	}
	word = strings.ToLower(word)
	best, bestDist := "", 0
	for _, c := range candidates {
		d := editDistance(word, c)
		if best == "" || d < bestDist {
			best, bestDist = c, d
		}
	}
	limit := min(3, max(1, len([]rune(word))/3))
	if best == "" || bestDist > limit {
		return ""
	}
	return best
}

// didYouMean formats a suggestion for an unknown word, listing the valid ones when none is close.
func didYouMean(word string, candidates []string) string {
	if c := closest(word, candidates); c != "" {
		return fmt.Sprintf("did you mean %q?", c)
	}
	return "expected one of " + strings.Join(candidates, ", ")
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
