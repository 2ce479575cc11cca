package rules

import (
	"regexp"
	"strings"

	"github.com/cancelpath/cancelpath/audit/metrics"
)

// Op is a comparison.
type Op string

const (
	OpEq         Op = "=="
	OpNe         Op = "!="
	OpLt         Op = "<"
	OpLe         Op = "<="
	OpGt         Op = ">"
	OpGe         Op = ">="
	OpMatches    Op = "matches"     // every pattern matches the string
	OpNotMatches Op = "not_matches" // no pattern matches the string
	OpPresent    Op = "present"     // the string is not empty
	OpAbsent     Op = "absent"      // the string is empty
)

func ops() []Op {
	return []Op{OpEq, OpNe, OpLt, OpLe, OpGt, OpGe, OpMatches, OpNotMatches, OpPresent, OpAbsent}
}

func (o Op) ordered() bool  { return o == OpLt || o == OpLe || o == OpGt || o == OpGe }
func (o Op) pattern() bool  { return o == OpMatches || o == OpNotMatches }
func (o Op) presence() bool { return o == OpPresent || o == OpAbsent }

// Check is a test on the measurements: one metric against a value, another metric or patterns; or a
// combination (Any: one of them passes; All: all of them pass).
type Check struct {
	Metric      string
	Op          Op
	Value       *Value // literal to compare with
	ValueMetric string // or another metric to compare with
	Patterns    []string
	Any, All    []*Check
	Line        int

	res []*regexp.Regexp
}

// checked is the result of a check on one result.
type checked struct {
	outcome   Outcome // Pass, Fail or CouldNotMeasure
	metric    string  // the metric(s) read
	measured  string
	threshold string
	detail    string // why it failed, or why it could not be measured
	first     Metric // the first metric read, for the evidence
}

// String describes the check for listings: "clicks_to_control <= 3".
func (c *Check) String() string {
	if c.Any != nil || c.All != nil {
		return c.threshold(nil)
	}
	return c.Metric + " " + c.threshold(nil)
}

// threshold is the requirement without the metric name, for a single check; with measured values of other
// metrics filled in when r is given.
func (c *Check) threshold(r *metrics.Result) string {
	if c.Any != nil || c.All != nil {
		parts, join := c.Any, " or "
		if c.All != nil {
			parts, join = c.All, " and "
		}
		out := make([]string, len(parts))
		for i, p := range parts {
			s := p.String()
			if p.Any != nil || p.All != nil {
				s = "(" + s + ")"
			}
			out[i] = s
		}
		return strings.Join(out, join)
	}
	switch {
	case c.Op.presence():
		if c.Op == OpPresent {
			return "is present (not empty)"
		}
		return "is absent (empty)"
	case c.Op.pattern():
		quoted := make([]string, len(c.Patterns))
		for i, p := range c.Patterns {
			quoted[i] = "/" + p + "/"
		}
		switch {
		case c.Op == OpMatches && len(quoted) == 1:
			return "matches " + quoted[0]
		case c.Op == OpMatches:
			return "matches all of " + strings.Join(quoted, ", ")
		case len(quoted) == 1:
			return "does not match " + quoted[0]
		}
		return "matches none of " + strings.Join(quoted, ", ")
	case c.ValueMetric != "":
		s := string(c.Op) + " " + c.ValueMetric
		if r != nil {
			if m, ok := LookupMetric(c.ValueMetric); ok {
				if v, ok := m.Value(r); ok {
					s += " (" + v.String() + ")"
				}
			}
		}
		return s
	case c.Value != nil:
		return string(c.Op) + " " + c.Value.String()
	}
	return string(c.Op)
}

func (c *Check) eval(r *metrics.Result) checked {
	if c.Any != nil || c.All != nil {
		return c.evalAll(r)
	}
	m, ok := LookupMetric(c.Metric)
	if !ok { // the loader rejects unknown metrics; a Check built in code may not have been checked
		return checked{outcome: CouldNotMeasure, metric: c.Metric, detail: "unknown metric " + c.Metric}
	}
	out := checked{metric: c.Metric, threshold: c.threshold(r), first: m}
	v, ok := m.Value(r)
	if !ok {
		out.outcome, out.detail = CouldNotMeasure, notMeasured(r, m)
		return out
	}
	out.measured = v.String()
	want := c.Value
	if c.ValueMetric != "" {
		other, _ := LookupMetric(c.ValueMetric)
		w, ok := other.Value(r)
		if !ok {
			out.outcome, out.detail = CouldNotMeasure, notMeasured(r, other)
			return out
		}
		want = &w
	}
	pass, detail := c.compare(v, want)
	out.outcome = Fail
	if pass {
		out.outcome = Pass
	}
	out.detail = detail
	return out
}

func (c *Check) compare(v Value, want *Value) (bool, string) {
	switch {
	case c.Op.presence():
		return (v.Str != "") == (c.Op == OpPresent), ""
	case c.Op.pattern():
		var hit, miss []string
		for i, re := range c.res {
			if re.MatchString(v.Str) {
				hit = append(hit, "/"+c.Patterns[i]+"/")
			} else {
				miss = append(miss, "/"+c.Patterns[i]+"/")
			}
		}
		if c.Op == OpMatches {
			if len(miss) > 0 {
				return false, "no match for " + strings.Join(miss, ", ")
			}
			return true, ""
		}
		if len(hit) > 0 {
			return false, "matched " + strings.Join(hit, ", ")
		}
		return true, ""
	case want == nil:
		return false, "no value to compare with"
	case v.Type == TypeBool:
		return (v.Bool == want.Bool) == (c.Op == OpEq), ""
	case v.Type == TypeString:
		return (v.Str == want.Str) == (c.Op == OpEq), ""
	}
	a, b := v.Num, want.Num
	switch c.Op {
	case OpEq:
		return a == b, ""
	case OpNe:
		return a != b, ""
	case OpLt:
		return a < b, ""
	case OpLe:
		return a <= b, ""
	case OpGt:
		return a > b, ""
	case OpGe:
		return a >= b, ""
	}
	return false, "unknown comparison " + string(c.Op)
}

// evalAll combines sub-checks. Any: a pass wins; otherwise an unmeasured part leaves the answer open. All: a
// failure wins; otherwise an unmeasured part leaves it open.
func (c *Check) evalAll(r *metrics.Result) checked {
	parts, isAny := c.All, false
	if c.Any != nil {
		parts, isAny = c.Any, true
	}
	out := checked{threshold: c.threshold(r)}
	var names, measured, open, failed []string
	pass, fail := 0, 0
	for _, p := range parts {
		res := p.eval(r)
		if out.first.Name == "" {
			out.first = res.first
		}
		names = append(names, res.metric)
		switch res.outcome {
		case Pass:
			pass++
		case Fail:
			fail++
			failed = append(failed, p.String())
		default:
			open = append(open, res.detail)
		}
		if res.measured != "" {
			if p.Any != nil || p.All != nil {
				measured = append(measured, res.measured)
			} else {
				measured = append(measured, res.metric+"="+res.measured)
			}
		}
	}
	out.metric = strings.Join(dedupe(names), ", ")
	out.measured = strings.Join(measured, ", ")
	switch {
	case isAny && pass > 0, !isAny && fail == 0 && len(open) == 0:
		out.outcome = Pass
	case isAny && len(open) == 0, !isAny && fail > 0:
		out.outcome = Fail
		if !isAny {
			out.detail = "fails " + strings.Join(failed, "; ")
		}
	default:
		out.outcome = CouldNotMeasure
		out.detail = strings.Join(dedupe(open), "; ")
	}
	return out
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// metricsOf lists every metric a check reads, in order.
func (c *Check) metricsOf() []string {
	if c == nil {
		return nil
	}
	var out []string
	for _, p := range append(append([]*Check(nil), c.Any...), c.All...) {
		out = append(out, p.metricsOf()...)
	}
	if c.Metric != "" {
		out = append(out, c.Metric)
	}
	if c.ValueMetric != "" {
		out = append(out, c.ValueMetric)
	}
	return dedupe(out)
}
