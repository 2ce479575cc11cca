package audit

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/cancelpath/cancelpath/audit/scenario"
)

// Shard is one part of a sweep split over machines: Index of Total, 1-based.
type Shard struct {
	Index int `json:"index"`
	Total int `json:"total"`
}

// EnvShardTotal is read with Kubernetes' JOB_COMPLETION_INDEX (0-based) when --shard is not given: Indexed
// Jobs set the index but not the count, so the Job's manifest sets this to its `completions`.
const EnvShardTotal = "CANCELPATH_SHARD_TOTAL"

// ParseShard reads "i/n" (1 <= i <= n).
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return Shard{}, fmt.Errorf("shard %q: want i/n with 1 <= i <= n, e.g. 2/8", s)
	}
	return Shard{Index: i, Total: n}, nil
}

// ShardFromEnv reads a Kubernetes Indexed Job's JOB_COMPLETION_INDEX with CANCELPATH_SHARD_TOTAL. ok is
// false when the index is not set.
func ShardFromEnv(getenv func(string) string) (s Shard, ok bool, err error) {
	idx := getenv("JOB_COMPLETION_INDEX")
	if idx == "" {
		return Shard{}, false, nil
	}
	i, err := strconv.Atoi(idx)
	if err != nil || i < 0 {
		return Shard{}, false, fmt.Errorf("JOB_COMPLETION_INDEX=%q is not an index", idx)
	}
	n, err := strconv.Atoi(getenv(EnvShardTotal))
	if err != nil || n < 1 {
		return Shard{}, false, fmt.Errorf("JOB_COMPLETION_INDEX is set but %s is not (set it to the Job's completions)", EnvShardTotal)
	}
	if i >= n {
		return Shard{}, false, fmt.Errorf("JOB_COMPLETION_INDEX=%d is not below %s=%d", i, EnvShardTotal, n)
	}
	return Shard{Index: i + 1, Total: n}, true, nil
}

// Owns tells whether the scenario id falls in this shard. The partition hashes the id, so it does not depend
// on file order or on which other scenarios exist: a scenario stays in its shard as the set grows.
func (s Shard) Owns(id string) bool {
	if s.Total <= 1 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	return int(h.Sum64()%uint64(s.Total)) == s.Index-1
}

// Filter keeps the scenarios of this shard, in their order.
func (s Shard) Filter(scs []*scenario.Scenario) []*scenario.Scenario {
	var out []*scenario.Scenario
	for _, sc := range scs {
		if s.Owns(sc.ID) {
			out = append(out, sc)
		}
	}
	return out
}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Total) }
