// Package results is the results model of an audit (Document, Entry) and its persistence: the JSON document
// and the JSON Lines stream, reading older schema versions, merging the shards of a split sweep, ranking,
// and the regression diff between two audits. Package reports renders a Document; package evidence keeps
// the files a run's findings rest on.
package results

import (
	"time"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/rules"
)

// SchemaVersion of the JSON document; bump the major part on any breaking change. 2.0 replaced the status
// not_found by no_control, blocked, out_of_reach and site_error (see upgrade.go for reading 1.x).
const SchemaVersion = "2.0"

// Document is a whole audit: what every report format is rendered from, and what `report` and `diff` read
// back.
type Document struct {
	SchemaVersion string    `json:"schema_version"`
	Tool          Tool      `json:"tool"`
	StartedAt     time.Time `json:"started_at"`
	FinishedAt    time.Time `json:"finished_at"`
	Packs         []string  `json:"packs"` // rule pack ids applied
	// Shard is set when this audit was one shard of a split sweep (--shard); merge checks the shards fit.
	Shard   *ShardInfo `json:"shard,omitempty"`
	Results []Entry    `json:"results"`
}

// ShardInfo says which part of a split sweep a document holds.
type ShardInfo struct {
	Index int `json:"index"` // 1-based
	Total int `json:"total"`
	// Runs are the scenario@device keys this shard was to run: a merge names the ones with no result.
	Runs []string `json:"runs"`
}

// Tool names the program that wrote the document.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Entry is one scenario on one device with its verdicts and scores.
type Entry struct {
	metrics.Result
	Verdicts []rules.Verdict `json:"verdicts"`
	Scores   []rules.Score   `json:"scores"`
	// Overall is the mean of the pack scores; Grade its grade. Rank orders the rating table (1 = best).
	Overall float64 `json:"overall"`
	Grade   string  `json:"grade"`
	Rank    int     `json:"rank"`
}

// Scored tells whether the entry has an overall score to show: it has pack scores, and its run was carried
// out (one that was not measured nothing, even where an older cancelpath scored its could-not-measure
// verdicts).
func (e *Entry) Scored() bool { return len(e.Scores) > 0 && e.Status.CarriedOut() }

// InForce tells whether a verdict's rule was in force when the result was measured: only those count. A
// verdict without a rule status (written before rule statuses existed) is in force.
func InForce(v *rules.Verdict) bool {
	return v.RuleStatus == "" || v.RuleStatus == rules.StatusInForce
}
