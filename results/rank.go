package results

import (
	"cmp"
	"slices"
)

// RankEntries sets Rank on every entry: 1 for the highest Overall score, equal scores sharing a rank
// (1, 1, 3). A run that was not carried out (out_of_reach, site_error, error) measured nothing and gets
// rank 0 (unranked): its score of could-not-measure verdicts says nothing about the site. The findings
// (no_control, blocked, failed) are ranked: they are what the table is for.
func RankEntries(entries []Entry) {
	idx := make([]int, 0, len(entries))
	for i := range entries {
		entries[i].Rank = 0
		if entries[i].Status.CarriedOut() {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(entries[b].Overall, entries[a].Overall) })
	for n, i := range idx {
		if n > 0 && entries[i].Overall == entries[idx[n-1]].Overall {
			entries[i].Rank = entries[idx[n-1]].Rank
			continue
		}
		entries[i].Rank = n + 1
	}
}

// Ranked returns the entries in rating-table order: by rank (unranked last), then site, then device. The
// entries are doc's own, not copies.
func Ranked(doc *Document) []*Entry {
	out := make([]*Entry, len(doc.Results))
	for i := range doc.Results {
		out[i] = &doc.Results[i]
	}
	rankKey := func(e *Entry) int {
		if e.Rank <= 0 {
			return int(^uint(0) >> 1)
		}
		return e.Rank
	}
	slices.SortStableFunc(out, func(a, b *Entry) int {
		return cmp.Or(
			cmp.Compare(rankKey(a), rankKey(b)),
			cmp.Compare(a.Site, b.Site),
			cmp.Compare(a.ScenarioID, b.ScenarioID),
			cmp.Compare(a.Device.Name, b.Device.Name),
		)
	})
	return out
}
