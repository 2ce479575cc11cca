package reports

import (
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/results"
)

// sheetHTMLRenderer writes the regulator's sheet as one printable page (A4): the header, the sweep's totals,
// all runs at a glance, then each site with the evidence of every answer, and the notes. No script, no
// external resource; everything a site wrote is cleaned and escaped by html/template.
type sheetHTMLRenderer struct{}

// sheetTemplate parses templates/sheet.html.tmpl on its own. The report's templates parse every file of the
// folder, this one too: it defines no named template and calls no function, so that it never clashes with
// theirs.
func sheetTemplate() (*template.Template, error) {
	tmpl, err := template.ParseFS(templateFS, "templates/sheet.html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	return tmpl, nil
}

func (sheetHTMLRenderer) Render(w io.Writer, doc *results.Document, opt Options) error {
	sw, err := lookupSheetWords(opt.Lang)
	if err != nil {
		return err
	}
	tmpl, err := sheetTemplate()
	if err != nil {
		return err
	}
	return executeHTML(w, tmpl, "sheet.html.tmpl", newSheetHTML(doc, sw))
}

// sheetHTML is what sheet.html.tmpl renders. Every string is cleaned plain text, escaped by html/template;
// the links to screenshots are relative paths of local files, percent-encoded here.
type sheetHTML struct {
	W                         *sheetWords
	HTMLLang                  string
	Dates, Tool, Packs, Sites string
	Totals                    []sheetTotalRow
	Statuses                  []sheetStatusRow
	Indicators                []string // the overview's headers
	Overview                  []sheetOverviewRow
	SiteBlocks                []sheetSiteHTML
	Notes                     []string
}

type sheetTotalRow struct {
	Indicator string
	Span      int // rows the indicator's name spans (0: not its first row)
	aggregateLine
	Measured, NotMeasured int
}

type sheetStatusRow struct {
	Status, Class    string
	Runs             int
	Percent, Meaning string
}

type sheetOverviewRow struct {
	No, Site       string
	Span           int // rows the site's number and name span (0: not its first run)
	Device, Status string
	StatusClass    string
	Cells          []sheetCellHTML
}

type sheetSiteHTML struct {
	No, Name string
	Runs     []sheetRunHead
	Rows     []sheetIndicatorRow
	// Evidence are the steps the answers point at (by their mark), one row per step with its screenshot and
	// its page in the web archive for each run.
	Evidence []sheetEvidenceRow
}

type sheetEvidenceRow struct {
	Mark, Label string
	Cells       []sheetRefHTML
}

// sheetRefHTML is a step's evidence: the screenshot (linked when it is a local path) and the step's page in
// the archive, by URL and start time.
type sheetRefHTML struct {
	Shot, ShotHref, URL, Time string
}

type sheetRunHead struct {
	Scenario, Device, Status, StatusClass, Reason, Archive string
}

type sheetIndicatorRow struct {
	Label string
	Cells []sheetCellHTML
}

// sheetCellHTML is one answer with what backs it: the rules' verdicts, why it was not measured, and the mark
// of the evidence row that shows it ("" when there is none).
type sheetCellHTML struct {
	Answer, Class, Why, Verdict, Note, Mark string
}

func newSheetHTML(doc *results.Document, sw *sheetWords) sheetHTML {
	d := newSheet(doc)
	h := sheetHTML{W: sw, HTMLLang: htmlLang(sw.words), Dates: sheetDates(doc),
		Tool: Clean(doc.Tool.Name + " " + doc.Tool.Version), Packs: strings.Join(sheetPacks(doc), ", "),
		Sites: sw.sitesLine(&d), Notes: sheetNotes(doc, sw)}
	for _, a := range d.Aggregates {
		lines := aggregateLines(a, sw)
		for i, l := range lines {
			row := sheetTotalRow{Indicator: sw.Labels[a.Indicator.ID], aggregateLine: l, Measured: a.Measured,
				NotMeasured: a.NotMeasured}
			if i == 0 {
				row.Span = len(lines)
			}
			h.Totals = append(h.Totals, row)
		}
	}
	for _, sc := range d.ByStatus {
		h.Statuses = append(h.Statuses, sheetStatusRow{Status: sw.status(sc.Status), Class: statusClass(sc.Status),
			Runs: sc.Runs, Percent: percent(sc.Runs, d.Runs), Meaning: sw.statusMeaning(sc.Status)})
	}
	for _, ind := range d.Indicators {
		h.Indicators = append(h.Indicators, sw.Short[ind.ID])
	}
	for _, site := range d.Sites {
		block := sheetSiteHTML{No: fmt.Sprint(site.No), Name: Clean(site.Name)}
		for k, run := range site.Runs {
			e := run.Entry
			ov := sheetOverviewRow{No: block.No, Site: block.Name, Device: sw.device(e.Device.Name),
				Status: sw.status(e.Status), StatusClass: statusClass(e.Status)}
			if k == 0 {
				ov.Span = len(site.Runs)
			}
			for i, v := range run.Values {
				ov.Cells = append(ov.Cells, sheetCellFor(d.Indicators[i], e, v, sheetRef{}, sw))
			}
			h.Overview = append(h.Overview, ov)
			block.Runs = append(block.Runs, sheetRunHead{Scenario: Clean(e.ScenarioID), Device: sw.device(e.Device.Name),
				Status: sw.status(e.Status), StatusClass: statusClass(e.Status), Reason: Clean(e.Reason),
				Archive: Clean(archivePath(e))})
		}
		for i, ind := range d.Indicators {
			row := sheetIndicatorRow{Label: sw.Labels[ind.ID]}
			for _, run := range site.Runs {
				row.Cells = append(row.Cells, sheetCellFor(ind, run.Entry, run.Values[i], run.Refs[ind.Step], sw))
			}
			block.Rows = append(block.Rows, row)
		}
		for step := range stepCount {
			ev := sheetEvidenceRow{Mark: stepMark(step), Label: sw.Steps[step]}
			shown := false
			for _, run := range site.Runs {
				ref := run.Refs[step]
				rh := sheetRefHTML{Shot: Clean(ref.Screenshot), URL: Clean(ref.URL), Time: ref.Time}
				if p, ok := localPath(ref.Screenshot); ok {
					rh.ShotHref = relativeURL(p)
				}
				shown = shown || !ref.empty()
				ev.Cells = append(ev.Cells, rh)
			}
			if shown {
				block.Evidence = append(block.Evidence, ev)
			}
		}
		h.SiteBlocks = append(h.SiteBlocks, block)
	}
	return h
}

// sheetCellFor is one answer as the page shows it; ref is its evidence (empty in the overview, which marks
// none).
func sheetCellFor(ind sheetIndicator, e *results.Entry, v sheetValue, ref sheetRef, sw *sheetWords) sheetCellHTML {
	c := sheetCellHTML{Answer: sw.answerText(v), Why: sw.whyText(e, v), Verdict: sw.verdictText(v), Note: Clean(v.Note)}
	switch {
	case !v.Measured():
		c.Class = "na"
	case ind.bad(v):
		c.Class = "bad"
	case ind.Kind != kindNumber || len(v.Passed) > 0:
		c.Class = "good"
	}
	if v.Measured() && !ref.empty() {
		c.Mark = stepMark(ind.Step)
	}
	return c
}

// stepMark names an evidence step on the page: A (the control step), B, C, D.
func stepMark(s sheetStep) string { return string(rune('A' + int(s))) }

// statusClass colours a status: a finding is bad, a run not carried out a problem of the audit.
func statusClass(s metrics.Status) string {
	switch {
	case !s.CarriedOut():
		return "warn"
	case s != metrics.StatusOK:
		return "bad"
	}
	return "good"
}
