package reports

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/rules"
	"github.com/cancelpath/cancelpath/internal/jsonesc"
	"github.com/cancelpath/cancelpath/results"
)

// SARIF 2.1.0 for code-scanning UIs. Each rule that produced a verdict becomes a reporting descriptor whose
// help text and properties carry its citation, basis and threshold; each failed (or unmeasurable) verdict
// becomes a result located at the scenario file's line of the step it concerns. The run itself is reported
// like JUnit's run test case: a run that ended in a finding (no_control, blocked, failed) is a result of the
// descriptor cancelpath.run; a run that was not carried out (out_of_reach, site_error, error) is a tool
// execution notification of level error, and the invocation is then not successful.

const sarifInfoURI = "https://github.com/cancelpath/cancelpath"

// sarifRenderer writes results.sarif, as described above.
type sarifRenderer struct{}

func (sarifRenderer) Render(w io.Writer, doc *results.Document, _ Options) error {
	report, err := sarif.New(sarif.Version210)
	if err != nil {
		return err
	}
	driver := sarif.NewVersionedDriver(toolName(doc), nonEmpty(Clean(doc.Tool.Version), "dev")).
		WithInformationURI(sarifInfoURI)
	run := sarif.NewRun(*sarif.NewTool(driver))
	report.AddRun(run)

	ruleIndex := map[string]int{}
	ok := true
	var notes []*sarif.Notification
	for i := range doc.Results {
		e := &doc.Results[i]
		switch {
		case e.Status == metrics.StatusOK:
		case !e.Status.CarriedOut():
			ok = false
			notes = append(notes, sarifNotCarriedOut(e))
		default:
			if _, seen := ruleIndex[runRuleID]; !seen {
				ruleIndex[runRuleID] = len(driver.Rules)
				driver.Rules = append(driver.Rules, sarifRunRule())
			}
			run.AddResult(sarifRunResult(e, ruleIndex[runRuleID]))
		}
		for j := range e.Verdicts {
			v := &e.Verdicts[j]
			if _, ok := ruleIndex[v.RuleID]; !ok {
				ruleIndex[v.RuleID] = len(driver.Rules)
				driver.Rules = append(driver.Rules, sarifRule(v))
			}
			if v.Outcome != rules.Fail && v.Outcome != rules.CouldNotMeasure {
				continue
			}
			run.AddResult(sarifResult(e, v, ruleIndex[v.RuleID]))
		}
	}
	inv := run.AddInvocation(ok)
	inv.ToolExecutionNotifications = notes
	if !doc.StartedAt.IsZero() {
		inv.WithStartTimeUTC(doc.StartedAt.UTC())
	}
	if !doc.FinishedAt.IsZero() {
		inv.WithEndTimeUTC(doc.FinishedAt.UTC())
	}

	var buf bytes.Buffer
	if err := report.PrettyWrite(&buf); err != nil {
		return err
	}
	_, err = w.Write(append(jsonesc.Escape(bytes.TrimRight(buf.Bytes(), "\n")), '\n'))
	return err
}

func toolName(doc *results.Document) string {
	return nonEmpty(Clean(doc.Tool.Name), "cancelpath")
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// sarifRule describes a rule from the first verdict seen for it.
func sarifRule(v *rules.Verdict) *sarif.ReportingDescriptor {
	title := Clean(v.Title)
	r := sarif.NewRule(Clean(v.RuleID)).
		WithName(sarifRuleName(v.RuleID)).
		WithShortDescription(sarif.NewMultiformatMessageString(nonEmpty(title, Clean(v.RuleID)))).
		WithFullDescription(sarif.NewMultiformatMessageString(ruleFullDescription(v))).
		WithHelp(sarif.NewMultiformatMessageString(ruleHelpText(v)).WithMarkdown(ruleHelpMarkdown(v))).
		WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(v)))
	props := sarif.Properties{
		"pack":         Clean(v.Pack),
		"jurisdiction": Clean(v.Jurisdiction),
		"citation":     Clean(v.Citation),
		"basis":        Clean(v.Basis),
		"severity":     string(v.Severity),
		"weight":       v.Weight,
		"metric":       Clean(v.Metric),
		"threshold":    Clean(v.Threshold),
		"tags":         sarifTags(v),
	}
	if v.BasisSource != "" {
		props["basis_source"] = Clean(v.BasisSource)
	}
	if v.RuleStatus != "" {
		props["rule_status"] = string(v.RuleStatus)
	}
	return r.WithProperties(props)
}

// sarifRuleName is the rule id in PascalCase-free form code-scanning UIs accept as a name (no spaces).
func sarifRuleName(id string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' {
			return '-'
		}
		return r
	}, Clean(id))
}

func sarifTags(v *rules.Verdict) []string {
	tags := []string{"cancelpath"}
	for _, t := range []string{v.Pack, v.Jurisdiction, v.Basis} {
		if t = Clean(t); t != "" && !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	return tags
}

func ruleFullDescription(v *rules.Verdict) string {
	s := Clean(v.Title)
	if c := Clean(v.Citation); c != "" {
		s += " (" + c + ")"
	}
	return s
}

func ruleHelpText(v *rules.Verdict) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", Clean(v.Title))
	if c := Clean(v.Citation); c != "" {
		fmt.Fprintf(&b, "Legal basis: %s\n", c)
	}
	if m := Clean(v.Metric); m != "" {
		fmt.Fprintf(&b, "Check: %s %s\n", m, Clean(v.Threshold))
	}
	fmt.Fprintf(&b, "Basis: %s", nonEmpty(Clean(v.Basis), "unspecified"))
	if s := Clean(v.BasisSource); s != "" {
		fmt.Fprintf(&b, " (%s)", s)
	}
	if n := Clean(v.StatusNote); n != "" {
		fmt.Fprintf(&b, "\nStatus: %s", n)
	}
	return b.String()
}

func ruleHelpMarkdown(v *rules.Verdict) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s**\n\n", mdEscape(v.Title))
	if c := Clean(v.Citation); c != "" {
		fmt.Fprintf(&b, "Legal basis: %s\n\n", mdEscape(c))
	}
	if m := Clean(v.Metric); m != "" {
		fmt.Fprintf(&b, "Check: %s %s\n\n", mdEscape(m), mdEscape(v.Threshold))
	}
	fmt.Fprintf(&b, "Basis: %s", mdEscape(nonEmpty(Clean(v.Basis), "unspecified")))
	if s := Clean(v.BasisSource); s != "" {
		fmt.Fprintf(&b, " (%s)", mdEscape(s))
	}
	if n := Clean(v.StatusNote); n != "" {
		fmt.Fprintf(&b, "\n\nStatus: %s", mdEscape(n))
	}
	return b.String()
}

// sarifLevel maps a verdict to a SARIF level: failures by severity; a rule not in force, an unmeasurable
// check and info findings are notes or warnings, so that code scanning does not block on them.
func sarifLevel(v *rules.Verdict) string {
	if !results.InForce(v) {
		return "note"
	}
	level := "warning"
	switch v.Severity {
	case rules.Critical, rules.Major:
		level = "error"
	case rules.Info:
		level = "note"
	}
	if v.Outcome == rules.CouldNotMeasure && level == "error" {
		return "warning"
	}
	return level
}

func sarifResult(e *results.Entry, v *rules.Verdict, index int) *sarif.Result {
	msg := fmt.Sprintf("%s (%s): %s", Clean(e.Site), Clean(e.Key()), verdictSummary(v))
	if v.Outcome == rules.CouldNotMeasure {
		msg = fmt.Sprintf("%s (%s): could not measure: %s", Clean(e.Site), Clean(e.Key()), verdictSummary(v))
	}
	if !results.InForce(v) {
		msg += " [rule not in force: " + Clean(v.StatusNote) + "]"
	} else if n := Clean(v.StatusNote); n != "" {
		msg += " [legal status: " + n + "]"
	}
	if m := Clean(v.Message); m != "" {
		msg += " — " + m
	}
	line := verdictLine(e, v)
	if line < 1 {
		line = 1
	}
	loc := sarif.NewPhysicalLocation().
		WithArtifactLocation(sarifArtifact(e.File)).
		WithRegion(sarif.NewRegion().WithStartLine(line))
	r := sarif.NewRuleResult(Clean(v.RuleID)).
		WithRuleIndex(index).
		WithLevel(sarifLevel(v)).
		WithMessage(sarif.NewTextMessage(msg)).
		WithLocations([]*sarif.Location{sarif.NewLocationWithPhysicalLocation(loc)})
	r.WithPartialFingerPrints(map[string]interface{}{
		"cancelpathFinding/v1": Clean(e.Key()) + "/" + Clean(v.RuleID),
	})
	props := sarif.Properties{
		"site":     Clean(e.Site),
		"scenario": Clean(e.ScenarioID),
		"device":   Clean(e.Device.Name),
		"outcome":  string(v.Outcome),
		"measured": Clean(v.Measured),
	}
	if v.Screenshot != "" {
		props["screenshot"] = Clean(v.Screenshot)
	}
	r.Properties = props
	return r
}

// runRuleID is the descriptor of the run itself: did the path reach a usable control and the done state?
const runRuleID = "cancelpath.run"

func sarifRunRule() *sarif.ReportingDescriptor {
	wd := english()
	var text, md strings.Builder
	text.WriteString("The cancel path reaches a usable cancel control and the done state.\n")
	md.WriteString("**The cancel path reaches a usable cancel control and the done state.**\n\n")
	for _, st := range []metrics.Status{metrics.StatusNoControl, metrics.StatusBlocked, metrics.StatusFailed} {
		fmt.Fprintf(&text, "%s: %s\n", st, wd.statusMeaning(st))
		fmt.Fprintf(&md, "- `%s`: %s\n", st, mdEscape(wd.statusMeaning(st)))
	}
	return sarif.NewRule(runRuleID).
		WithName(runRuleID).
		WithShortDescription(sarif.NewMultiformatMessageString("The cancel path reaches a usable cancel control and the done state")).
		WithFullDescription(sarif.NewMultiformatMessageString("A run that ended no_control, blocked or failed: a finding about the site's cancel path, before any rule.")).
		WithHelp(sarif.NewMultiformatMessageString(strings.TrimSuffix(text.String(), "\n")).WithMarkdown(strings.TrimSuffix(md.String(), "\n"))).
		WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel("error")).
		WithProperties(sarif.Properties{"tags": []string{"cancelpath", "run"}})
}

// runLevel: a missing or blocked control is an error; a step that did not go as written may be the
// scenario's fault as much as the site's, a warning.
func runLevel(s metrics.Status) string {
	if s == metrics.StatusFailed {
		return "warning"
	}
	return "error"
}

// runMessage is "site (key): status: what it means — reason".
func runMessage(e *results.Entry) string {
	msg := fmt.Sprintf("%s (%s): %s", Clean(e.Site), Clean(e.Key()), Clean(string(e.Status)))
	if m := english().statusMeaning(e.Status); m != "" {
		msg += ": " + m
	}
	if r := Clean(e.Reason); r != "" {
		msg += " — " + r
	}
	return msg
}

// runLocation is the failed step's line in the scenario file, else line 1.
func runLocation(e *results.Entry) *sarif.Location {
	line := 1
	if e.FailedStep != nil && e.FailedStep.Line > 0 {
		line = e.FailedStep.Line
	}
	return sarif.NewLocationWithPhysicalLocation(sarif.NewPhysicalLocation().
		WithArtifactLocation(sarifArtifact(e.File)).
		WithRegion(sarif.NewRegion().WithStartLine(line)))
}

func sarifRunResult(e *results.Entry, index int) *sarif.Result {
	r := sarif.NewRuleResult(runRuleID).
		WithRuleIndex(index).
		WithLevel(runLevel(e.Status)).
		WithMessage(sarif.NewTextMessage(runMessage(e))).
		WithLocations([]*sarif.Location{runLocation(e)})
	r.WithPartialFingerPrints(map[string]interface{}{"cancelpathFinding/v1": Clean(e.Key()) + "/" + runRuleID})
	r.Properties = sarif.Properties{
		"site":     Clean(e.Site),
		"scenario": Clean(e.ScenarioID),
		"device":   Clean(e.Device.Name),
		"status":   Clean(string(e.Status)),
	}
	return r
}

// sarifNotCarriedOut reports a run that measured nothing: a problem of the audit, not a finding on the site.
func sarifNotCarriedOut(e *results.Entry) *sarif.Notification {
	n := sarif.NewNotification().
		WithLevel("error").
		WithTextMessage(runMessage(e)).
		WithLocations([]*sarif.Location{runLocation(e)})
	n.Properties = sarif.Properties{
		"site":     Clean(e.Site),
		"scenario": Clean(e.ScenarioID),
		"device":   Clean(e.Device.Name),
		"status":   Clean(string(e.Status)),
	}
	return n
}

// sarifArtifact points at the scenario file: relative paths (as the audit was given them, normally from the
// repository root) are used as they are, with forward slashes; absolute ones become file URIs.
func sarifArtifact(file string) *sarif.ArtifactLocation {
	file = Clean(file)
	if file == "" {
		return sarif.NewSimpleArtifactLocation("unknown-scenario")
	}
	slash := filepath.ToSlash(file)
	if filepath.IsAbs(file) {
		return sarif.NewSimpleArtifactLocation("file://" + uriPath(slash))
	}
	return sarif.NewSimpleArtifactLocation(uriPath(strings.TrimPrefix(slash, "./"))).WithUriBaseId("%SRCROOT%")
}

// uriPath percent-encodes what a URI path may not hold as is (spaces, %, #, ?); non-ASCII stays (IRI).
func uriPath(p string) string {
	var b strings.Builder
	for _, r := range p {
		switch r {
		case '%', '#', '?', ' ', '"', '<', '>', '\\', '^', '`', '{', '|', '}':
			fmt.Fprintf(&b, "%%%02X", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
