package reports

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/results"
)

// Terminal table layout: columns are separated by padding only, so that twelve columns and a useful site
// name fit in 100 terminal columns.
const (
	cellPadding = 2 // one space each side
	minSiteCols = 6
	deviceCols  = 8
)

// ANSI colours for the terminal table; used only when Options.Color is set.
const (
	ansiReset  = "\x1b[0m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiBold   = "\x1b[1m"
)

// Table columns, in order.
const (
	colRank = iota
	colSite
	colDevice
	colClicks
	colLevels
	colHovers
	colInter
	colControl
	colTarget
	colTerms
	colEffect
	colScore
	colGrade
	numCols
)

type tableCell struct {
	text  string // plain, already cleaned
	color string // ANSI colour when Options.Color, else ignored
}

// tableRenderer writes the rating table for a terminal.
type tableRenderer struct{}

func (tableRenderer) Render(w io.Writer, doc *results.Document, opt Options) error {
	wd, err := lookupWords(opt.Lang)
	if err != nil {
		return err
	}
	header := []string{wd.Rank, wd.Site, wd.Device, wd.ClicksShort, wd.LevelsShort, wd.HoversShort,
		wd.InterstitialsShort, wd.Control, wd.Target, wd.TermsShort, wd.Effect, wd.Score, wd.Grade}
	header[colControl] = shortControlHeader(wd)
	header[colTarget] = wd.TargetShort
	header[colRank] = "#"
	entries := results.Ranked(doc)
	rows := make([][]tableCell, len(entries))
	for i, e := range entries {
		rows[i] = tableRow(e, wd)
	}

	// Column widths: the widest cell or header; the site column takes what is left of the width.
	widths := make([]int, numCols)
	for c := range widths {
		widths[c] = displayWidth(header[c])
		for _, r := range rows {
			widths[c] = max(widths[c], displayWidth(r[c].text))
		}
	}
	widths[colDevice] = min(widths[colDevice], max(deviceCols, displayWidth(header[colDevice])))
	rest := opt.width() - cellPadding*numCols
	for c, wc := range widths {
		if c != colSite {
			rest -= wc
		}
	}
	// The site column gives way first on a narrow terminal: down to minSiteCols, then, rather than break the
	// width, to the header's own width.
	widths[colSite] = max(min(widths[colSite], rest), min(minSiteCols, max(rest, displayWidth(header[colSite]))))

	var buf bytes.Buffer
	table := NewPlainTable(&buf,
		tablewriter.WithTrimSpace(tw.Off),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: columnAligns()}),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: columnAligns()}),
	)
	hdr := make([]any, numCols)
	for c := range header {
		hdr[c] = Cut(header[c], widths[c])
	}
	table.Header(hdr...)
	for _, r := range rows {
		cells := make([]string, numCols)
		for c, cell := range r {
			text := Cut(cell.text, widths[c])
			if opt.Color && cell.color != "" && text != "" {
				text = cell.color + text + ansiReset
			}
			cells[c] = text
		}
		if err := table.Append(cells); err != nil {
			return fmt.Errorf("table row: %w", err)
		}
	}
	if err := table.Render(); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	// The last column's padding leaves trailing spaces on every line; they only get in the way of copying.
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		if _, err := io.WriteString(w, strings.TrimRight(line, " \n")+strings.Repeat("\n", strings.Count(line, "\n"))); err != nil {
			return err
		}
	}
	return writeTableNotes(w, entries, wd, opt)
}

// shortControlHeader fits the control column's header to its "W×H" values.
func shortControlHeader(wd *words) string {
	if wd.Lang == "zh" {
		return "控件"
	}
	return "Control"
}

func columnAligns() []tw.Align {
	a := make([]tw.Align, numCols)
	for c := range a {
		a[c] = tw.AlignLeft
	}
	for _, c := range []int{colRank, colClicks, colLevels, colHovers, colInter, colControl, colScore} {
		a[c] = tw.AlignRight
	}
	return a
}

func tableRow(e *results.Entry, wd *words) []tableCell {
	r := make([]tableCell, numCols)
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	r[colRank] = tableCell{text: wd.Unranked}
	if e.Rank > 0 {
		r[colRank].text = strconv.Itoa(e.Rank)
	}
	r[colSite] = tableCell{text: Clean(e.Site)}
	r[colDevice] = tableCell{text: wd.device(e.Device.Name)}
	r[colClicks] = tableCell{text: dash(intText(e.Metrics.ClicksToControl))}
	r[colLevels] = tableCell{text: dash(intText(e.Metrics.LevelsToControl))}
	r[colHovers] = tableCell{text: dash(intText(e.Metrics.HoversToControl))}
	r[colInter] = tableCell{text: dash(intText(e.Metrics.Interstitials))}
	if e.Control != nil {
		r[colControl] = tableCell{text: boxText(e.Control)}
		r[colTarget] = tableCell{text: wd.targetSize(e.Control.TargetSize)}
		switch e.Control.TargetSize {
		case "fail":
			r[colTarget].color = ansiRed
		case "pass_spacing", "pass_inline":
			r[colTarget].color = ansiYellow
		}
	} else {
		r[colControl] = tableCell{text: "-"}
		r[colTarget] = tableCell{text: "-"}
	}
	if e.Status != metrics.StatusOK {
		// The status takes the control's place: there is no measured control to show. A finding is red; a
		// run that measured nothing is yellow, a problem of the audit rather than of the site.
		r[colControl] = tableCell{text: wd.status(e.Status), color: ansiRed}
		if !e.Status.CarriedOut() {
			r[colControl].color = ansiYellow
		}
	}
	r[colTerms] = tableCell{text: wd.termsPlace(e.Subscribe)}
	if r[colTerms].text == wd.TermsFar || r[colTerms].text == wd.TermsNone {
		r[colTerms].color = ansiRed
	}
	r[colEffect] = tableCell{text: wd.effect(e.Effect)}
	if e.Effect != nil && !e.Effect.Passed {
		r[colEffect].color = ansiRed
	}
	r[colScore] = tableCell{text: dash(scoreText(e))}
	r[colGrade] = tableCell{text: dash(gradeText(e)), color: gradeColor(gradeText(e))}
	return r
}

func gradeColor(g string) string {
	switch g {
	case "A", "B":
		return ansiGreen + ansiBold
	case "C":
		return ansiYellow + ansiBold
	case "":
		return ""
	}
	return ansiRed + ansiBold
}

// writeTableNotes explains the rows that did not run to the end, then the abbreviations.
func writeTableNotes(w io.Writer, entries []*results.Entry, wd *words, opt Options) error {
	var b strings.Builder
	width := opt.width()
	for _, e := range entries {
		if e.Status == metrics.StatusOK {
			continue
		}
		line := fmt.Sprintf("%s %s (%s): %s", rankText(e, wd), Clean(e.Site), wd.device(e.Device.Name), wd.status(e.Status))
		if r := Clean(e.Reason); r != "" {
			line += ": " + r
		}
		// Wrapped, not cut: the end of a reason is often what it is about ("… a screen that says …").
		// Bounded all the same, as a hostile page writes the reason's quoted part.
		wrapped := wrapText(line, width-2)
		if len(wrapped) > maxNoteLines {
			wrapped = append(wrapped[:maxNoteLines-1], Cut(strings.Join(wrapped[maxNoteLines-1:], " "), width-2))
		}
		for i, l := range wrapped {
			if i > 0 {
				l = "  " + l
			}
			b.WriteString(l + "\n")
		}
	}
	b.WriteString("\n")
	for _, line := range wrapText(wd.Legend, width) {
		b.WriteString(line + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// maxNoteLines bounds one result's note under the table.
const maxNoteLines = 4

func rankText(e *results.Entry, wd *words) string {
	if e.Rank > 0 {
		return strconv.Itoa(e.Rank)
	}
	return wd.Unranked
}

// wrapText breaks s into lines of at most width columns: at spaces where there are spaces, anywhere between
// wide (CJK) characters, which need none.
func wrapText(s string, width int) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		var line []rune
		used := 0
		lastSpace := -1
		for _, r := range para {
			rw := displayWidth(string(r))
			if used+rw > width && len(line) > 0 {
				cut := len(line)
				if lastSpace > 0 && rw < 2 {
					cut = lastSpace
				}
				lines = append(lines, strings.TrimRight(string(line[:cut]), " "))
				line = []rune(strings.TrimLeft(string(line[cut:]), " "))
				used = displayWidth(string(line))
				lastSpace = lastIndexRune(line, ' ')
			}
			if r == ' ' {
				lastSpace = len(line)
			}
			line = append(line, r)
			used += rw
		}
		lines = append(lines, strings.TrimRight(string(line), " "))
	}
	return lines
}

func lastIndexRune(rs []rune, r rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i] == r {
			return i
		}
	}
	return -1
}
