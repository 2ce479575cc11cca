package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/rules"
	"github.com/cancelpath/cancelpath/results"
)

// JUnit XML as CI systems read it (the Jenkins/Surefire dialect that GitHub, GitLab and Azure accept): a
// test suite per scenario × device, a "run" test case for the run itself and a test case per rule verdict.
//
//   - fail → <failure> (type = severity); a failure of a rule not in force is <skipped> instead, so that
//     a vacated rule never fails a build;
//   - could_not_measure → <error>: the check did not run, which never counts as a pass;
//   - not_applicable → <skipped>, and so is a rule no browser run can test (not_measured);
//   - the run test case fails for no_control, blocked and failed (findings about the site's path) and errors
//     for out_of_reach, site_error and error (the run was not carried out: nothing was measured).

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// junitRenderer writes junit.xml: a test suite per scenario × device, a test case per rule.
type junitRenderer struct{}

func (junitRenderer) Render(w io.Writer, doc *results.Document, _ Options) error {
	out := junitSuites{Name: "cancelpath"}
	var total int64
	for i := range doc.Results {
		e := &doc.Results[i]
		s := junitSuiteFor(e)
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Skipped += s.Skipped
		total += e.DurationMS
		out.Suites = append(out.Suites, s)
	}
	out.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func junitSuiteFor(e *results.Entry) junitSuite {
	key := Clean(e.Key())
	s := junitSuite{
		Name:      fmt.Sprintf("%s (%s)", Clean(e.Site), key),
		Time:      seconds(e.DurationMS),
		Timestamp: rfc3339Seconds(e.StartedAt),
		Properties: []junitProperty{
			{"scenario_id", Clean(e.ScenarioID)},
			{"device", Clean(e.Device.Name)},
			{"file", Clean(e.File)},
			{"scenario_sha256", Clean(e.ScenarioSHA256)},
			{"browser", Clean(e.Browser)},
			{"status", string(e.Status)},
			{"overall", num(e.Overall)},
			{"grade", Clean(e.Grade)},
		},
	}
	s.Cases = append(s.Cases, junitRunCase(e, key))
	for i := range e.Verdicts {
		s.Cases = append(s.Cases, junitVerdictCase(e, &e.Verdicts[i], key))
	}
	for _, c := range s.Cases {
		s.Tests++
		switch {
		case c.Failure != nil:
			s.Failures++
		case c.Error != nil:
			s.Errors++
		case c.Skipped != nil:
			s.Skipped++
		}
	}
	return s
}

// junitRunCase reports the run itself: did the path lead to the control and on to done?
func junitRunCase(e *results.Entry, key string) junitCase {
	c := junitCase{Classname: key + ".run", Name: "cancel path walked to the done state", Time: seconds(e.DurationMS), File: Clean(e.File)}
	if e.FailedStep != nil {
		c.Line = e.FailedStep.Line
	}
	if e.Status == metrics.StatusOK {
		return c
	}
	status := Clean(string(e.Status))
	text := status
	if m := english().statusMeaning(e.Status); m != "" {
		text += ": " + m
	}
	if r := Clean(e.Reason); r != "" {
		text += "\nreason: " + r
	}
	if e.FailedStep != nil {
		text += fmt.Sprintf("\nstep: %s %d (line %d)", Clean(e.FailedStep.Phase), e.FailedStep.Index, e.FailedStep.Line)
	}
	msg := status
	if r := Clean(e.Reason); r != "" {
		msg += ": " + r
	}
	p := &junitProblem{Message: msg, Type: status, Text: text}
	if e.Status.CarriedOut() {
		c.Failure = p
	} else {
		c.Error = p
	}
	return c
}

func junitVerdictCase(e *results.Entry, v *rules.Verdict, key string) junitCase {
	c := junitCase{
		Classname: key + "." + Clean(v.Pack),
		Name:      Clean(v.RuleID) + ": " + Clean(v.Title),
		Time:      "0",
		File:      Clean(e.File),
		Line:      verdictLine(e, v),
	}
	if c.Line == 0 {
		c.File = ""
	}
	summary := verdictSummary(v)
	switch v.Outcome {
	case rules.Fail:
		if !results.InForce(v) {
			c.Skipped = &junitSkipped{Message: "rule not in force (" + Clean(v.StatusNote) + "); would fail: " + summary}
			break
		}
		c.Failure = &junitProblem{Message: summary, Type: string(v.Severity), Text: verdictDetails(v)}
	case rules.CouldNotMeasure:
		if v.NotMeasured { // a duty outside the browser: nothing went wrong, nothing was tested
			c.Skipped = &junitSkipped{Message: Clean(v.Message)}
			break
		}
		c.Error = &junitProblem{Message: "could not measure: " + summary, Type: string(rules.CouldNotMeasure), Text: verdictDetails(v)}
	case rules.NotApplicable:
		c.Skipped = &junitSkipped{Message: "not applicable: " + Clean(v.Message)}
	}
	return c
}

// verdictLine is the scenario file line of the step a verdict points at, or 0.
func verdictLine(e *results.Entry, v *rules.Verdict) int {
	if v.StepLine > 0 {
		return v.StepLine
	}
	if s := stepFor(e, v); s != nil {
		return s.Line
	}
	return 0
}

// verdictSummary is one line: "clicks_to_control: measured 4, required <= 2 — citation".
func verdictSummary(v *rules.Verdict) string {
	var parts []string
	if m := Clean(v.Metric); m != "" {
		var check []string
		if x := Clean(v.Measured); x != "" {
			check = append(check, "measured "+x)
		}
		if t := Clean(v.Threshold); t != "" {
			check = append(check, "required "+t)
		}
		parts = append(parts, m+": "+strings.Join(check, ", "))
	}
	if c := Clean(v.Citation); c != "" {
		parts = append(parts, c)
	}
	if len(parts) == 0 {
		return Clean(v.Title)
	}
	return strings.Join(parts, " — ")
}

// verdictDetails is the multi-line body of a failure: everything a reader needs to check it.
func verdictDetails(v *rules.Verdict) string {
	var b strings.Builder
	line := func(k, val string) {
		if val = Clean(val); val != "" {
			fmt.Fprintf(&b, "%s: %s\n", k, val)
		}
	}
	line("rule", v.RuleID)
	line("title", v.Title)
	line("severity", string(v.Severity))
	line("metric", v.Metric)
	line("measured", v.Measured)
	line("required", v.Threshold)
	line("citation", v.Citation)
	line("basis", v.Basis)
	line("basis source", v.BasisSource)
	line("legal status", v.StatusNote)
	line("message", v.Message)
	if v.StepPhase != "" && v.StepIndex != nil {
		line("step", v.StepPhase+" "+strconv.Itoa(*v.StepIndex))
	}
	line("screenshot", v.Screenshot)
	return b.String()
}

// seconds formats milliseconds as JUnit's decimal seconds.
func seconds(ms int64) string { return strconv.FormatFloat(float64(ms)/1000, 'f', 3, 64) }
