package reports

import (
	"cmp"
	"net/url"
	"slices"
	"strings"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/rules"
	"github.com/cancelpath/cancelpath/evidence/webarchive"
	"github.com/cancelpath/cancelpath/results"
)

// The regulator's sheet: per site, the indicators a sweep records in the style of the ICPEN and EU CPC
// sweeps, each answered yes, no or not measured (with the reason, never a guess), with a reference to the
// evidence that shows it, and the sweep's percentages over the sites measured. This file decides the
// answers, in no language; sheetcsv.go and sheethtml.go write them in the words of sheetwords.go.

// sheetAnswer is an indicator's answer for one run.
type sheetAnswer int

const (
	ansNotMeasured sheetAnswer = iota
	ansYes
	ansNo
	ansNumber // a count: sheetValue.Num
	ansNear   // renewal terms on one screen with the subscribe button
	ansFar    // renewal terms found, not on one screen with it
	ansNone   // no renewal terms found
)

// sheetWhy says why an indicator was not measured.
type sheetWhy int

const (
	whyStatus          sheetWhy = iota + 1 // the run's status says it (not carried out, no control, blocked, failed)
	whyBeforeControl                       // the run ended before the cancel control (failed)
	whyNoLanding                           // no login steps: the landing page's origin is unknown
	whyNoControlPage                       // the cancel control's page address was not recorded (or is no web address)
	whyNoSubscribe                         // the scenario has no subscribe section
	whySubscribeStatus                     // the sign-up run did not end ok
	whyNoBox                               // no auto-renewal box named, or it never appeared
	whyTermsNotLooked                      // no subscribe button named, or it never appeared
	whyTermsPlace                          // terms found, their place not measured
	whyNoEffect                            // the scenario has no effect check
	whyNotRecorded                         // the results hold no value (e.g. written by an older cancelpath)
)

// sheetStep is the step whose screenshot and archived page show an indicator.
type sheetStep int

const (
	stepControl   sheetStep = iota // the click on the cancel control (or the screen a dead end ends at)
	stepEnd                        // the done state (the end of the cancel path)
	stepSubscribe                  // the last step of the sign-up
	stepEffect                     // the last step of the effect check
	stepCount
)

// sheetKind is how an indicator is answered.
type sheetKind int

const (
	kindYesNo sheetKind = iota
	kindNumber
	kindTerms
)

// sheetIndicator is one column of the sheet.
type sheetIndicator struct {
	ID   string // stable name, as SCHEMA.md lists it
	Kind sheetKind
	Step sheetStep
	// Metrics are the rule metrics (audit/rules) whose verdicts judge the indicator.
	Metrics []string
	// Bad is the yes/no answer that is the finding (the other is what the law asks for).
	Bad sheetAnswer
	// value answers it for one run that was carried out.
	value func(e *results.Entry) sheetValue
}

// sheetValue is an indicator's answer for one run.
type sheetValue struct {
	Answer sheetAnswer
	Num    int
	Why    sheetWhy // when not measured
	// Detail is what the reason names (a sign-up status); Note is site or engine text shown with an answer (why
	// the effect check failed). Both raw: the writers clean them.
	Detail, Note string
	// Passed and Failed are the ids of the rules in force that judged the indicator.
	Passed, Failed []string
}

// Measured tells whether the indicator has an answer.
func (v sheetValue) Measured() bool { return v.Answer != ansNotMeasured }

// sheetIndicators are the sheet's indicators in column order.
func sheetIndicators() []sheetIndicator {
	return []sheetIndicator{
		{ID: "control_found", Kind: kindYesNo, Step: stepControl, Metrics: []string{"control_found"}, Bad: ansNo,
			value: controlFound},
		{ID: "payment_channel_only", Kind: kindYesNo, Step: stepControl, Metrics: []string{"control_on_site"}, Bad: ansYes,
			value: paymentChannelOnly},
		{ID: "clicks_to_control", Kind: kindNumber, Step: stepControl, Metrics: []string{"clicks_to_control"},
			value: pathCount(func(m *metrics.Metrics) *int { return m.ClicksToControl })},
		{ID: "levels_to_control", Kind: kindNumber, Step: stepControl, Metrics: []string{"levels_to_control"},
			value: pathCount(func(m *metrics.Metrics) *int { return m.LevelsToControl })},
		{ID: "retention_screens", Kind: kindNumber, Step: stepEnd, Metrics: []string{"interstitials"},
			value: pathCount(func(m *metrics.Metrics) *int { return m.Interstitials })},
		{ID: "autorenew_prechecked", Kind: kindYesNo, Step: stepSubscribe, Metrics: []string{"autorenew_prechecked"}, Bad: ansYes,
			value: prechecked},
		{ID: "renewal_terms", Kind: kindTerms, Step: stepSubscribe,
			Metrics: []string{"disclosure_found", "disclosure_in_view_with_button", "disclosure_same_block", "disclosure_distance_px"},
			value:   renewalTerms},
		{ID: "effect_verified", Kind: kindYesNo, Step: stepEffect, Metrics: []string{"effect_passed"}, Bad: ansNo,
			value: effectVerified},
	}
}

// answer is the indicator's answer for a run: not measured, with the status as the reason, for a run that was
// not carried out (it measured nothing, whatever it recorded on the way); else the indicator's own, with the
// verdicts of the rules in force that judged it.
func (ind sheetIndicator) answer(e *results.Entry) sheetValue {
	if !e.Status.CarriedOut() {
		return sheetValue{Why: whyStatus}
	}
	v := ind.value(e)
	if !v.Measured() {
		return v
	}
	for i := range e.Verdicts {
		vd := &e.Verdicts[i]
		if !results.InForce(vd) || !slices.Contains(ind.Metrics, vd.Metric) {
			continue
		}
		switch vd.Outcome {
		case rules.Pass:
			v.Passed = append(v.Passed, vd.RuleID)
		case rules.Fail:
			v.Failed = append(v.Failed, vd.RuleID)
		}
	}
	return v
}

// bad tells whether an answer is the finding: the bad yes/no answer, terms far from the button or none, a
// count a rule failed.
func (ind sheetIndicator) bad(v sheetValue) bool {
	switch v.Answer {
	case ansYes, ansNo:
		return v.Answer == ind.Bad
	case ansFar, ansNone:
		return true
	case ansNumber:
		return len(v.Failed) > 0
	}
	return false
}

func unmeasured(why sheetWhy) sheetValue { return sheetValue{Why: why} }

func answerOf(b bool) sheetValue {
	if b {
		return sheetValue{Answer: ansYes}
	}
	return sheetValue{Answer: ansNo}
}

// controlFound: yes when the run got to the cancel control (ok, blocked, failed after it), no when the run
// walked to its screen and it is not there (no_control), else not measured: the run ended before it.
func controlFound(e *results.Entry) sheetValue {
	switch {
	case e.Status == metrics.StatusNoControl:
		return answerOf(false)
	case rules.ControlReached(&e.Result):
		return answerOf(true)
	}
	return unmeasured(whyBeforeControl)
}

// paymentChannelOnly: the cancel control's page is on another origin than the logged-in landing page, as the
// rule metric control_on_site reads it (cn.control-on-site judges it): yes, cancelling takes the user to another
// site (a payment channel's 代扣 page, say); no, the control is on the site. The tool does not tell what the
// other site is.
func paymentChannelOnly(e *results.Entry) sheetValue {
	if e.Status == metrics.StatusNoControl {
		return unmeasured(whyStatus) // no control on the path walked: nothing to locate
	}
	if e.Control == nil {
		if rules.ControlReached(&e.Result) {
			if e.Status == metrics.StatusBlocked {
				return unmeasured(whyStatus)
			}
			return unmeasured(whyNoControlPage)
		}
		return unmeasured(whyBeforeControl)
	}
	m, ok := rules.LookupMetric("control_on_site")
	if !ok {
		return unmeasured(whyNotRecorded)
	}
	if v, ok := m.Value(&e.Result); ok {
		return answerOf(!v.Bool)
	}
	if landingURL(e) == "" {
		return unmeasured(whyNoLanding)
	}
	return unmeasured(whyNoControlPage)
}

// landingURL is the page the login steps ended on, as control_on_site takes it ("" without login steps).
func landingURL(e *results.Entry) string {
	landing := ""
	for _, s := range e.Steps {
		if s.Phase == metrics.PhaseLogin && s.URL != "" {
			landing = s.URL
		}
	}
	if u, err := url.Parse(landing); err != nil || u.Host == "" {
		return ""
	}
	return landing
}

// pathCount reads a count of the cancel path (clicks and levels to the control, retention screens after
// it): not measured when the run did not get there (the status says why: no control, blocked, failed
// before it).
func pathCount(get func(*metrics.Metrics) *int) func(e *results.Entry) sheetValue {
	return func(e *results.Entry) sheetValue {
		if p := get(&e.Metrics); p != nil {
			return sheetValue{Answer: ansNumber, Num: *p}
		}
		if e.Status == metrics.StatusFailed && !rules.ControlReached(&e.Result) {
			return unmeasured(whyBeforeControl)
		}
		if e.Status != metrics.StatusOK {
			return unmeasured(whyStatus)
		}
		return unmeasured(whyNotRecorded)
	}
}

// subscribeNotMeasured says why a sign-up indicator has no value.
func subscribeNotMeasured(s *metrics.Subscribe, otherwise sheetWhy) sheetValue {
	if s.Status != "" && s.Status != metrics.StatusOK {
		return sheetValue{Why: whySubscribeStatus, Detail: string(s.Status)}
	}
	return unmeasured(otherwise)
}

func prechecked(e *results.Entry) sheetValue {
	s := e.Subscribe
	switch {
	case s == nil:
		return unmeasured(whyNoSubscribe)
	case s.AutorenewPrechecked == nil:
		return subscribeNotMeasured(s, whyNoBox)
	}
	return answerOf(*s.AutorenewPrechecked)
}

// renewalTerms is the rating table's Trm: near, far, none.
func renewalTerms(e *results.Entry) sheetValue {
	s := e.Subscribe
	switch {
	case s == nil:
		return unmeasured(whyNoSubscribe)
	case s.DisclosureFound == nil:
		return subscribeNotMeasured(s, whyTermsNotLooked)
	case !*s.DisclosureFound:
		return sheetValue{Answer: ansNone}
	case s.DisclosureInViewWithButton == nil:
		return unmeasured(whyTermsPlace)
	case *s.DisclosureInViewWithButton:
		return sheetValue{Answer: ansNear}
	}
	return sheetValue{Answer: ansFar}
}

// effectVerified: the check afterwards found auto-renewal off (yes) or still on (no, with what it found).
func effectVerified(e *results.Entry) sheetValue {
	switch {
	case e.Effect != nil && e.Effect.Passed:
		return answerOf(true)
	case e.Effect != nil:
		v := answerOf(false)
		v.Note = e.Effect.Reason
		return v
	case e.Status != metrics.StatusOK:
		return unmeasured(whyStatus) // the done state was not reached: nothing to check
	}
	return unmeasured(whyNoEffect)
}

// sheetStepOf finds the step whose evidence shows indicators of a kind, or nil: the locators of the rule
// engine's evidence (audit/rules/evidence.go), but for the sign-up.
func sheetStepOf(e *results.Entry, which sheetStep) *metrics.Step {
	last := func(phase string) *metrics.Step {
		var at *metrics.Step
		for i := range e.Steps {
			if e.Steps[i].Phase == phase {
				at = &e.Steps[i]
			}
		}
		return at
	}
	switch which {
	case stepControl:
		for i := range e.Steps {
			if e.Steps[i].Control {
				return &e.Steps[i]
			}
		}
		return last(metrics.PhaseDeadEnd)
	case stepEnd:
		if s := last(metrics.PhaseDone); s != nil {
			return s
		}
		return last(metrics.PhaseCancel)
	case stepSubscribe:
		// The engine does not record which sign-up step showed the box and the terms: the last one with a
		// screenshot shows the most of the sign-up (its last step is often a wait without one).
		var shot *metrics.Step
		for i := range e.Steps {
			if e.Steps[i].Phase == metrics.PhaseSubscribe && e.Steps[i].Screenshot != "" {
				shot = &e.Steps[i]
			}
		}
		if shot != nil {
			return shot
		}
		return last(metrics.PhaseSubscribe)
	case stepEffect:
		return last(metrics.PhaseEffect)
	}
	return nil
}

// sheetRef is the evidence of an indicator: the screenshot of its step and that step's page in the run's web
// archive. Paths are relative to the audit's output folder, raw (the writers clean them).
type sheetRef struct {
	Screenshot string
	// URL and Time find the step's page in the archive (evidence/<scenario>@<device>/archive.wacz), which
	// indexes one page per step by URL and start time.
	URL, Time string
}

func (r sheetRef) empty() bool { return r.Screenshot == "" && r.URL == "" && r.Time == "" }

// sheetRefOf is the evidence of a step: its screenshot (for the control, the one taken before the click when
// the step has none; for a dead end, the dead end's).
func sheetRefOf(e *results.Entry, which sheetStep) sheetRef {
	var r sheetRef
	if st := sheetStepOf(e, which); st != nil {
		r = sheetRef{Screenshot: st.Screenshot, URL: st.URL, Time: webarchive.PageTime(st.StartedAt)}
	}
	if which == stepControl && r.Screenshot == "" {
		switch {
		case e.Control != nil && e.Control.Screenshot != "":
			r.Screenshot = e.Control.Screenshot
		case e.DeadEnd != nil:
			r.Screenshot = e.DeadEnd.Screenshot
		}
	}
	return r
}

// archivePath is where the run's web archive is written, relative to the output folder. The reference is
// written from the results: the file is not required to exist (results written before archives were).
func archivePath(e *results.Entry) string {
	return "evidence/" + e.Key() + "/archive.wacz"
}

// sheetRun is one run's row: the answers in indicator order, and the evidence by step.
type sheetRun struct {
	Entry  *results.Entry
	Values []sheetValue
	// Refs are the evidence by step (sheetStep), kept only when an indicator shown by that step was measured.
	Refs [stepCount]sheetRef
}

// sheetSite is the rows of one site (its display name), numbered in sheet order.
type sheetSite struct {
	No   int
	Name string // raw
	Runs []sheetRun
}

// sheetAggregate is the sweep's count for one indicator, over sites: a site is measured when one of its runs
// measured the indicator, and counts under each answer one of its runs gave (a site whose devices disagree
// counts under both answers). A count's answers are the rules' verdicts on it: failed, passed, not judged.
type sheetAggregate struct {
	Indicator   sheetIndicator
	Measured    int                 // sites
	NotMeasured int                 // sites none of whose runs measured it
	Counts      map[sheetAnswer]int // sites with the answer on at least one run
	// For counts: sites with a run where a rule in force failed the count, one where rules passed it (and none
	// failed), one that no rule in force judged.
	RuleFailed, RulePassed, RuleNone int
	// Highest is, per site measured, its highest count (its worst device); for counts only.
	Highest []int
}

// sheetData is the sheet of a document.
type sheetData struct {
	Indicators []sheetIndicator
	Sites      []sheetSite
	Aggregates []sheetAggregate
	Runs       int
	// ByStatus counts the runs by status, in metrics.Statuses order (unknown statuses after).
	ByStatus []statusCount
	// SitesCarriedOut are the sites with at least one run carried out.
	SitesCarriedOut int
}

type statusCount struct {
	Status metrics.Status
	Runs   int
}

// newSheet groups the runs by site (sites in the order of their first scenario id, runs by scenario id and
// device), answers every indicator and counts the sweep.
func newSheet(doc *results.Document) sheetData {
	d := sheetData{Indicators: sheetIndicators(), Runs: len(doc.Results)}
	entries := make([]*results.Entry, len(doc.Results))
	for i := range doc.Results {
		entries[i] = &doc.Results[i]
	}
	slices.SortStableFunc(entries, func(a, b *results.Entry) int {
		return cmp.Or(cmp.Compare(a.ScenarioID, b.ScenarioID), cmp.Compare(a.Device.Name, b.Device.Name))
	})
	index := map[string]int{}
	for _, e := range entries {
		i, ok := index[e.Site]
		if !ok {
			i = len(d.Sites)
			index[e.Site] = i
			d.Sites = append(d.Sites, sheetSite{No: i + 1, Name: e.Site})
		}
		run := sheetRun{Entry: e}
		var shown [stepCount]bool
		for _, ind := range d.Indicators {
			v := ind.answer(e)
			run.Values = append(run.Values, v)
			if v.Measured() {
				shown[ind.Step] = true
			}
		}
		for s := range stepCount {
			if shown[s] {
				run.Refs[s] = sheetRefOf(e, s)
			}
		}
		d.Sites[i].Runs = append(d.Sites[i].Runs, run)
	}
	for k, ind := range d.Indicators {
		a := sheetAggregate{Indicator: ind, Counts: map[sheetAnswer]int{}}
		for _, site := range d.Sites {
			seen := map[sheetAnswer]bool{}
			var failed, passed, unjudged bool
			measured, highest := false, 0
			for _, run := range site.Runs {
				v := run.Values[k]
				if !v.Measured() {
					continue
				}
				if !measured || v.Num > highest {
					highest = v.Num
				}
				measured = true
				seen[v.Answer] = true
				switch {
				case len(v.Failed) > 0:
					failed = true
				case len(v.Passed) > 0:
					passed = true
				default:
					unjudged = true
				}
			}
			if !measured {
				a.NotMeasured++
				continue
			}
			a.Measured++
			for ans := range seen {
				a.Counts[ans]++
			}
			a.RuleFailed += b2i(failed)
			a.RulePassed += b2i(passed)
			a.RuleNone += b2i(unjudged)
			if ind.Kind == kindNumber {
				a.Highest = append(a.Highest, highest)
			}
		}
		d.Aggregates = append(d.Aggregates, a)
	}
	for _, site := range d.Sites {
		for _, run := range site.Runs {
			if run.Entry.Status.CarriedOut() {
				d.SitesCarriedOut++
				break
			}
		}
	}
	counts := map[metrics.Status]int{}
	var extra []metrics.Status
	for _, e := range entries {
		if counts[e.Status] == 0 && !slices.Contains(metrics.Statuses, e.Status) {
			extra = append(extra, e.Status)
		}
		counts[e.Status]++
	}
	for _, s := range append(slices.Clone(metrics.Statuses), extra...) {
		if counts[s] > 0 {
			d.ByStatus = append(d.ByStatus, statusCount{Status: s, Runs: counts[s]})
		}
	}
	return d
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// median of counts, as a number ("" for none): the middle one, or the mean of the two middle ones.
func median(xs []int) string {
	if len(xs) == 0 {
		return ""
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return num(float64(s[n/2]))
	}
	return num(float64(s[n/2-1]+s[n/2]) / 2)
}

// percent is n of total as a percentage rounded to a tenth: "62.5%" ("" when total is 0).
func percent(n, total int) string {
	if total == 0 {
		return ""
	}
	return num(float64(int(float64(n)*1000/float64(total)+0.5))/10) + "%"
}

// sheetDates is the sweep's date in UTC: one day, or the first and last ("" when the document has none).
func sheetDates(doc *results.Document) string {
	start, end := doc.StartedAt, doc.FinishedAt
	if start.IsZero() {
		for _, e := range doc.Results {
			if !e.StartedAt.IsZero() && (start.IsZero() || e.StartedAt.Before(start)) {
				start = e.StartedAt
			}
		}
	}
	if start.IsZero() {
		return ""
	}
	a := start.UTC().Format("2006-01-02")
	if end.IsZero() {
		return a
	}
	if b := end.UTC().Format("2006-01-02"); b != a {
		return a + " – " + b
	}
	return a
}

// sheetPacks are the rule packs the sweep applied, cleaned.
func sheetPacks(doc *results.Document) []string {
	packs := doc.Packs
	if len(packs) == 0 {
		packs = results.PacksOf(doc.Results)
	}
	out := make([]string, 0, len(packs))
	for _, p := range packs {
		out = append(out, Clean(p))
	}
	return out
}

// joinIDs joins rule ids, cleaned.
func joinIDs(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = Clean(id)
	}
	return strings.Join(out, ", ")
}
