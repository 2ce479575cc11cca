package reports

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/rules"
	"github.com/cancelpath/cancelpath/results"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// Rendered to a stream, screenshots are embedded as data: URIs up to these sizes; past them they are linked
// relative to the report, so that a sweep of hundreds of sites does not make a report a browser cannot open.
// Written into a folder, the report shows thumbnails instead (thumbnail.go).
const (
	maxEmbeddedImage = 8 << 20
	maxEmbeddedTotal = 64 << 20
)

// htmlTemplates parses the report's templates: report.html.tmpl (the single page, and the index of a long
// sweep, which is the same page without the runs), site.html.tmpl (one site's page of a long sweep) and
// parts.html.tmpl, the pieces they share.
func htmlTemplates() (*template.Template, error) {
	tmpl, err := template.New("report.html.tmpl").Funcs(template.FuncMap{
		"rulesData": func(w *words, v []htmlVerdict) htmlRules { return htmlRules{W: w, Verdicts: v} },
	}).ParseFS(templateFS, "templates/*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	return tmpl, nil
}

// htmlRenderer writes the HTML report: one page to a stream (Render), or a folder with thumbnails and, for a
// long sweep, a page per site (WriteFolder, which WriteAll uses).
type htmlRenderer struct{}

// Render writes the report as one page to a stream: screenshots found under opt.BaseDir are embedded
// within the budget, the others linked.
func (htmlRenderer) Render(w io.Writer, doc *results.Document, opt Options) error {
	wd, err := lookupWords(opt.Lang)
	if err != nil {
		return err
	}
	tmpl, err := htmlTemplates()
	if err != nil {
		return err
	}
	imgs := newImager(opt.BaseDir)
	defer imgs.close()
	data := newHTMLReport(doc, wd)
	for i, e := range results.Ranked(doc) {
		anchor := siteAnchor(i)
		data.Rows = append(data.Rows, htmlRowFor(e, wd, anchor, "#"+anchor))
		data.Sites = append(data.Sites, htmlSiteFor(e, wd, anchor, imgs))
	}
	data.Linked = imgs.linked
	return executeHTML(w, tmpl, "report.html.tmpl", data)
}

// newHTMLReport fills in the page's header: everything but the rows and the runs.
func newHTMLReport(doc *results.Document, wd *words) htmlReport {
	data := htmlReport{W: wd, HTMLLang: htmlLang(wd),
		Definitions: append(append([]string{}, wd.Definitions...), wd.statusDefinitions()...)}
	if doc.Tool.Name != "" {
		data.Generated = generatedLine(doc, wd)
	}
	for _, p := range doc.Packs {
		data.Packs = append(data.Packs, Clean(p))
	}
	return data
}

func htmlLang(wd *words) string { return map[string]string{"en": "en", "zh": "zh-CN"}[wd.Lang] }

// siteAnchor is the id of the i-th run's section (in ranking order), on whichever page it is.
func siteAnchor(i int) string { return "site-" + strconv.Itoa(i+1) }

// executeHTML renders a whole page before writing any of it, so that a template error leaves no half page.
func executeHTML(w io.Writer, tmpl *template.Template, name string, data any) error {
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("execute %s: %w", name, err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// htmlReport is what report.html.tmpl renders. Every string in it is cleaned plain text: html/template
// escapes it for its context. The only pre-trusted values are the image sources that imager builds: data:
// URIs of image files, and relative links it percent-encodes itself.
type htmlReport struct {
	W         *words
	HTMLLang  string
	Generated string
	// Definitions are the "How to read" lines: the words' definitions, then what each status means.
	Definitions []string
	Packs       []string
	Rows        []htmlRow
	Sites       []htmlSite
	Linked      bool
}

type htmlRow struct {
	Anchor string
	Href   string // where the site's name leads: its section on this page, or on its own page

	Rank, Site, Device, Clicks, Levels, Hovers    string
	Interstitials, Control, Target, Effect, Score string
	Grade, GradeClass, TargetClass, EffectClass   string
	StatusClass                                   string
}

type htmlSite struct {
	W                                    *words
	Anchor, Site, Device, Viewport, Rank string
	Status, StatusText, Reason           string
	StatusMeaning                        string
	Score, Grade, GradeClass             string
	Scores                               []htmlScore
	Metrics                              []htmlKV
	Path, Login                          []htmlStep
	Screens                              []htmlScreen // the screens after the control, with their options
	Control                              []htmlKV
	TargetClass                          string
	Confirm, Subscribe                   []htmlKV
	Problems, Reference                  []htmlVerdict
	Notes                                []string
	Evidence                             []htmlKV
	EvidenceDir                          string // the run's evidence folder, relative to the report
}

type htmlRules struct {
	W        *words
	Verdicts []htmlVerdict
}

type htmlScore struct{ Pack, Score, Grade, GradeClass, Note string }

type htmlKV struct{ Key, Value, Class string }

// htmlScreen is one screen between the cancel control and the done state, with what it offers.
type htmlScreen struct {
	Heading, URL string
	Options      []string
	Truncated    bool
}

type htmlStep struct {
	N                          int
	Phase, Action, Target, URL string
	Level, Error               string
	Control, Skipped           bool
	Image                      *htmlImage
}

type htmlImage struct {
	Src  template.URL // a data: URI built here, or a relative path
	Href string       // the evidence file, relative to the report
	Alt  string
	// Missing: the base folder was given and the file is not in it; the report says so instead of showing a
	// broken image.
	Missing bool
}

type htmlVerdict struct {
	RuleID, Title, Pack, Severity, Outcome string
	Measured, Citation, Basis, Message     string
	Step, Status                           string
	Image                                  *htmlImage
}

func htmlRowFor(e *results.Entry, wd *words, anchor, href string) htmlRow {
	c := tableRow(e, wd)
	r := htmlRow{
		Anchor: anchor, Href: href, Rank: c[colRank].text, Site: c[colSite].text, Device: c[colDevice].text,
		Clicks: c[colClicks].text, Levels: c[colLevels].text, Hovers: c[colHovers].text,
		Interstitials: c[colInter].text, Control: c[colControl].text, Target: c[colTarget].text,
		Effect: c[colEffect].text, Score: c[colScore].text, Grade: c[colGrade].text,
		GradeClass: gradeClass(gradeText(e)),
	}
	if e.Control != nil {
		r.TargetClass = targetClass(e.Control.TargetSize)
	}
	if e.Effect != nil && !e.Effect.Passed {
		r.EffectClass = "bad"
	}
	switch {
	case !e.Status.CarriedOut():
		r.StatusClass = "warn" // nothing was measured: a problem of the audit, not a finding
	case e.Status != metrics.StatusOK:
		r.StatusClass = "bad"
	}
	return r
}

func gradeClass(g string) string {
	switch g {
	case "A", "B", "C", "D", "E", "F":
		return "grade-" + strings.ToLower(g)
	}
	return "grade-none"
}

func targetClass(v string) string {
	switch v {
	case "fail":
		return "bad"
	case "pass_spacing", "pass_inline":
		return "warn"
	case "pass":
		return "good"
	}
	return ""
}

func htmlSiteFor(e *results.Entry, wd *words, anchor string, imgs *imager) htmlSite {
	s := htmlSite{
		W: wd, Anchor: anchor, Site: Clean(e.Site), Device: wd.device(e.Device.Name),
		Viewport: fmt.Sprintf("%d×%d", e.Device.Width, e.Device.Height),
		Rank:     rankText(e, wd), Status: string(e.Status), StatusText: wd.status(e.Status),
		StatusMeaning: wd.statusMeaning(e.Status),
		Reason:        Clean(e.Reason), Score: nonEmpty(scoreText(e), "-"), Grade: nonEmpty(gradeText(e), "-"),
		GradeClass: gradeClass(gradeText(e)),
	}
	for _, sc := range e.Scores {
		hs := htmlScore{Pack: Clean(sc.Pack), Score: num(sc.Score), Grade: Clean(sc.Grade), GradeClass: gradeClass(sc.Grade)}
		if !sc.Counted && sc.Weight > 0 {
			hs.Note = wd.NotCounted
		}
		s.Scores = append(s.Scores, hs)
	}
	m := e.Metrics
	opt := func(p *int) string { return nonEmpty(intText(p), wd.Unmeasured) }
	s.Metrics = []htmlKV{
		{Key: wd.Clicks, Value: opt(m.ClicksToControl)},
		{Key: wd.Levels, Value: opt(m.LevelsToControl)},
		{Key: wd.Hovers, Value: opt(m.HoversToControl)},
		{Key: wd.Interstitials, Value: opt(m.Interstitials)},
		{Key: wd.ClicksToDone, Value: opt(m.ClicksToDone)},
		{Key: wd.OptionsOnPath, Value: opt(m.OptionsOnPath)},
	}
	if m.ReachableWithoutLogin != nil {
		s.Metrics = append(s.Metrics, htmlKV{Key: wd.WithoutLogin, Value: wd.yesNo(*m.ReachableWithoutLogin)})
	}
	if e.Effect != nil {
		kv := htmlKV{Key: wd.EffectLong, Value: wd.effect(e.Effect)}
		if !e.Effect.Passed {
			kv.Class = "bad"
			if r := Clean(e.Effect.Reason); r != "" {
				kv.Value += " — " + r
			}
		}
		s.Metrics = append(s.Metrics, kv)
	}
	n := 0
	for _, st := range e.Steps {
		hs := htmlStepFor(st, wd, imgs)
		if st.Phase == "login" {
			s.Login = append(s.Login, hs)
			continue
		}
		n++
		hs.N = n
		s.Path = append(s.Path, hs)
	}
	s.Screens = htmlScreensFor(e, wd)
	if c := e.Control; c != nil {
		s.Control = controlKVs(c, e, wd)
		s.TargetClass = targetClass(c.TargetSize)
	}
	if c := e.Confirm; c != nil {
		s.Confirm = []htmlKV{{Key: wd.Label, Value: Clean(c.Label)}, {Key: wd.InViewport, Value: wd.yesNo(c.InViewportOnArrival)}}
		if c.Offers {
			s.Confirm = append(s.Confirm, htmlKV{Key: wd.Offer, Value: nonEmpty(Clean(c.OfferText), wd.Yes), Class: "warn"})
		}
	}
	if sub := e.Subscribe; sub != nil {
		s.Subscribe = subscribeKVs(sub, wd)
	}
	for i := range e.Verdicts {
		v := &e.Verdicts[i]
		if v.Outcome != rules.Fail && v.Outcome != rules.CouldNotMeasure {
			continue
		}
		hv := htmlVerdictFor(e, v, wd, imgs)
		if results.InForce(v) {
			s.Problems = append(s.Problems, hv)
		} else {
			s.Reference = append(s.Reference, hv)
		}
	}
	for _, note := range e.Notes {
		s.Notes = append(s.Notes, Clean(note))
	}
	s.EvidenceDir = imgs.folder(evidenceDir(e))
	s.Evidence = []htmlKV{
		{Key: wd.ScenarioFile, Value: Clean(e.File)},
		{Key: "SHA-256", Value: Clean(e.ScenarioSHA256)},
		{Key: wd.Browser, Value: Clean(e.Browser)},
		{Key: wd.StartedAt, Value: rfc3339(e.StartedAt)},
		{Key: wd.Duration, Value: seconds(e.DurationMS) + " s"},
		{Key: wd.FinalURL, Value: Clean(e.FinalURL)},
	}
	return s
}

// htmlScreensFor lists the screens between the cancel control and the done state with their options, each
// headed by the step that read it (numbered as the path shows it), its line and how many options it has.
func htmlScreensFor(e *results.Entry, wd *words) []htmlScreen {
	var out []htmlScreen
	for _, sc := range e.PathScreens {
		n := sc.StepIndex + 1
		for i := range e.Steps {
			if st := &e.Steps[i]; st.Phase == "cancel" && st.Index == sc.StepIndex {
				n = pathNumber(e, st)
				break
			}
		}
		heading := fmt.Sprintf("%s %d · %s %d · %d %s", wd.Step, n, wd.Line, sc.StepLine, len(sc.Options), wd.Options)
		if sc.Scope == "dialog" {
			heading += " · " + wd.InDialog
		}
		hs := htmlScreen{Heading: heading, URL: Clean(sc.URL), Truncated: sc.Truncated}
		for _, o := range sc.Options {
			hs.Options = append(hs.Options, Clean(o))
		}
		out = append(out, hs)
	}
	return out
}

// pathNumber is a step's number in the path as the report shows it (login steps are not numbered).
func pathNumber(e *results.Entry, st *metrics.Step) int {
	n := 0
	for i := range e.Steps {
		if e.Steps[i].Phase == "login" {
			continue
		}
		n++
		if &e.Steps[i] == st {
			return n
		}
	}
	return 0
}

func htmlStepFor(st metrics.Step, wd *words, imgs *imager) htmlStep {
	hs := htmlStep{
		Phase: Clean(st.Phase), Action: Clean(st.Action), Target: Clean(st.Target), URL: Clean(st.URL),
		Control: st.Control, Skipped: st.Skipped, Error: Clean(st.Error),
	}
	if st.Level {
		hs.Level = wd.levelKind(st.LevelKind)
	}
	hs.Image = imgs.image(st.Screenshot, hs.Action+" "+hs.Target)
	return hs
}

func controlKVs(c *metrics.Control, e *results.Entry, wd *words) []htmlKV {
	kvs := []htmlKV{
		{Key: wd.Label, Value: Clean(c.Label)},
		{Key: wd.Size, Value: fmt.Sprintf("%s CSS px (%s %d×%d)", boxText(c), wd.Viewport, e.Device.Width, e.Device.Height)},
		{Key: wd.Target, Value: wd.targetSize(c.TargetSize), Class: targetClass(c.TargetSize)},
		{Key: wd.InViewport, Value: wd.yesNo(c.InViewportOnArrival)},
		{Key: wd.Contrast, Value: num(c.ContrastRatio) + ":1"},
		{Key: wd.FontSize, Value: px(c.FontSizePX) + " px"},
	}
	if !c.InViewportOnArrival {
		kvs[3].Class = "warn"
	}
	if o := c.LargestOtherButton; o != nil {
		kvs = append(kvs,
			htmlKV{Key: wd.LargestOther, Value: fmt.Sprintf("%s (%s×%s)", Clean(o.Label), px(o.Box.Width), px(o.Box.Height))},
			htmlKV{Key: wd.SizeRatio, Value: strconv.FormatFloat(c.SizeRatio*100, 'f', 1, 64) + " %"})
		if c.SizeRatio < 1 {
			kvs[len(kvs)-1].Class = "warn"
		}
	}
	return kvs
}

func subscribeKVs(sub *metrics.Subscribe, wd *words) []htmlKV {
	kvs := []htmlKV{{Key: wd.ClicksToSubscribe, Value: nonEmpty(intText(sub.ClicksToSubscribe), wd.Unmeasured)}}
	if sub.AutorenewPrechecked != nil {
		kv := htmlKV{Key: wd.Prechecked, Value: wd.yesNo(*sub.AutorenewPrechecked)}
		if *sub.AutorenewPrechecked {
			kv.Class = "bad"
		}
		kvs = append(kvs, kv)
	}
	if sub.DisclosureFound != nil && !*sub.DisclosureFound {
		kvs = append(kvs, htmlKV{Key: wd.Disclosure, Value: wd.NoTermsFound, Class: "bad"})
	}
	if t := Clean(sub.DisclosureText); t != "" {
		kvs = append(kvs, htmlKV{Key: wd.Disclosure, Value: fmt.Sprintf("%s (%s px)", t, px(sub.DisclosureFontPX))})
	}
	if d := sub.DisclosureDistancePX; d != nil {
		kv := htmlKV{Key: wd.DisclosurePlace, Value: wd.disclosurePlace(*d, sub.DisclosureInViewWithButton,
			sub.DisclosureSameBlock, sub.DisclosureRelativeFont)}
		if v := sub.DisclosureInViewWithButton; v != nil && !*v {
			kv.Class = "bad"
		}
		kvs = append(kvs, kv)
	}
	return kvs
}

func htmlVerdictFor(e *results.Entry, v *rules.Verdict, wd *words, imgs *imager) htmlVerdict {
	hv := htmlVerdict{
		RuleID: Clean(v.RuleID), Title: Clean(v.Title), Pack: Clean(v.Pack), Severity: Clean(string(v.Severity)),
		Outcome: string(v.Outcome), Measured: measuredText(v, wd), Citation: Clean(v.Citation),
		Basis: wd.basis(v.Basis), Message: Clean(v.Message), Status: Clean(v.StatusNote),
	}
	if src := Clean(v.BasisSource); src != "" {
		hv.Basis += " — " + src
	}
	if st := stepFor(e, v); st != nil {
		hv.Step = fmt.Sprintf("%s %d: %s %s", wd.Step, pathNumber(e, st), Clean(st.Action), Clean(st.Target))
	}
	hv.Image = imgs.image(v.Screenshot, hv.RuleID)
	return hv
}
