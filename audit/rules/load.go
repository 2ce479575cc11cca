package rules

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/cancelpath/cancelpath/audit/yamlfile"
)

// PackError is one problem in a pack file, at a line, in a field (a path such as rules[2].check.metric):
// the problem type every YAML loader shares.
type PackError = yamlfile.Problem

// maxPackSize bounds a pack file: the bundled ones are a few KB.
const maxPackSize = 1 << 20

// packFormat is what yamlfile.Parse needs to know of a pack file.
var packFormat = yamlfile.Format{Name: "rule pack", Guide: "audit/rules/README.md", MaxSize: maxPackSize}

// LoadPackFile reads and validates a user's pack file. Every problem is reported at once (yamlfile.Problems
// of *PackError), each as file:line: field: message.
func LoadPackFile(path string) (*Pack, error) {
	data, err := yamlfile.ReadFile(path, maxPackSize)
	if err != nil {
		if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
			return nil, fmt.Errorf("rule pack: %w", err)
		}
		return nil, yamlfile.Problems{{File: path, Msg: err.Error()}} // too large, a folder
	}
	return ParsePack(data, path)
}

// ParsePack validates a pack held in memory; name is used in error messages and as the pack's Source.
func ParsePack(data []byte, name string) (*Pack, error) {
	root, err := yamlfile.Parse(name, data, packFormat)
	if err != nil {
		return nil, withoutColumns(err)
	}
	l := &loader{&yamlfile.Decoder{File: name}}
	p := l.pack(root)
	if err := l.Err(); err != nil {
		return nil, withoutColumns(err)
	}
	p.Source = name
	return p, nil
}

// withoutColumns leaves the column out of a pack's problems, which print as FILE:LINE: FIELD: MSG, the form
// audit/rules/README.md documents (scenarios and lexicons print FILE:LINE:COL). One error type all the same.
func withoutColumns(err error) error {
	var list yamlfile.Problems
	if errors.As(err, &list) {
		for _, p := range list {
			p.Column = 0
		}
	}
	return err
}

// loader decodes one pack file with the shared strict readers.
type loader struct{ *yamlfile.Decoder }

// validID tells whether s is lower-case letters and digits, starting with one, plus any of extra.
func validID(s, extra string) bool {
	for i, c := range s {
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || !strings.ContainsRune(extra, c)) {
			return false
		}
	}
	return s != ""
}

// partialDate tells whether s is YYYY or YYYY-MM (an expected commencement that is not fixed yet).
func partialDate(s string) bool {
	for _, layout := range []string{"2006", "2006-01"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

// str reads the string at key, trimmed: "" when the key is absent (a problem when required) or after a
// problem.
func (l *loader) str(m yamlfile.Fields, parent *yaml.Node, field, key string, required bool) string {
	path := yamlfile.Join(field, key)
	f, ok := m[key]
	if !ok {
		if required {
			l.Errorf(parent, path, "missing (required)")
		}
		return ""
	}
	if f.Value == nil { // the alias budget is spent: reported
		return ""
	}
	s, _, ok := l.String(f.Value, path)
	if !ok {
		return ""
	}
	s = strings.TrimSpace(s)
	if s == "" && required {
		l.Errorf(f.Value, path, "must not be empty")
	}
	return s
}

// enum reads the word at key, one of valid; def is used when the key is absent and def is not "" (else the
// key is required).
func (l *loader) enum(m yamlfile.Fields, parent *yaml.Node, field, key, def string, valid []string) string {
	path := yamlfile.Join(field, key)
	f, ok := m[key]
	if !ok {
		if def == "" {
			l.Errorf(parent, path, "missing (required)")
		}
		return def
	}
	if f.Value == nil {
		return ""
	}
	s, _ := l.Enum(f.Value, path, key, valid)
	return s
}

// since reads since: a YYYY-MM-DD date (or, for a not-yet-in-force status, also YYYY or YYYY-MM).
func (l *loader) since(m yamlfile.Fields, parent *yaml.Node, field string, st Status) (string, time.Time) {
	path := yamlfile.Join(field, "since")
	f, ok := m["since"]
	if !ok {
		if st == StatusAppliesFrom || st == StatusVacated {
			l.Errorf(parent, path, "missing (required when the status is %s)", st)
		}
		return "", time.Time{}
	}
	if f.Value == nil {
		return "", time.Time{}
	}
	if st == StatusNotYetInForce && f.Value.Kind == yaml.ScalarNode && partialDate(f.Value.Value) {
		return f.Value.Value, time.Time{}
	}
	s, t, ok := l.Date(f.Value, path)
	if !ok {
		return "", time.Time{}
	}
	return s, t
}

func statusNames() []string {
	all := statuses()
	out := make([]string, len(all))
	for i, s := range all {
		out[i] = string(s)
	}
	return out
}

var packKeys = []string{"id", "title", "jurisdiction", "status", "since", "checked", "default", "description", "rules"}

func (l *loader) pack(n *yaml.Node) *Pack {
	p := &Pack{Line: n.Line}
	m, ok := l.Mapping(n, "", "a rule pack", packKeys)
	if !ok {
		return p
	}
	p.ID = l.str(m, n, "", "id", true)
	if p.ID != "" && !validID(p.ID, "-") {
		l.Errorf(m["id"].Value, "id", "%q: use lower-case letters, digits and '-'", p.ID)
	}
	p.Title = l.str(m, n, "", "title", true)
	p.Jurisdiction = l.str(m, n, "", "jurisdiction", true)
	p.Status = Status(l.enum(m, n, "", "status", "", statusNames()))
	p.Since, p.since = l.since(m, n, "", p.Status)
	if v := m["checked"].Value; v != nil {
		p.Checked, _, _ = l.Date(v, "checked")
	}
	p.Default = Selection(l.enum(m, n, "", "default", string(SelectJurisdiction),
		[]string{string(SelectJurisdiction), string(SelectAlways), string(SelectNever)}))
	p.Description = l.str(m, n, "", "description", false)

	rules, present := m["rules"]
	if !present {
		l.Errorf(n, "rules", "missing (required)")
		return p
	}
	if rules.Value == nil {
		return p
	}
	items, ok := l.List(rules.Value, "rules")
	if !ok {
		return p
	}
	if len(items) == 0 {
		l.Errorf(rules.Value, "rules", "must list at least one rule")
		return p
	}
	seen := map[string]int{}
	for i, rn := range items {
		if rn == nil {
			continue
		}
		field := yamlfile.Index("rules", i)
		r := l.rule(rn, field, p)
		if r == nil {
			continue
		}
		if first, dup := seen[r.ID]; dup && r.ID != "" {
			l.Errorf(rn, field+".id", "duplicate rule id %q (first at line %d)", r.ID, first)
			continue
		}
		seen[r.ID] = rn.Line
		r.checked = p.Checked
		p.Rules = append(p.Rules, r)
	}
	return p
}

func ruleKeys() []string {
	return []string{"id", "title", "jurisdiction", "citation", "requirement", "quote", "status", "since",
		"basis", "source", "note", "unverified", "not_measured", "check", "when", "severity", "weight", "cap"}
}

func (l *loader) rule(n *yaml.Node, field string, p *Pack) *Rule {
	m, ok := l.Mapping(n, field, "a rule", ruleKeys())
	if !ok {
		return nil
	}
	r := &Rule{Line: n.Line}
	r.ID = l.str(m, n, field, "id", true)
	if r.ID != "" && !validID(r.ID, "._-") {
		l.Errorf(m["id"].Value, field+".id", "%q: use lower-case letters, digits, '.', '_' and '-'", r.ID)
	}
	r.Title = l.str(m, n, field, "title", true)
	r.Jurisdiction = l.str(m, n, field, "jurisdiction", false)
	if r.Jurisdiction == "" {
		r.Jurisdiction = p.Jurisdiction
	}
	r.Citation = l.str(m, n, field, "citation", true)
	r.Requirement = l.str(m, n, field, "requirement", true)
	r.Quote = Quote(l.enum(m, n, field, "quote", "",
		[]string{string(QuoteVerbatim), string(QuoteExcerpt), string(QuoteParaphrase)}))
	if _, ok := m["status"]; ok {
		r.Status = Status(l.enum(m, n, field, "status", "", statusNames()))
		r.Since, r.since = l.since(m, n, field, r.Status)
	} else {
		if since, ok := m["since"]; ok {
			l.Errorf(since.Key, field+".since", "since without status: give the status too")
		}
		r.Status, r.Since, r.since = p.Status, p.Since, p.since
	}
	r.Basis = Basis(l.enum(m, n, field, "basis", "",
		[]string{string(BasisLaw), string(BasisInterpretation), string(BasisStandard)}))
	r.Source = l.str(m, n, field, "source", false)
	if r.Basis == BasisInterpretation && r.Source == "" {
		l.Errorf(n, field+".source", "missing (an interpretation must say where it comes from)")
	}
	r.Note = l.str(m, n, field, "note", false)
	r.Unverified = l.str(m, n, field, "unverified", false)
	r.NotMeasured = l.str(m, n, field, "not_measured", false)
	c, hasCheck := m["check"]
	_, hasNM := m["not_measured"]
	switch {
	case hasCheck && hasNM:
		l.Errorf(c.Key, field+".check", "give check or not_measured, not both")
	case hasCheck:
		if c.Value != nil {
			r.Check = l.check(c.Value, field+".check")
		}
	case !hasNM:
		l.Errorf(n, field+".check", "missing (required; or not_measured: why the engine cannot test this)")
	}
	if w := m["when"].Value; w != nil {
		r.When = l.check(w, field+".when")
	}
	sev := l.str(m, n, field, "severity", true)
	if sev != "" {
		s, err := ParseSeverity(sev)
		if err != nil {
			l.Errorf(m["severity"].Value, field+".severity", "%s", yamlfile.Unknown("severity", sev, severityNames()))
		}
		r.Severity = s
	}
	if w, ok := m["weight"]; !ok {
		l.Errorf(n, field+".weight", "missing (required)")
	} else if w.Value != nil {
		if f, ok := l.Number(w.Value, field+".weight"); ok {
			if f < 0 {
				l.Errorf(w.Value, field+".weight", "must not be negative")
			}
			r.Weight = f
		}
	}
	if c := m["cap"].Value; c != nil {
		if f, ok := l.Number(c, field+".cap"); ok {
			if f < 0 || f > 100 {
				l.Errorf(c, field+".cap", "must be a score from 0 to 100")
			}
			r.Cap = &f
		}
	}
	if hasNM && !hasCheck {
		l.notMeasured(r, m, field)
	}
	return r
}

// notMeasured checks a rule the engine cannot test: its verdict is always could_not_measure, so it must not
// move a score (weight 0, no cap), fail a build (severity info) or depend on a measurement (no when).
func (l *loader) notMeasured(r *Rule, m yamlfile.Fields, field string) {
	const why = "a not_measured rule is always could_not_measure"
	if w, ok := m["when"]; ok {
		l.Errorf(w.Key, field+".when", "not used: %s", why)
	}
	if c, ok := m["cap"]; ok {
		l.Errorf(c.Key, field+".cap", "not used: %s", why)
	}
	if r.Weight != 0 {
		l.Errorf(m["weight"].Value, field+".weight", "must be 0: %s and must not lower a score", why)
	}
	if r.Severity != "" && r.Severity != Info {
		l.Errorf(m["severity"].Value, field+".severity", "must be info: %s", why)
	}
}

func opNames() []string {
	all := ops()
	out := make([]string, len(all))
	for i, o := range all {
		out[i] = string(o)
	}
	return out
}

var checkKeys = []string{"metric", "op", "value", "value_metric", "pattern", "patterns", "any", "all"}

func (l *loader) check(n *yaml.Node, field string) *Check {
	c := &Check{Line: n.Line}
	m, ok := l.Mapping(n, field, "a check", checkKeys)
	if !ok {
		return c
	}
	anyF, isAny := m["any"]
	allF, isAll := m["all"]
	if isAny || isAll {
		if isAny && isAll || len(m) > 1 {
			l.Errorf(n, field, "any or all stands alone: put every condition inside it")
			return c
		}
		key, list := "any", anyF.Value
		if isAll {
			key, list = "all", allF.Value
		}
		if list == nil {
			return c
		}
		path := yamlfile.Join(field, key)
		items, ok := l.List(list, path)
		if !ok {
			return c
		}
		if len(items) < 2 {
			l.Errorf(list, path, "must list at least two checks")
			return c
		}
		parts := make([]*Check, 0, len(items))
		for i, pn := range items {
			if pn != nil {
				parts = append(parts, l.check(pn, yamlfile.Index(path, i)))
			}
		}
		if isAny {
			c.Any = parts
		} else {
			c.All = parts
		}
		return c
	}

	c.Metric = l.str(m, n, field, "metric", true)
	metric, known := Metric{}, false
	if c.Metric != "" {
		metric, known = LookupMetric(c.Metric)
		if !known {
			l.Errorf(m["metric"].Value, field+".metric", "%s", yamlfile.Unknown("metric", c.Metric, MetricNames()))
		}
	}
	c.Op = Op(l.enum(m, n, field, "op", "", opNames()))
	if c.Op == "" {
		return c
	}
	l.checkArgs(c, m, n, field, metric, known)
	return c
}

// checkArgs validates what the comparison takes against the metric's type.
func (l *loader) checkArgs(c *Check, m yamlfile.Fields, n *yaml.Node, field string, metric Metric, known bool) {
	forbid := func(keys ...string) {
		for _, k := range keys {
			if f, ok := m[k]; ok {
				l.Errorf(f.Key, yamlfile.Join(field, k), "not used by op %s", c.Op)
			}
		}
	}
	if known && (c.Op.pattern() || c.Op.presence()) && metric.Type != TypeString {
		l.Errorf(m["op"].Value, field+".op", "%s needs a string metric; %s is %s", c.Op, c.Metric, metric.Type)
	}
	if known && c.Op.ordered() && !metric.Type.numeric() {
		l.Errorf(m["op"].Value, field+".op", "%s needs a number; %s is %s (use == or !=)", c.Op, c.Metric, metric.Type)
	}
	switch {
	case c.Op.presence():
		forbid("value", "value_metric", "pattern", "patterns")
	case c.Op.pattern():
		forbid("value", "value_metric")
		l.patterns(c, m, n, field)
	default:
		forbid("pattern", "patterns")
		v, hasV := m["value"]
		_, hasVM := m["value_metric"]
		switch {
		case hasV == hasVM:
			l.Errorf(n, field, "give exactly one of value and value_metric")
		case hasVM:
			c.ValueMetric = l.str(m, n, field, "value_metric", true)
			if c.ValueMetric == "" {
				return
			}
			other, ok := LookupMetric(c.ValueMetric)
			at := m["value_metric"].Value
			switch {
			case !ok:
				l.Errorf(at, field+".value_metric", "%s", yamlfile.Unknown("metric", c.ValueMetric, MetricNames()))
			case known && other.Type.numeric() != metric.Type.numeric(),
				known && !metric.Type.numeric() && other.Type != metric.Type:
				l.Errorf(at, field+".value_metric", "%s is %s and cannot be compared with %s (%s)",
					c.ValueMetric, other.Type, c.Metric, metric.Type)
			}
		case known && v.Value != nil:
			c.Value = l.literal(v.Value, field+".value", metric.Type)
		}
	}
}

// patterns reads pattern (one regular expression) or patterns (a list of them), taken as written.
func (l *loader) patterns(c *Check, m yamlfile.Fields, n *yaml.Node, field string) {
	one, hasOne := m["pattern"]
	many, hasMany := m["patterns"]
	switch {
	case hasOne == hasMany:
		l.Errorf(n, field, "give exactly one of pattern and patterns")
	case hasOne:
		if one.Value != nil {
			if s, ok := l.Text(one.Value, field+".pattern"); ok {
				l.regexp(c, one.Value, field+".pattern", s)
			}
		}
	case many.Value != nil:
		path := field + ".patterns"
		items, ok := l.List(many.Value, path)
		if !ok {
			return
		}
		if len(items) == 0 {
			l.Errorf(many.Value, path, "must list at least one regular expression")
			return
		}
		for i, pn := range items {
			if pn == nil {
				continue
			}
			if s, ok := l.Text(pn, yamlfile.Index(path, i)); ok {
				l.regexp(c, pn, yamlfile.Index(path, i), s)
			}
		}
	}
}

func (l *loader) regexp(c *Check, n *yaml.Node, field, s string) {
	re, err := regexp.Compile(s)
	if err != nil {
		l.Errorf(n, field, "bad regular expression: %v", err)
		return
	}
	c.Patterns = append(c.Patterns, s)
	c.res = append(c.res, re)
}

// literal reads a value of the metric's type.
func (l *loader) literal(n *yaml.Node, field string, t MetricType) *Value {
	switch t {
	case TypeInt, TypeNumber:
		f, ok := l.Number(n, field)
		if !ok {
			return nil
		}
		return &Value{Type: t, Num: f}
	case TypeBool:
		b, ok := l.Bool(n, field)
		if !ok {
			return nil
		}
		return &Value{Type: t, Bool: b}
	}
	s, _, ok := l.String(n, field)
	if !ok {
		return nil
	}
	return &Value{Type: t, Str: s}
}
