package rules

import (
	"cmp"
	"slices"
)

// RankKey is what the rating table orders results by.
type RankKey struct {
	SiteID  string // the scenario id
	Device  string
	Overall float64
}

// Ranking returns the indexes of keys in rating-table order: overall score descending, then site id, then
// device. The order is total, so the same results always give the same table.
func Ranking(keys []RankKey) []int {
	idx := make([]int, len(keys))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		ka, kb := keys[a], keys[b]
		return cmp.Or(cmp.Compare(kb.Overall, ka.Overall), cmp.Compare(ka.SiteID, kb.SiteID),
			cmp.Compare(ka.Device, kb.Device))
	})
	return idx
}
