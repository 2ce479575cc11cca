package reports

import (
	"encoding/csv"
	"fmt"
	"io"

	"github.com/cancelpath/cancelpath/results"
)

// sheetCSVRenderer writes the regulator's sheet for a spreadsheet: a header (the sweep's date, the tool, the
// rule packs, the number of sites), one row per run grouped by site, the sweep's totals, the runs by status
// and the notes, each block after an empty line (SCHEMA.md, "the regulator's sheet").
type sheetCSVRenderer struct{}

func (sheetCSVRenderer) Render(w io.Writer, doc *results.Document, opt Options) error {
	sw, err := lookupSheetWords(opt.Lang)
	if err != nil {
		return err
	}
	// Like results.csv: UTF-8 with a byte order mark (Excel reads Chinese right), commas, CRLF. Excel set
	// to a semicolon list separator (Germany, France) opens it through Data > From Text (SCHEMA.md).
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	for _, row := range sheetCSVRows(doc, sw) {
		for i := range row {
			row[i] = csvSafe(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// sheetCSVRows are the sheet's rows, cells not yet guarded (Render guards every cell).
func sheetCSVRows(doc *results.Document, sw *sheetWords) [][]string {
	d := newSheet(doc)
	blank := []string{""}
	packs := ""
	for i, p := range sheetPacks(doc) {
		if i > 0 {
			packs += ", "
		}
		packs += p
	}
	rows := [][]string{
		{sw.Title},
		{sw.SweepDate, sheetDates(doc)},
		{sw.ToolLabel, Clean(doc.Tool.Name + " " + doc.Tool.Version)},
		{sw.RulePacks, packs},
		{sw.SitesLabel, sw.sitesLine(&d)},
		blank,
	}

	header := []string{sw.Number, sw.Site, sw.Scenario, sw.Device, sw.Status, sw.Reason}
	for _, ind := range d.Indicators {
		label := sw.Labels[ind.ID]
		header = append(header, label, fmt.Sprintf(sw.noteFormat, label))
	}
	header = append(header, sw.Archive)
	for s := range stepCount {
		header = append(header, sw.Steps[s]+sw.Colon()+sw.Screenshot, sw.Steps[s]+sw.Colon()+sw.PageURL,
			sw.Steps[s]+sw.Colon()+sw.PageTime)
	}
	rows = append(rows, header)
	for _, site := range d.Sites {
		for _, run := range site.Runs {
			e := run.Entry
			row := []string{fmt.Sprint(site.No), Clean(site.Name), Clean(e.ScenarioID), sw.device(e.Device.Name),
				sw.status(e.Status), Clean(e.Reason)}
			for _, v := range run.Values {
				row = append(row, sw.answerText(v), sw.noteText(e, v))
			}
			row = append(row, Clean(archivePath(e)))
			for _, ref := range run.Refs {
				row = append(row, Clean(ref.Screenshot), Clean(ref.URL), ref.Time)
			}
			rows = append(rows, row)
		}
	}

	rows = append(rows, blank, []string{sw.Totals},
		[]string{sw.Indicator, sw.Answer, sw.SitesCol, sw.MeasuredCol, sw.PercentCol, sw.NotMeasuredCol, sw.MedianCol, sw.HighestCol})
	for _, a := range d.Aggregates {
		for _, line := range aggregateLines(a, sw) {
			rows = append(rows, []string{sw.Labels[a.Indicator.ID], line.Answer, fmt.Sprint(line.Sites),
				fmt.Sprint(a.Measured), line.Percent, fmt.Sprint(a.NotMeasured), line.Median, line.Highest})
		}
	}

	rows = append(rows, blank, []string{sw.RunStatus}, []string{sw.Status, sw.RunsCol, "%"})
	for _, sc := range d.ByStatus {
		rows = append(rows, []string{sw.status(sc.Status), fmt.Sprint(sc.Runs), percent(sc.Runs, d.Runs)})
	}

	rows = append(rows, blank, []string{sw.NotesHeading})
	for _, note := range sheetNotes(doc, sw) {
		rows = append(rows, []string{note})
	}
	return rows
}

// aggregateLine is one answer's line of the sweep's totals.
type aggregateLine struct {
	Answer          string
	Sites           int
	Percent         string
	Median, Highest string // counts only, on their first line
	Bad             bool   // the answer is the finding
}

// aggregateLines are the lines of an indicator's totals: one per answer (yes, no; near, far, none), or for a
// count one per verdict of the rules (failed, passed, not judged), the first with the median and the highest
// count.
func aggregateLines(a sheetAggregate, sw *sheetWords) []aggregateLine {
	var answers []sheetAnswer
	switch a.Indicator.Kind {
	case kindNumber:
		out := []aggregateLine{
			{Answer: sw.RuleFailed, Sites: a.RuleFailed, Bad: a.RuleFailed > 0, Median: median(a.Highest)},
			{Answer: sw.RulePassed, Sites: a.RulePassed},
			{Answer: sw.RuleNotJudged, Sites: a.RuleNone},
		}
		if len(a.Highest) > 0 {
			out[0].Highest = fmt.Sprint(maxOf(a.Highest))
		}
		for i := range out {
			out[i].Percent = percent(out[i].Sites, a.Measured)
		}
		return out
	case kindTerms:
		answers = []sheetAnswer{ansNear, ansFar, ansNone}
	default:
		answers = []sheetAnswer{ansYes, ansNo}
	}
	var out []aggregateLine
	for _, ans := range answers {
		n := a.Counts[ans]
		out = append(out, aggregateLine{Answer: sw.answerText(sheetValue{Answer: ans}), Sites: n,
			Percent: percent(n, a.Measured), Bad: n > 0 && a.Indicator.bad(sheetValue{Answer: ans})})
	}
	return out
}

func maxOf(xs []int) int {
	m := xs[0]
	for _, x := range xs[1:] {
		m = max(m, x)
	}
	return m
}

// sheetNotes are the footnotes: what each indicator means and where its evidence is, how the totals count,
// what each status means, and who generated the sheet.
func sheetNotes(doc *results.Document, sw *sheetWords) []string {
	notes := append([]string{}, sw.Footnotes...)
	notes = append(notes, sw.statusDefinitions()...)
	if doc.Tool.Name != "" {
		notes = append(notes, generatedLine(doc, sw.words))
	}
	return notes
}
