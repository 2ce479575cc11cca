package rules

import (
	"fmt"
	"time"
)

// Status is a rule's or a pack's legal status, as the pack file declares it.
type Status string

const (
	StatusInForce       Status = "in_force"         // in force since Since (optional)
	StatusAppliesFrom   Status = "applies_from"     // in force from Since: before it, not yet in force
	StatusVacated       Status = "vacated"          // set aside (Since: when); kept as a reference
	StatusNotYetInForce Status = "not_yet_in_force" // enacted, commencement not fixed; kept as a reference
)

func statuses() []Status {
	return []Status{StatusInForce, StatusAppliesFrom, StatusVacated, StatusNotYetInForce}
}

// selectable by default: the law applies (or will, on a fixed date, which Evaluate then checks).
func (s Status) selectable() bool { return s == StatusInForce || s == StatusAppliesFrom }

// Basis says whether a rule's check is the law's own words or an interpretation of them.
type Basis string

const (
	BasisLaw            Basis = "law"            // the provision's own requirement
	BasisInterpretation Basis = "interpretation" // a court's, a regulator's or this tool's reading of it
	BasisStandard       Basis = "standard"       // a technical standard's own criterion (WCAG), not law
)

// Quote says how the requirement text reproduces the source.
type Quote string

const (
	QuoteVerbatim   Quote = "verbatim"   // the provision's words, checked against a published text
	QuoteExcerpt    Quote = "excerpt"    // verbatim fragments joined by "…"
	QuoteParaphrase Quote = "paraphrase" // not the source's words
)

// Selection says when a pack is applied without --rules.
type Selection string

const (
	SelectJurisdiction Selection = "jurisdiction" // when a scenario lists the pack's jurisdiction (default)
	SelectAlways       Selection = "always"       // for every scenario (wcag)
	SelectNever        Selection = "never"        // only when named with --rules
)

// Pack is a set of rules from one jurisdiction or standard.
type Pack struct {
	ID           string
	Title        string
	Jurisdiction string
	Status       Status
	Since        string // YYYY-MM-DD, or ""
	Default      Selection
	Description  string
	Rules        []*Rule
	// Source is where the pack was loaded from: "bundled:cn.yaml" or a file path.
	Source string
	Line   int

	since time.Time
}

// Rule is one requirement and the check that tests it.
type Rule struct {
	ID           string
	Title        string
	Jurisdiction string
	Citation     string // the provision, in the source's language
	Requirement  string // the requirement, quoted or paraphrased (see Quote)
	Quote        Quote
	Status       Status
	Since        string
	Basis        Basis
	Source       string // where an interpretation comes from; for law, optional detail
	Note         string
	Check        *Check
	When         *Check // optional: the rule applies only when this check passes
	Severity     Severity
	Weight       float64
	// Cap, when set, is the most the pack can score for a result that fails this rule: some failures (a
	// cancellation that does not take effect) defeat the law's purpose however many other rules pass.
	Cap  *float64
	Line int

	since time.Time
}

// Rule finds a rule of the pack by id.
func (p *Pack) Rule(id string) *Rule {
	for _, r := range p.Rules {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// effective is the rule's status at the time a result was measured. A zero time (a result without a start
// time) skips the date test.
func (r *Rule) effective(at time.Time) (Status, string) {
	switch r.Status {
	case StatusInForce, StatusAppliesFrom:
		if !r.since.IsZero() && !at.IsZero() && at.Before(r.since) {
			return StatusNotYetInForce, fmt.Sprintf("applies from %s, after this measurement", r.Since)
		}
		if r.Since == "" {
			return StatusInForce, "in force"
		}
		if r.Status == StatusAppliesFrom {
			return StatusInForce, "applies from " + r.Since
		}
		return StatusInForce, "in force since " + r.Since
	case StatusVacated:
		if r.Since == "" {
			return StatusVacated, "vacated"
		}
		return StatusVacated, "vacated " + r.Since
	}
	if r.Since == "" {
		return StatusNotYetInForce, "not yet in force"
	}
	return StatusNotYetInForce, "not yet in force (expected " + r.Since + ")"
}

// StatusText describes a declared status and date for listings: "in force since 2022-07-01".
func StatusText(s Status, since string) string {
	text := map[Status]string{
		StatusInForce: "in force since", StatusAppliesFrom: "applies from",
		StatusVacated: "vacated", StatusNotYetInForce: "not yet in force, expected",
	}[s]
	if since == "" {
		return map[Status]string{
			StatusInForce: "in force", StatusAppliesFrom: "applies from (date unknown)",
			StatusVacated: "vacated", StatusNotYetInForce: "not yet in force",
		}[s]
	}
	return text + " " + since
}
