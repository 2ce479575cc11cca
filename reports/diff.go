package reports

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

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

func (d *DiffResult) count(c Change) int {
	n := 0
	for _, r := range d.Rows {
		if r.Change == c {
			n++
		}
	}
	return n
}

// Diff compares every scenario × device of old with the same one in new.
func Diff(old, new *Document) *DiffResult {
	d := &DiffResult{
		Old: DiffSide{Tool: old.Tool, StartedAt: rfc3339Seconds(old.StartedAt)},
		New: DiffSide{Tool: new.Tool, StartedAt: rfc3339Seconds(new.StartedAt)},
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
		rows := diffEntry(o, n)
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

// comparison is one metric's old and new value and how to order them.
type comparison struct {
	metric   string
	old, new string  // shown
	oldV     float64 // compared; NaN when not measured
	newV     float64
	higher   bool    // a higher value is better
	epsilon  float64 // smaller moves are measurement noise
	neutral  bool    // a move is "changed", never worse or better
}

func intCmp(metric string, o, n *int) comparison {
	c := comparison{metric: metric, old: intText(o), new: intText(n), oldV: math.NaN(), newV: math.NaN()}
	if o != nil {
		c.oldV = float64(*o)
	}
	if n != nil {
		c.newV = float64(*n)
	}
	return c
}

func boolCmp(metric string, o, n *bool, good bool) comparison {
	c := comparison{metric: metric, old: boolText(o), new: boolText(n), oldV: math.NaN(), newV: math.NaN(), higher: true}
	val := func(b bool) float64 {
		if b == good {
			return 1
		}
		return 0
	}
	if o != nil {
		c.oldV = val(*o)
	}
	if n != nil {
		c.newV = val(*n)
	}
	return c
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

func diffEntry(o, n *Entry) []DiffRow {
	var cs []comparison
	add := func(c ...comparison) { cs = append(cs, c...) }

	add(statusCmp(o.Status, n.Status))
	add(intCmp("clicks_to_control", o.Metrics.ClicksToControl, n.Metrics.ClicksToControl),
		intCmp("hovers_to_control", o.Metrics.HoversToControl, n.Metrics.HoversToControl),
		intCmp("levels_to_control", o.Metrics.LevelsToControl, n.Metrics.LevelsToControl),
		intCmp("clicks_to_done", o.Metrics.ClicksToDone, n.Metrics.ClicksToDone),
		intCmp("interstitials", o.Metrics.Interstitials, n.Metrics.Interstitials),
		boolCmp("reachable_without_login", o.Metrics.ReachableWithoutLogin, n.Metrics.ReachableWithoutLogin, true))

	oc, nc := controlValues(o.Control), controlValues(n.Control)
	add(floatCmp("control_width", oc.width, nc.width, 0.5),
		floatCmp("control_height", oc.height, nc.height, 0.5),
		ordinal("control_target_size", oc.target, nc.target, "fail", "pass_inline", "pass_spacing", "pass"),
		boolCmp("control_in_viewport_on_arrival", oc.inViewport, nc.inViewport, true),
		floatCmp("control_contrast_ratio", oc.contrast, nc.contrast, 0.05),
		floatCmp("control_size_ratio", oc.sizeRatio, nc.sizeRatio, 0.005))

	add(boolCmp("confirm_offers", confirmOffers(o), confirmOffers(n), false),
		boolCmp("autorenew_prechecked", prechecked(o), prechecked(n), false),
		boolCmp("effect_passed", effectPassed(o), effectPassed(n), true))

	ov, nv := scoreValue(o), scoreValue(n)
	add(floatCmp("overall", ov, nv, 0.05),
		ordinal("grade", o.Grade, n.Grade, "F", "E", "D", "C", "B", "A"))
	add(ruleComparisons(o, n)...)

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

type controlVals struct {
	width, height, contrast, sizeRatio *float64
	target                             string
	inViewport                         *bool
}

func controlValues(c *metrics.Control) controlVals {
	if c == nil {
		return controlVals{}
	}
	return controlVals{width: &c.Box.Width, height: &c.Box.Height, contrast: &c.ContrastRatio,
		sizeRatio: &c.SizeRatio, target: c.TargetSize, inViewport: &c.InViewportOnArrival}
}

func confirmOffers(e *Entry) *bool {
	if e.Confirm == nil {
		return nil
	}
	return &e.Confirm.Offers
}

func prechecked(e *Entry) *bool {
	if e.Subscribe == nil {
		return nil
	}
	return e.Subscribe.AutorenewPrechecked
}

func effectPassed(e *Entry) *bool {
	if e.Effect == nil {
		return nil
	}
	return &e.Effect.Passed
}

func scoreValue(e *Entry) *float64 {
	if scoreText(e) == "" {
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
			if inForce(&v) {
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

// RenderDiff writes a diff as a text table ("table"), JSON ("json") or Markdown ("markdown").
func RenderDiff(w io.Writer, d *DiffResult, format string, opt Options) error {
	switch format {
	case "", "table":
		return renderDiffTable(w, d, opt)
	case "json":
		js, err := json.MarshalIndent(d.normalized(), "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(escapeFormatChars(js), '\n'))
		return err
	case "markdown", "md":
		return renderDiffMarkdown(w, d)
	}
	return fmt.Errorf("unknown diff format %q (want table, json or markdown)", format)
}

func (d *DiffResult) normalized() *DiffResult {
	c := *d
	if c.Rows == nil {
		c.Rows = []DiffRow{}
	}
	return &c
}

// summary is one line: how many regressions, improvements and unchanged pairs.
func (d *DiffResult) summary() string {
	return fmt.Sprintf("%d regression(s), %d improvement(s), %d other change(s), %d added; %d of %d site×device pair(s) unchanged.",
		len(d.Regressions()), d.count(Better), d.count(Changed), d.count(Added), d.Unchanged, d.Compared)
}

func changeMark(c Change, color bool) string {
	mark := map[Change]string{Worse: "▼ worse", Better: "▲ better", Changed: "~ changed", Added: "+ added", Removed: "- removed"}[c]
	if !color {
		return mark
	}
	switch c {
	case Worse, Removed:
		return ansiRed + mark + ansiReset
	case Better:
		return ansiGreen + mark + ansiReset
	}
	return mark
}

func renderDiffTable(w io.Writer, d *DiffResult, opt Options) error {
	if len(d.Rows) > 0 {
		siteW := max(minSiteCols, opt.width()-76)
		table := tablewriter.NewTable(w,
			tablewriter.WithHeaderAutoFormat(tw.Off),
			tablewriter.WithHeaderAutoWrap(tw.WrapNone),
			tablewriter.WithRowAutoWrap(tw.WrapNone),
			tablewriter.WithHeaderAlignment(tw.AlignLeft),
		)
		table.Header("Site", "Device", "Metric", "Old", "New", "Change")
		for _, r := range d.Rows {
			row := []string{CleanCut(r.Site, siteW), CleanCut(r.Device, 8), CleanCut(r.Metric, 30),
				CleanCut(dashIfEmpty(r.Old), 12), CleanCut(dashIfEmpty(r.New), 12), changeMark(r.Change, opt.Color)}
			if err := table.Append(row); err != nil {
				return fmt.Errorf("diff table: %w", err)
			}
		}
		if err := table.Render(); err != nil {
			return fmt.Errorf("diff table: %w", err)
		}
	}
	_, err := fmt.Fprintln(w, d.summary())
	return err
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func renderDiffMarkdown(w io.Writer, d *DiffResult) error {
	var b strings.Builder
	b.WriteString("### cancelpath diff\n\n")
	b.WriteString(mdEscape(d.summary()) + "\n\n")
	if len(d.Rows) > 0 {
		b.WriteString("|Site|Device|Metric|Old|New|Change|\n|---|---|---|--:|--:|---|\n")
		for _, r := range d.Rows {
			fmt.Fprintf(&b, "|%s|%s|%s|%s|%s|%s|\n", mdEscape(r.Site), mdEscape(r.Device), mdEscape(r.Metric),
				mdEscape(dashIfEmpty(r.Old)), mdEscape(dashIfEmpty(r.New)), changeMark(r.Change, false))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
