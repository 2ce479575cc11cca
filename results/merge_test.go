package results

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
)

func shardDoc(index, total int, runs []string, done ...string) *Document {
	d := &Document{SchemaVersion: SchemaVersion, Shard: &ShardInfo{Index: index, Total: total, Runs: runs}, Packs: []string{"cn"}}
	for _, k := range done {
		i := strings.LastIndexByte(k, '@')
		id, dev := k[:i], k[i+1:]
		d.Results = append(d.Results, Entry{Result: metrics.Result{ScenarioID: id, Device: metrics.Device{Name: dev}}, Overall: 50})
	}
	return d
}

func TestMerge(t *testing.T) {
	tests := []struct {
		name    string
		docs    []*Document
		err     string
		results int
		gaps    Gaps
	}{
		{name: "complete", results: 3, docs: []*Document{
			shardDoc(1, 2, []string{"a@desktop", "a@mobile"}, "a@desktop", "a@mobile"),
			shardDoc(2, 2, []string{"b@desktop"}, "b@desktop"),
		}},
		{name: "a missing shard and an unfinished run are named", results: 1, gaps: Gaps{Shards: []int{2, 3}, Runs: []string{"a@mobile"}},
			docs: []*Document{shardDoc(1, 3, []string{"a@desktop", "a@mobile"}, "a@desktop")}},
		{name: "overlap refused", err: "a@desktop (in s1 and s2)", docs: []*Document{
			shardDoc(1, 2, []string{"a@desktop"}, "a@desktop"), shardDoc(2, 2, []string{"a@desktop"}, "a@desktop"),
		}},
		{name: "shards of different sweeps refused", err: "another input is of 2 shards", docs: []*Document{
			shardDoc(1, 2, nil), shardDoc(2, 3, nil),
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			names := []string{"s1", "s2", "s3"}[:len(tc.docs)]
			merged, gaps, err := Merge(names, tc.docs)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Len(t, merged.Results, tc.results)
			assert.Equal(t, tc.gaps, gaps)
			assert.Nil(t, merged.Shard)
			assert.Equal(t, []string{"cn"}, merged.Packs)
			for _, e := range merged.Results {
				assert.Equal(t, 1, e.Rank, "equal scores share the first rank")
			}
		})
	}
}
