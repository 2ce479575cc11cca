package rules

import "time"

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
	// Checked is the date (YYYY-MM-DD) the pack's citations and statuses were last checked against their
	// sources: a reader of an old report learns what the tool knew of the law when it judged.
	Checked string
	Rules   []*Rule
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
	// Unverified says what of the rule's citation or quote could not be checked against an official text
	// (an article number, an amended wording known from one secondary source). Empty: nothing known to be
	// unverified.
	Unverified string
	// NotMeasured, instead of Check, says why the engine cannot test the requirement from a browser (a
	// notice sent before each charge, an e-mail confirmation). Such a rule is listed so that the pack is
	// complete; its verdict is always could_not_measure, with severity info and weight 0.
	NotMeasured string
	Check       *Check
	When        *Check // optional: the rule applies only when this check passes
	Severity    Severity
	Weight      float64
	// Cap, when set, is the most the pack can score for a result that fails this rule: some failures (a
	// cancellation that does not take effect) defeat the law's purpose however many other rules pass.
	Cap  *float64
	Line int

	since   time.Time
	checked string // the pack's Checked
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

// effective is the rule's status at the time a result was measured, and a note saying it for people with
// that date, the declared date and the date the pack was checked: "in force on 2026-12-04, since
// 2021-05-01; pack checked 2026-12-04". A zero time (a result without a start time) skips the date test.
func (r *Rule) effective(at time.Time) (Status, string) {
	st, note := r.status(at)
	if r.checked != "" {
		note += "; pack checked " + r.checked
	}
	return st, note
}

func (r *Rule) status(at time.Time) (Status, string) {
	if at.IsZero() {
		// Judged as if every dated rule applied; the note says there was no date to judge by.
		st := r.Status
		if st == StatusAppliesFrom {
			st = StatusInForce
		}
		return st, StatusText(r.Status, r.Since) + ", the result has no date"
	}
	on := at.UTC().Format(time.DateOnly)
	since := func(word string) string {
		if r.Since == "" {
			return ""
		}
		return ", " + word + " " + r.Since
	}
	switch r.Status {
	case StatusInForce, StatusAppliesFrom:
		word := "since"
		if r.Status == StatusAppliesFrom {
			word = "applies from"
		}
		if !r.since.IsZero() && at.Before(r.since) {
			return StatusNotYetInForce, "not yet in force on " + on + since(word)
		}
		return StatusInForce, "in force on " + on + since(word)
	case StatusVacated:
		if !r.since.IsZero() && at.Before(r.since) {
			return StatusVacated, "vacated " + r.Since + ", after this run on " + on + ": reported for reference"
		}
		return StatusVacated, "vacated on " + on + since("since")
	}
	return StatusNotYetInForce, "announced, not in force on " + on + since("expected")
}

// StatusText describes a declared status and date for listings: "in force since 2022-07-01", "announced
// for 2027-01, not in force".
func StatusText(s Status, since string) string {
	if since == "" {
		return map[Status]string{
			StatusInForce: "in force", StatusAppliesFrom: "applies from (date unknown)",
			StatusVacated: "vacated", StatusNotYetInForce: "announced, not in force",
		}[s]
	}
	if s == StatusNotYetInForce {
		return "announced for " + since + ", not in force"
	}
	return map[Status]string{
		StatusInForce: "in force since", StatusAppliesFrom: "applies from", StatusVacated: "vacated",
	}[s] + " " + since
}
