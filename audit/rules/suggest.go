package rules

// closest returns the option nearest to s by edit distance when it is close enough to be a typo
// (at most 2 edits, and fewer than half of s), else "".
func closest(s string, options []string) string {
	best, bestD := "", 3
	for _, o := range options {
		if d := editDistance(s, o); d < bestD && d*2 < len([]rune(s)) {
			best, bestD = o, d
		}
	}
	return best
}

// didYouMean is " (did you mean X?)" for a close option, else "".
func didYouMean(s string, options []string) string {
	if c := closest(s, options); c != "" {
		return " (did you mean " + c + "?)"
	}
	return ""
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
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
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
