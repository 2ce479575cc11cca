package reports

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/cancelpath/cancelpath/audit/rules"
	"github.com/cancelpath/cancelpath/results"
)

// utf8BOM starts the CSV so that Excel opens Chinese text as UTF-8 (it assumes the locale's code page
// otherwise). pandas reads it with encoding="utf-8-sig"; SCHEMA.md says so.
const utf8BOM = "\ufeff"

// csvColumns is the fixed column order of results.csv (documented in SCHEMA.md). Per-pack score columns
// (score_<pack>) follow, in the document's pack order.
func csvColumns() []string {
	return []string{
		"rank", "scenario_id", "site", "device", "status", "reason",
		"clicks_to_control", "hovers_to_control", "levels_to_control", "clicks_to_done", "interstitials",
		"pages_to_done", "options_on_path", "login_actions", "fields_filled", "waits", "dialogs", "reachable_without_login",
		"control_label", "control_width", "control_height", "control_in_viewport_on_arrival",
		"control_contrast_ratio", "control_font_size_px", "control_target_size", "control_size_ratio",
		"confirm_offers", "clicks_to_subscribe", "subscribe_ended_at_payment", "autorenew_prechecked",
		"disclosure_font_px", "disclosure_distance_px", "disclosure_in_view_with_button", "effect_passed",
		"overall", "grade", "failed_rules", "could_not_measure_rules", "failed_rules_not_in_force",
		"viewport_width", "viewport_height", "browser", "started_at", "duration_ms", "file", "scenario_sha256", "final_url",
	}
}

// csvRenderer writes results.csv: one row per scenario × device, in rating-table order.
type csvRenderer struct{}

func (csvRenderer) Render(w io.Writer, doc *results.Document, _ Options) error {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	packs := doc.Packs
	if len(packs) == 0 {
		packs = results.PacksOf(doc.Results)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180, and what Excel writes
	header := csvColumns()
	for _, p := range packs {
		header = append(header, "score_"+csvSafe(p))
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, e := range results.Ranked(doc) {
		if err := cw.Write(csvRow(e, packs)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvRow(e *results.Entry, packs []string) []string {
	row := make([]string, 0, 64)
	add := func(s ...string) { row = append(row, s...) }
	rank := ""
	if e.Rank > 0 {
		rank = strconv.Itoa(e.Rank)
	}
	m := e.Metrics
	add(rank, e.ScenarioID, e.Site, e.Device.Name, string(e.Status), e.Reason,
		intText(m.ClicksToControl), intText(m.HoversToControl), intText(m.LevelsToControl),
		intText(m.ClicksToDone), intText(m.Interstitials), intText(m.PagesToDone), intText(m.OptionsOnPath),
		strconv.Itoa(m.LoginActions), strconv.Itoa(m.FieldsFilled), strconv.Itoa(m.Waits), strconv.Itoa(m.Dialogs),
		boolText(m.ReachableWithoutLogin))
	if c := e.Control; c != nil {
		add(c.Label, px(c.Box.Width), px(c.Box.Height), strconv.FormatBool(c.InViewportOnArrival),
			num(c.ContrastRatio), num(c.FontSizePX), c.TargetSize, num(c.SizeRatio))
	} else {
		add("", "", "", "", "", "", "", "")
	}
	if e.Confirm != nil {
		add(strconv.FormatBool(e.Confirm.Offers))
	} else {
		add("")
	}
	if s := e.Subscribe; s != nil {
		dist := ""
		if s.DisclosureDistancePX != nil {
			dist = px(*s.DisclosureDistancePX)
		}
		add(intText(s.ClicksToSubscribe), strconv.FormatBool(s.EndedAtPayment), boolText(s.AutorenewPrechecked),
			num(s.DisclosureFontPX), dist, boolText(s.DisclosureInViewWithButton))
	} else {
		add("", "", "", "", "", "")
	}
	if e.Effect != nil {
		add(strconv.FormatBool(e.Effect.Passed))
	} else {
		add("")
	}
	probs := problems(e)
	add(scoreCSV(e), e.Grade, ruleIDs(probs, rules.Fail), ruleIDs(probs, rules.CouldNotMeasure), ruleIDs(notInForce(e), rules.Fail))
	add(strconv.Itoa(e.Device.Width), strconv.Itoa(e.Device.Height), e.Browser, rfc3339(e.StartedAt),
		strconv.FormatInt(e.DurationMS, 10), e.File, e.ScenarioSHA256, e.FinalURL)
	for _, p := range packs {
		cell := ""
		for _, s := range e.Scores {
			if s.Pack == p {
				cell = num(s.Score)
			}
		}
		add(cell)
	}
	for i := range row {
		row[i] = csvSafe(row[i])
	}
	return row
}

// scoreCSV is the overall score, empty for a run that was not scored.
func scoreCSV(e *results.Entry) string {
	if scoreText(e) == "" {
		return ""
	}
	return num(e.Overall)
}

// csvSafe cleans a cell and guards it against formula injection: a spreadsheet runs a cell that starts
// with = + - @ (or a tab or carriage return, which some strip first) as a formula, so such cells get a
// leading apostrophe (OWASP's advice). Plain negative numbers are not expected in these columns.
func csvSafe(s string) string {
	s = Clean(s)
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// rfc3339 formats a time in UTC, or "" for the zero time.
func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
