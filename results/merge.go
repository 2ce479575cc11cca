package results

import (
	"fmt"
	"sort"
	"strings"
)

// Gaps are what a merge found missing: whole shards, or runs a shard was to do and did not finish.
type Gaps struct {
	Shards []int    // shard indexes absent from the inputs
	Runs   []string // scenario@device keys without a result
}

func (g Gaps) Empty() bool { return len(g.Shards) == 0 && len(g.Runs) == 0 }

func (g Gaps) String() string {
	var parts []string
	if len(g.Shards) > 0 {
		s := make([]string, len(g.Shards))
		for i, n := range g.Shards {
			s[i] = fmt.Sprint(n)
		}
		parts = append(parts, "missing shards: "+strings.Join(s, ", "))
	}
	if len(g.Runs) > 0 {
		parts = append(parts, "runs without a result: "+strings.Join(g.Runs, ", "))
	}
	return strings.Join(parts, "; ")
}

// Merge joins the documents of a split sweep (or of any audits) into one, ranked again. Two inputs with a
// result for the same scenario@device are refused: which one is right cannot be told. names label the
// inputs in messages.
func Merge(names []string, docs []*Document) (*Document, Gaps, error) {
	if len(docs) == 0 {
		return nil, Gaps{}, fmt.Errorf("nothing to merge")
	}
	out := &Document{SchemaVersion: SchemaVersion, Tool: docs[0].Tool, StartedAt: docs[0].StartedAt, FinishedAt: docs[0].FinishedAt}
	owner := map[string]string{}
	packs := map[string]bool{}
	var overlaps []string
	total := 0
	shards := map[int]bool{}
	var expected []string
	for i, d := range docs {
		if d.StartedAt.Before(out.StartedAt) {
			out.StartedAt = d.StartedAt
		}
		if d.FinishedAt.After(out.FinishedAt) {
			out.FinishedAt = d.FinishedAt
		}
		for _, p := range d.Packs {
			if !packs[p] {
				packs[p] = true
				out.Packs = append(out.Packs, p)
			}
		}
		if d.Shard != nil {
			if total != 0 && d.Shard.Total != total {
				return nil, Gaps{}, fmt.Errorf("%s is shard %d/%d, but another input is of %d shards", names[i], d.Shard.Index, d.Shard.Total, total)
			}
			total = d.Shard.Total
			shards[d.Shard.Index] = true
			expected = append(expected, d.Shard.Runs...)
		}
		for _, e := range d.Results {
			k := e.Key()
			if prev, ok := owner[k]; ok {
				overlaps = append(overlaps, fmt.Sprintf("%s (in %s and %s)", k, prev, names[i]))
				continue
			}
			owner[k] = names[i]
			out.Results = append(out.Results, e)
		}
	}
	if len(overlaps) > 0 {
		return nil, Gaps{}, fmt.Errorf("results overlap, refusing to merge: %s", strings.Join(overlaps, ", "))
	}
	var g Gaps
	for i := 1; i <= total; i++ {
		if !shards[i] {
			g.Shards = append(g.Shards, i)
		}
	}
	for _, k := range expected {
		if _, ok := owner[k]; !ok {
			g.Runs = append(g.Runs, k)
		}
	}
	sort.Strings(g.Runs)
	RankEntries(out.Results)
	return out, g, nil
}
