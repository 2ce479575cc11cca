package rules

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// PackError is one problem in a pack file, at a line, in a field.
type PackError struct {
	File  string
	Line  int
	Field string // a path such as rules[2].check.metric
	Msg   string
}

func (e *PackError) Error() string {
	return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Field, e.Msg)
}

// LoadPackFile reads and validates a user's pack file. Every problem is reported (errors.Join of *PackError),
// each as file:line: field: message.
func LoadPackFile(path string) (*Pack, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("rule pack: %w", err)
	}
	return ParsePack(data, path)
}

// maxPackSize bounds a pack file: the bundled ones are a few KB.
const maxPackSize = 1 << 20

var yamlErrLine = regexp.MustCompile(`line (\d+)`)

// ParsePack validates a pack held in memory; name is used in error messages and as the pack's Source.
func ParsePack(data []byte, name string) (*Pack, error) {
	if len(data) > maxPackSize {
		return nil, &PackError{File: name, Line: 1, Field: "(file)", Msg: fmt.Sprintf("file is more than %d bytes", maxPackSize)}
	}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		return nil, &PackError{File: name, Line: 1 + bytes.Count(data[:i], []byte("\n")), Field: "(file)",
			Msg: "not UTF-8 text (save the file as UTF-8)"}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line := 1
		if m := yamlErrLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = strings.TrimPrefix(msg, fmt.Sprintf("line %d: ", line)) // the position is in the prefix already
		return nil, &PackError{File: name, Line: line, Field: "(yaml)", Msg: msg}
	}
	if len(doc.Content) == 0 {
		return nil, &PackError{File: name, Line: 1, Field: "(file)", Msg: "empty pack file"}
	}
	l := &loader{file: name}
	p := l.pack(doc.Content[0])
	if len(l.errs) > 0 {
		sort.SliceStable(l.errs, func(i, j int) bool { return l.errs[i].Line < l.errs[j].Line })
		errs := make([]error, len(l.errs))
		for i, e := range l.errs {
			errs[i] = e
		}
		return nil, errors.Join(errs...)
	}
	p.Source = name
	return p, nil
}

type loader struct {
	file string
	errs []*PackError
}

func (l *loader) fail(n *yaml.Node, field, format string, a ...any) {
	l.errs = append(l.errs, &PackError{File: l.file, Line: n.Line, Field: field, Msg: fmt.Sprintf(format, a...)})
}

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

// mapping checks that n is a mapping with only known keys, each once, and returns the values by key.
func (l *loader) mapping(n *yaml.Node, field string, known ...string) map[string]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		l.fail(n, field, "must be a mapping, not %s", kindName(n))
		return nil
	}
	out := map[string]*yaml.Node{}
	keys := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name := join(field, k.Value)
		if first, dup := keys[k.Value]; dup {
			l.fail(k, name, "duplicate key (first at line %d)", first)
			continue
		}
		keys[k.Value] = k.Line
		if !contains(known, k.Value) {
			l.fail(k, name, "unknown key%s; valid keys: %s", didYouMean(k.Value, known), strings.Join(known, ", "))
			continue
		}
		out[k.Value] = v
	}
	return out
}

func join(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "empty"
	}
	return "a scalar"
}

// str reads a required or optional non-empty string.
func (l *loader) str(m map[string]*yaml.Node, parent *yaml.Node, field, key string, required bool) string {
	n, ok := m[key]
	if !ok {
		if required {
			l.fail(parent, join(field, key), "missing (required)")
		}
		return ""
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		l.fail(n, join(field, key), "must be a string, not %s", kindName(n))
		return ""
	}
	s := strings.TrimSpace(n.Value)
	if s == "" && required {
		l.fail(n, join(field, key), "must not be empty")
	}
	return s
}

// enum reads a string that must be one of valid; def is used when the key is absent and def is not "".
func (l *loader) enum(m map[string]*yaml.Node, parent *yaml.Node, field, key, def string, valid []string) string {
	s := l.str(m, parent, field, key, def == "")
	if s == "" {
		return def
	}
	if !contains(valid, s) {
		l.fail(m[key], join(field, key), "%q is not valid%s; valid values: %s", s, didYouMean(s, valid),
			strings.Join(valid, ", "))
		return ""
	}
	return s
}

// date reads since: a YYYY-MM-DD date (or, for a not-yet-in-force status, also YYYY or YYYY-MM).
func (l *loader) date(m map[string]*yaml.Node, parent *yaml.Node, field string, st Status) (string, time.Time) {
	s := l.str(m, parent, field, "since", false)
	if s == "" {
		if st == StatusAppliesFrom || st == StatusVacated {
			l.fail(parent, join(field, "since"), "missing (required when the status is %s)", st)
		}
		return "", time.Time{}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err == nil {
		return s, t
	}
	if st == StatusNotYetInForce && partialDate(s) {
		return s, time.Time{}
	}
	l.fail(m["since"], join(field, "since"), "%q is not a date (YYYY-MM-DD)", s)
	return "", time.Time{}
}

func (l *loader) number(n *yaml.Node, field string) (float64, bool) {
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
		l.fail(n, field, "must be a number, not %s", describeScalar(n))
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		l.fail(n, field, "%q is not a finite number", n.Value)
		return 0, false
	}
	return f, true
}

func describeScalar(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		return kindName(n)
	}
	return fmt.Sprintf("%q", n.Value)
}

func statusNames() []string {
	all := statuses()
	out := make([]string, len(all))
	for i, s := range all {
		out[i] = string(s)
	}
	return out
}

func (l *loader) pack(n *yaml.Node) *Pack {
	m := l.mapping(n, "", "id", "title", "jurisdiction", "status", "since", "checked", "default", "description",
		"rules")
	p := &Pack{Line: n.Line}
	if m == nil {
		return p
	}
	p.ID = l.str(m, n, "", "id", true)
	if p.ID != "" && !validID(p.ID, "-") {
		l.fail(m["id"], "id", "%q: use lower-case letters, digits and '-'", p.ID)
	}
	p.Title = l.str(m, n, "", "title", true)
	p.Jurisdiction = l.str(m, n, "", "jurisdiction", true)
	p.Status = Status(l.enum(m, n, "", "status", "", statusNames()))
	p.Since, p.since = l.date(m, n, "", p.Status)
	if c := l.str(m, n, "", "checked", false); c != "" {
		if _, err := time.Parse(time.DateOnly, c); err != nil {
			l.fail(m["checked"], "checked", "%q is not a date (YYYY-MM-DD)", c)
		} else {
			p.Checked = c
		}
	}
	p.Default = Selection(l.enum(m, n, "", "default", string(SelectJurisdiction),
		[]string{string(SelectJurisdiction), string(SelectAlways), string(SelectNever)}))
	p.Description = l.str(m, n, "", "description", false)

	rules, ok := m["rules"]
	switch {
	case !ok:
		l.fail(n, "rules", "missing (required)")
		return p
	case rules.Kind != yaml.SequenceNode || len(rules.Content) == 0:
		l.fail(rules, "rules", "must be a non-empty list of rules")
		return p
	}
	seen := map[string]int{}
	for i, rn := range rules.Content {
		field := fmt.Sprintf("rules[%d]", i)
		r := l.rule(rn, field, p)
		if r == nil {
			continue
		}
		if first, dup := seen[r.ID]; dup && r.ID != "" {
			l.fail(rn, field+".id", "duplicate rule id %q (first at line %d)", r.ID, first)
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
	m := l.mapping(n, field, ruleKeys()...)
	if m == nil {
		return nil
	}
	r := &Rule{Line: n.Line}
	r.ID = l.str(m, n, field, "id", true)
	if r.ID != "" && !validID(r.ID, "._-") {
		l.fail(m["id"], field+".id", "%q: use lower-case letters, digits, '.', '_' and '-'", r.ID)
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
		r.Since, r.since = l.date(m, n, field, r.Status)
	} else {
		if _, ok := m["since"]; ok {
			l.fail(m["since"], field+".since", "since without status: give the status too")
		}
		r.Status, r.Since, r.since = p.Status, p.Since, p.since
	}
	r.Basis = Basis(l.enum(m, n, field, "basis", "",
		[]string{string(BasisLaw), string(BasisInterpretation), string(BasisStandard)}))
	r.Source = l.str(m, n, field, "source", false)
	if r.Basis == BasisInterpretation && r.Source == "" {
		l.fail(n, field+".source", "missing (an interpretation must say where it comes from)")
	}
	r.Note = l.str(m, n, field, "note", false)
	r.Unverified = l.str(m, n, field, "unverified", false)
	r.NotMeasured = l.str(m, n, field, "not_measured", false)
	c, hasCheck := m["check"]
	_, hasNM := m["not_measured"]
	switch {
	case hasCheck && hasNM:
		l.fail(c, field+".check", "give check or not_measured, not both")
	case hasCheck:
		r.Check = l.check(c, field+".check")
	case !hasNM:
		l.fail(n, field+".check", "missing (required; or not_measured: why the engine cannot test this)")
	}
	if w, ok := m["when"]; ok {
		r.When = l.check(w, field+".when")
	}
	sev := l.str(m, n, field, "severity", true)
	if sev != "" {
		s, err := ParseSeverity(sev)
		if err != nil {
			l.fail(m["severity"], field+".severity", "%q is not valid; valid values: %s", sev, severityList())
		}
		r.Severity = s
	}
	if w, ok := m["weight"]; ok {
		if f, ok := l.number(w, field+".weight"); ok {
			if f < 0 {
				l.fail(w, field+".weight", "must not be negative")
			}
			r.Weight = f
		}
	} else {
		l.fail(n, field+".weight", "missing (required)")
	}
	if c, ok := m["cap"]; ok {
		if f, ok := l.number(c, field+".cap"); ok {
			if f < 0 || f > 100 {
				l.fail(c, field+".cap", "must be a score from 0 to 100")
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
func (l *loader) notMeasured(r *Rule, m map[string]*yaml.Node, field string) {
	const why = "a not_measured rule is always could_not_measure"
	if w, ok := m["when"]; ok {
		l.fail(w, field+".when", "not used: %s", why)
	}
	if c, ok := m["cap"]; ok {
		l.fail(c, field+".cap", "not used: %s", why)
	}
	if w, ok := m["weight"]; ok && r.Weight != 0 {
		l.fail(w, field+".weight", "must be 0: %s and must not lower a score", why)
	}
	if s, ok := m["severity"]; ok && r.Severity != "" && r.Severity != Info {
		l.fail(s, field+".severity", "must be info: %s", why)
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

func (l *loader) check(n *yaml.Node, field string) *Check {
	m := l.mapping(n, field, "metric", "op", "value", "value_metric", "pattern", "patterns", "any", "all")
	c := &Check{Line: n.Line}
	if m == nil {
		return c
	}
	anyN, isAny := m["any"]
	allN, isAll := m["all"]
	if isAny || isAll {
		if isAny && isAll || len(m) > 1 {
			l.fail(n, field, "any or all stands alone: put every condition inside it")
			return c
		}
		key, list := "any", anyN
		if isAll {
			key, list = "all", allN
		}
		if list.Kind != yaml.SequenceNode || len(list.Content) < 2 {
			l.fail(list, join(field, key), "must be a list of at least two checks")
			return c
		}
		parts := make([]*Check, len(list.Content))
		for i, pn := range list.Content {
			parts[i] = l.check(pn, fmt.Sprintf("%s.%s[%d]", field, key, i))
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
			l.fail(m["metric"], field+".metric", "unknown metric %q%s; valid metrics: %s",
				c.Metric, didYouMean(c.Metric, MetricNames()), strings.Join(MetricNames(), ", "))
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
func (l *loader) checkArgs(c *Check, m map[string]*yaml.Node, n *yaml.Node, field string, metric Metric, known bool) {
	forbid := func(keys ...string) {
		for _, k := range keys {
			if v, ok := m[k]; ok {
				l.fail(v, join(field, k), "not used by op %s", c.Op)
			}
		}
	}
	if known && (c.Op.pattern() || c.Op.presence()) && metric.Type != TypeString {
		l.fail(m["op"], field+".op", "%s needs a string metric; %s is %s", c.Op, c.Metric, metric.Type)
	}
	if known && c.Op.ordered() && !metric.Type.numeric() {
		l.fail(m["op"], field+".op", "%s needs a number; %s is %s (use == or !=)", c.Op, c.Metric, metric.Type)
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
		vm, hasVM := m["value_metric"]
		switch {
		case hasV == hasVM:
			l.fail(n, field, "give exactly one of value and value_metric")
		case hasVM:
			c.ValueMetric = l.str(m, n, field, "value_metric", true)
			other, ok := LookupMetric(c.ValueMetric)
			switch {
			case !ok:
				l.fail(vm, field+".value_metric", "unknown metric %q%s; valid metrics: %s",
					c.ValueMetric, didYouMean(c.ValueMetric, MetricNames()), strings.Join(MetricNames(), ", "))
			case known && other.Type.numeric() != metric.Type.numeric(),
				known && !metric.Type.numeric() && other.Type != metric.Type:
				l.fail(vm, field+".value_metric", "%s is %s and cannot be compared with %s (%s)",
					c.ValueMetric, other.Type, c.Metric, metric.Type)
			}
		case known:
			c.Value = l.literal(v, field+".value", metric.Type)
		}
	}
}

func (l *loader) patterns(c *Check, m map[string]*yaml.Node, n *yaml.Node, field string) {
	one, hasOne := m["pattern"]
	many, hasMany := m["patterns"]
	switch {
	case hasOne == hasMany:
		l.fail(n, field, "give exactly one of pattern and patterns")
		return
	case hasOne:
		if s := l.str(m, n, field, "pattern", true); s != "" {
			l.regexp(c, one, field+".pattern", s)
		}
	default:
		if many.Kind != yaml.SequenceNode || len(many.Content) == 0 {
			l.fail(many, field+".patterns", "must be a non-empty list of regular expressions")
			return
		}
		for i, pn := range many.Content {
			f := fmt.Sprintf("%s.patterns[%d]", field, i)
			if pn.Kind != yaml.ScalarNode || pn.Value == "" {
				l.fail(pn, f, "must be a regular expression")
				continue
			}
			l.regexp(c, pn, f, pn.Value)
		}
	}
}

func (l *loader) regexp(c *Check, n *yaml.Node, field, s string) {
	re, err := regexp.Compile(s)
	if err != nil {
		l.fail(n, field, "bad regular expression: %v", err)
		return
	}
	c.Patterns = append(c.Patterns, s)
	c.res = append(c.res, re)
}

// literal reads a value of the metric's type.
func (l *loader) literal(n *yaml.Node, field string, t MetricType) *Value {
	switch t {
	case TypeInt, TypeNumber:
		f, ok := l.number(n, field)
		if !ok {
			return nil
		}
		return &Value{Type: t, Num: f}
	case TypeBool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			l.fail(n, field, "must be true or false, not %s", describeScalar(n))
			return nil
		}
		b, err := strconv.ParseBool(strings.ToLower(n.Value))
		if err != nil {
			l.fail(n, field, "must be true or false, not %q", n.Value)
			return nil
		}
		return &Value{Type: t, Bool: b}
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		l.fail(n, field, "must be a string, not %s", kindName(n))
		return nil
	}
	return &Value{Type: t, Str: n.Value}
}
