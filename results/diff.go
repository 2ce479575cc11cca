package results

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/rules"
)

// Change says which way a metric moved between two audits.
type Change string

const (
	Worse   Change = "worse"
	Better  Change = "better"
	Changed Change = "changed" // moved, but neither way is better (e.g. from a finding to a run that measured nothing)
	Added   Change = "added"   // a scenario × device only the new audit has
	Removed Change = "removed" // a scenario × device the new audit lacks: it was not checked, a regression
)

// DiffRow is one metric of one scenario × device that differs.
type DiffRow struct {
	Key    string `json:"key"` // scenario_id@device
	Site   string `json:"site"`
	Device string `json:"device"`
	Metric string `json:"metric"` // a metric name, control_*, overall, grade, status, or rule:<rule id>
	Old    string `json:"old"`    // "" when not measured
	New    string `json:"new"`
	Change Change `json:"change"`
}

// DiffResult compares two audits, old (the last release) and new.
type DiffResult struct {
	Old       DiffSide  `json:"old"`
	New       DiffSide  `json:"new"`
	Compared  int       `json:"compared"`  // scenario × device pairs in both
	Unchanged int       `json:"unchanged"` // of those, pairs with no row
	Rows      []DiffRow `json:"rows"`
}

// DiffSide names one of the compared documents.
type DiffSide struct {
	Tool      Tool   `json:"tool"`
	StartedAt string `json:"started_at,omitempty"`
}

// Regressions are the rows that fail a release: something got worse, or a scenario was not checked.
func (d *DiffResult) Regressions() []DiffRow {
	var out []DiffRow
	for _, r := range d.Rows {
		if r.Change == Worse || r.Change == Removed {
			out = append(out, r)
		}
	}
	return out
}

// Count is the number of rows that moved as c says.
func (d *DiffResult) Count(c Change) int {
	n := 0
	for _, r := range d.Rows {
		if r.Change == c {
			n++
		}
	}
	return n
}

// Diff compares every scenario × device of old with the same one in new: its status, the metrics of the
// registry that have a direction (rules.Compared), its score and grade, and its rules in force.
func Diff(old, new *Document) *DiffResult {
	compared := rules.Compared()
	d := &DiffResult{
		Old: DiffSide{Tool: old.Tool, StartedAt: utcSeconds(old.StartedAt)},
		New: DiffSide{Tool: new.Tool, StartedAt: utcSeconds(new.StartedAt)},
	}
	oldBy := map[string]*Entry{}
	for i := range old.Results {
		oldBy[old.Results[i].Key()] = &old.Results[i]
	}
	seen := map[string]bool{}
	for i := range new.Results {
		n := &new.Results[i]
		key := n.Key()
		seen[key] = true
		o, ok := oldBy[key]
		if !ok {
			d.Rows = append(d.Rows, DiffRow{Key: key, Site: n.Site, Device: n.Device.Name, Metric: "scenario", New: string(n.Status), Change: Added})
			continue
		}
		d.Compared++
		rows := diffEntry(o, n, compared)
		if len(rows) == 0 {
			d.Unchanged++
		}
		d.Rows = append(d.Rows, rows...)
	}
	for i := range old.Results {
		o := &old.Results[i]
		if !seen[o.Key()] {
			d.Rows = append(d.Rows, DiffRow{Key: o.Key(), Site: o.Site, Device: o.Device.Name, Metric: "scenario", Old: string(o.Status), Change: Removed})
		}
	}
	slices.SortStableFunc(d.Rows, func(a, b DiffRow) int { return cmp.Compare(a.Key, b.Key) })
	return d
}

// comparison is one value's old and new state and how to order them.
type comparison struct {
	metric   string
	old, new string  // shown
	oldV     float64 // compared; NaN when not measured
	newV     float64
	higher   bool    // a higher value is better
	epsilon  float64 // smaller moves are measurement noise
	neutral  bool    // a move is "changed", never worse or better
}

// metricCmp compares one metric of the registry (rules.Compared) as each run recorded it: its name, its
// direction, its noise and, for a string, its levels come from the registry.
func metricCmp(m rules.Metric, o, n *Entry) comparison {
	c := comparison{metric: m.Name, oldV: math.NaN(), newV: math.NaN(), higher: m.Better == rules.HigherIsBetter,
		epsilon: m.Noise}
	if v, ok := m.Recorded(&o.Result); ok {
		c.old, c.oldV = shown(v), scaled(m, v)
	}
	if v, ok := m.Recorded(&n.Result); ok {
		c.new, c.newV = shown(v), scaled(m, v)
	}
	return c
}

// shown is a value as a diff row shows it: a number without trailing zeros, true or false, a string as it is.
func shown(v rules.Value) string {
	if v.Type == rules.TypeString {
		return v.Str
	}
	return v.String()
}

// scaled places a value on its metric's scale: a number as it is, a bool as 1 (true) or 0, a string at its
// place among the metric's levels. NaN (not ranked) for a string that is not one of them.
func scaled(m rules.Metric, v rules.Value) float64 {
	switch v.Type {
	case rules.TypeBool:
		if v.Bool {
			return 1
		}
		return 0
	case rules.TypeString:
		if i := slices.Index(m.Levels, v.Str); i >= 0 {
			return float64(i)
		}
		return math.NaN()
	}
	return v.Num
}

func floatCmp(metric string, o, n *float64, eps float64) comparison {
	c := comparison{metric: metric, oldV: math.NaN(), newV: math.NaN(), higher: true, epsilon: eps}
	if o != nil {
		c.old, c.oldV = num(*o), *o
	}
	if n != nil {
		c.new, c.newV = num(*n), *n
	}
	return c
}

// num formats a float without trailing zeros: 46.7, 100, 0.0134.
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// ordinal compares named levels; names not in order are not measured.
func ordinal(metric, o, n string, order ...string) comparison {
	c := comparison{metric: metric, old: o, new: n, oldV: math.NaN(), newV: math.NaN(), higher: true}
	for i, name := range order {
		if o == name {
			c.oldV = float64(i)
		}
		if n == name {
			c.newV = float64(i)
		}
	}
	return c
}

// statusOrder ranks the statuses by how far a person gets: not carried out (nothing is known) below the
// findings, which go from no control at all, to a control that cannot be used, to a run that got past the
// control or stopped at another step; ok on top.
var statusOrder = map[metrics.Status]float64{
	metrics.StatusOutOfReach: 0, metrics.StatusSiteError: 0, metrics.StatusError: 0,
	metrics.StatusNoControl: 1, metrics.StatusBlocked: 2, metrics.StatusFailed: 3,
	metrics.StatusOK: 4,
}

// statusCmp compares two statuses. Leaving ok is worse and reaching it better, whatever the other status:
// a run that can no longer be carried out is a regression the gate must not miss. Between two findings
// the order decides (blocked → no_control is worse). A move to or from a run that was not carried out, from
// a finding, is only "changed": one side measured nothing, so neither is known to be better.
func statusCmp(o, n metrics.Status) comparison {
	c := comparison{metric: "status", old: string(o), new: string(n), oldV: math.NaN(), newV: math.NaN(), higher: true}
	ov, oKnown := statusOrder[o]
	nv, nKnown := statusOrder[n]
	bothNotOK := o != metrics.StatusOK && n != metrics.StatusOK
	if !oKnown || !nKnown || (bothNotOK && (!o.CarriedOut() || !n.CarriedOut())) {
		c.neutral = true // both left unmeasured: a changed name is a "changed" row
		return c
	}
	c.oldV, c.newV = ov, nv
	return c
}

// diffEntry compares one scenario × device: its status, each of the compared metrics, its score and grade,
// and the outcome of each rule in force.
func diffEntry(o, n *Entry, compared []rules.Metric) []DiffRow {
	cs := []comparison{statusCmp(o.Status, n.Status)}
	for _, m := range compared {
		cs = append(cs, metricCmp(m, o, n))
	}
	cs = append(cs, floatCmp("overall", scoreValue(o), scoreValue(n), 0.05),
		ordinal("grade", o.Grade, n.Grade, "F", "E", "D", "C", "B", "A"))
	cs = append(cs, ruleComparisons(o, n)...)

	var rows []DiffRow
	for _, c := range cs {
		if ch, moved := c.change(); moved {
			rows = append(rows, DiffRow{Key: n.Key(), Site: n.Site, Device: n.Device.Name, Metric: c.metric, Old: c.old, New: c.new, Change: ch})
		}
	}
	return rows
}

// change says whether and how a comparison moved. A value that was measured and no longer is got worse
// (a check that cannot be made never passes); the reverse got better.
func (c comparison) change() (Change, bool) {
	oNaN, nNaN := math.IsNaN(c.oldV), math.IsNaN(c.newV)
	var ch Change
	switch {
	case oNaN && nNaN:
		if c.old == c.new {
			return "", false
		}
		ch = Changed
	case oNaN:
		ch = Better
	case nNaN:
		ch = Worse
	case math.Abs(c.newV-c.oldV) <= c.epsilon:
		return "", false
	case (c.newV > c.oldV) == c.higher:
		ch = Better
	default:
		ch = Worse
	}
	if c.neutral {
		ch = Changed
	}
	return ch, true
}

// scoreValue is the overall score, or nil for an entry that was not scored.
func scoreValue(e *Entry) *float64 {
	if !e.Scored() {
		return nil
	}
	return &e.Overall
}

// ruleComparisons compares each rule in force that both audits evaluated: a rule that now fails is a
// regression even when the score hides it.
func ruleComparisons(o, n *Entry) []comparison {
	outcome := func(e *Entry) map[string]rules.Outcome {
		m := map[string]rules.Outcome{}
		for _, v := range e.Verdicts {
			if InForce(&v) {
				m[v.RuleID] = v.Outcome
			}
		}
		return m
	}
	om, nm := outcome(o), outcome(n)
	ids := make([]string, 0, len(nm))
	for id := range nm {
		if _, ok := om[id]; ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	var cs []comparison
	for _, id := range ids {
		c := ordinal("rule:"+id, string(om[id]), string(nm[id]), string(rules.Fail), string(rules.CouldNotMeasure), string(rules.Pass))
		if om[id] == rules.NotApplicable || nm[id] == rules.NotApplicable {
			c.neutral = true
		}
		cs = append(cs, c)
	}
	return cs
}

// Normalized returns a shallow copy with every list present (never null), as the diff's JSON has it.
func (d *DiffResult) Normalized() *DiffResult {
	c := *d
	if c.Rows == nil {
		c.Rows = []DiffRow{}
	}
	return &c
}

// utcSeconds formats a time in UTC to the second, or "" for the zero time.
func utcSeconds(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
