package explore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cancelpath/cancelpath/audit/browser"
	"github.com/cancelpath/cancelpath/audit/run"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

// explorer is one search's state. The search runs level by level; within a level replays run in parallel
// and their results are absorbed in the level's order, so the outcome does not depend on timing.
type explorer struct {
	b     run.Browser
	sc    *scenario.Scenario
	opt   Options
	cls   *classifier
	hover bool
	res   *Result
	start time.Time

	states map[string]int  // screen key → graph node
	pages  map[string]bool // pages (pageKey) of the screens seen
	queued map[string]bool // pages seen or queued: links to them are not followed again
	goals  map[string]bool // cancel controls already found (kind, role and label)
	// skippedSeen: controls already listed in Graph.Skipped; signSeen: signposts already listed
	skippedSeen map[string]bool
	signSeen    map[string]bool
	found       []found
	// proofs are the cancel-named controls that only load a page, by what they load (proofKey): followed,
	// then judged by the page they lead to (see judge).
	proofs map[string]*proofState

	entries // how replays start: the saved session, the pages that open by their URL (entry.go)
	pool    // contexts fit for another replay (pool.go)
}

// node is a screen still to be read: the path that leads to it.
type node struct {
	path []pathStep
	from int // graph node the last action was taken on; -1 for the landing page
	// proves is the proof (proofKey) this node's screen decides: the node follows a cancel-named control.
	proves string
}

// found is a cancel control and the path that reaches it.
type found struct {
	path  []pathStep
	goal  *goal
	url   string
	proof *verdict // what following it showed; nil for a control that acts where it stands
}

// Explore searches sc's site for a cancel control on one device. sc needs its login (or session) only:
// its cancel steps are ignored. A site without a control is a result (StatusNotFound), not an error; the
// error is for a search that could not start (bad options, the landing page cannot be opened) or that
// the caller's ctx ended (the partial result is returned with it).
func Explore(ctx context.Context, b run.Browser, sc *scenario.Scenario, opt Options) (*Result, error) {
	opt, err := opt.withDefaults(sc.Timeouts.Step)
	if err != nil {
		return nil, fmt.Errorf("explore %s: %w", sc.ID, err)
	}
	dev, _ := browser.LookupDevice(opt.Device)
	x := &explorer{
		b: b, sc: landingScenario(sc), opt: opt, hover: !dev.Touch, start: time.Now(),
		states: map[string]int{}, pages: map[string]bool{}, queued: map[string]bool{}, goals: map[string]bool{},
		skippedSeen: map[string]bool{}, signSeen: map[string]bool{}, proofs: map[string]*proofState{},
		entries: newEntries(sc),
		res: &Result{
			Version: FormatVersion, ScenarioID: sc.ID, Site: sc.Site, URL: sc.URL, Device: opt.Device,
			Browser: b.Version(), StartedAt: time.Now().UTC(), Status: StatusNotFound, Candidates: []Path{},
			Explored: Explored{Skipped: map[string]int{}},
			Budget: Budget{MaxDepth: opt.MaxDepth, MaxActions: opt.MaxActions, TimeoutMS: opt.Timeout.Milliseconds(),
				StepTimeout: opt.StepTimeout.Milliseconds(), Parallel: opt.Parallel},
			Graph: Graph{Nodes: []GraphNode{}, Edges: []GraphEdge{}, Skipped: []SkippedControl{}},
		},
	}
	defer x.entries.cleanup()
	err = x.search(ctx)
	x.drain()
	if err == nil || ctx.Err() != nil {
		x.finish(ctx)
	}
	x.res.Explored.Session = x.entries.mode()
	x.res.Explored.WallMS = time.Since(x.start).Milliseconds()
	mask(x.res, sc)
	if err != nil {
		return x.res, fmt.Errorf("explore %s: %w", sc.ID, err)
	}
	return x.res, nil
}

// landingScenario is sc as the search replays it: a scenario without login, session or start page would
// leave the browser on about:blank, so its URL becomes the start page.
func landingScenario(sc *scenario.Scenario) *scenario.Scenario {
	c := *sc
	if len(c.Login) == 0 && c.Session == "" && c.Start == "" {
		c.Start = c.URL
	}
	return &c
}

// absorb records what a node's replay showed, and returns the actions to try from its screen.
func (x *explorer) absorb(n *node, e expansion, depth int) []*node {
	ex := &x.res.Explored
	ex.Dialogs += e.dialogs
	var edge *GraphEdge
	if n.from >= 0 {
		last := n.path[len(n.path)-1]
		x.res.Graph.Edges = append(x.res.Graph.Edges, GraphEdge{From: n.from, To: -1, Action: string(last.step.Action),
			Target: last.step.Target.String(), Label: last.describe()})
		edge = &x.res.Graph.Edges[len(x.res.Graph.Edges)-1]
	}
	if n.proves != "" && x.decideProof(n.proves, e) {
		// The screen of a cancellation under way: its controls are the flow's (the final confirm, the
		// retention offers), neither other cancel controls nor ways to go on searching.
		if edge != nil {
			edge.Outcome = OutcomeFlow
		}
		return nil
	}
	if e.err != nil {
		ex.Errors++
		if edge != nil {
			edge.Outcome, edge.Error = OutcomeError, e.err.Error()
		}
		return nil
	}
	u, err := url.Parse(e.screen.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !x.cls.scope.allows(u) {
		if edge != nil {
			edge.Outcome = OutcomeOffSite
			if err != nil || u.Scheme != "http" && u.Scheme != "https" {
				edge.Outcome, edge.Error = OutcomeError, "the page ended on "+e.screen.URL
			}
		}
		return nil
	}
	pk := pageKey(u)
	if n.from < 0 || pageKeyOf(n.path[len(n.path)-1].url) != pk {
		x.loaded(pk, e.screen) // the page as it loads, not with one of its menus open
	}
	key := screenKey(u, e.screen)
	if id, seen := x.states[key]; seen {
		if edge != nil {
			edge.To, edge.Outcome = id, OutcomeKnown
		}
		return nil
	}
	id := len(x.res.Graph.Nodes)
	x.states[key] = id
	x.pages[pk], x.queued[pk] = true, true
	ex.States, ex.Pages = len(x.states), len(x.pages)
	x.res.Graph.Nodes = append(x.res.Graph.Nodes,
		GraphNode{ID: id, URL: e.screen.URL, Title: e.screen.Title, Depth: depth, Controls: len(e.screen.Items)})
	if edge != nil {
		edge.To, edge.Outcome = id, OutcomeNew
	}

	var children []*node
	for _, it := range e.screen.Items {
		if it.Select {
			children = append(children, x.options(n, id, it, e.screen.URL)...)
			continue
		}
		d := x.cls.decide(it)
		children = append(children, x.act(n, id, d, x.step(it, e.screen.URL, d.key))...)
	}
	return children
}

// act does with one control of screen id (on node n's screen) what d says: a goal is recorded (or followed
// first, when activating it only loads a page), a skip counted, anything else becomes a child node.
func (x *explorer) act(n *node, id int, d decision, ps pathStep) []*node {
	it := d.item
	switch {
	case d.goal != nil && d.goal.follow:
		return x.candidate(n, id, d.goal, ps)
	case d.goal != nil:
		x.res.Graph.Nodes[id].Goals = append(x.res.Graph.Nodes[id].Goals, ps.describe())
		x.addGoal(n.path, d.goal, ps.url, nil)
		return nil
	case d.skip == "" && d.key != "" && x.queued[d.key]:
		d.skip = skipKnownPage
	case d.skip == "" && it.Anchor:
		d.skip = skipInPage
	case d.skip == "" && it.Hover && !x.hover:
		return nil
	}
	if d.skip != "" {
		x.skipped(SkippedControl{Node: id, Label: ps.describe(), Reason: d.skip, Detail: d.detail, Href: d.href})
		return nil
	}
	if d.key != "" {
		x.queued[d.key] = true
	}
	return []*node{{path: extend(n.path, ps), from: id}}
}

// options turns a select's options into actions: choosing one is the select step the engine counts as one
// click. Each option is decided as a control of its own (its label, the page it loads).
func (x *explorer) options(n *node, id int, it item, screenURL string) []*node {
	var children []*node
	for _, o := range it.Options {
		d := x.cls.decideOption(it, o)
		ps := x.step(it, screenURL, d.key)
		ps.step.Action, ps.step.Value, ps.option = scenario.Select, o.Label, o.Label
		children = append(children, x.act(n, id, d, ps)...)
	}
	return children
}

// skipped lists a control left alone, once (on the first screen it was seen on): a header's logout link is
// on every page. Links to known pages and form fields are only counted.
func (x *explorer) skipped(s SkippedControl) {
	x.res.Explored.Skipped[s.Reason]++
	if s.Reason == skipKnownPage || s.Reason == skipField {
		return
	}
	id := strings.Join([]string{s.Label, s.Reason, s.Detail, s.Href}, "\x00")
	if x.skippedSeen[id] {
		return
	}
	x.skippedSeen[id] = true
	x.res.Graph.Skipped = append(x.res.Graph.Skipped, s)
}

// step is the action on a control, as a scenario step with the short explore timeout (a select's option is
// set by the caller).
func (x *explorer) step(it item, screenURL, key string) pathStep {
	action := scenario.Click
	if it.Hover {
		action = scenario.Hover
	}
	ps := pathStep{step: scenario.Step{Action: action, Target: it.Locator.target(), Timeout: x.opt.StepTimeout},
		label: it.Label, role: it.Role, url: screenURL, nav: key != "" && !it.NewTab && !it.Hover}
	if it.NewTab && key != "" {
		ps.newTab = it.Href
	}
	return ps
}

func extend(path []pathStep, s pathStep) []pathStep {
	return append(slices.Clip(path), s)
}

// addGoal records a cancel control, unless the same control was found before (by a path as short).
func (x *explorer) addGoal(path []pathStep, g *goal, screenURL string, v *verdict) {
	id := g.kind + "\x00" + g.item.Role + "\x00" + normalize(g.item.Label) + "\x00" + normalize(g.option)
	if x.goals[id] {
		return
	}
	x.goals[id] = true
	x.found = append(x.found, found{path: path, goal: g, url: screenURL, proof: v})
}

// shortestFound is the fewest actions before a control found so far (-1 for none).
func (x *explorer) shortestFound() int {
	best := -1
	for _, f := range x.found {
		if best < 0 || len(f.path) < best {
			best = len(f.path)
		}
	}
	return best
}

// screenKey identifies a screen: its page and the set of its visible controls (a menu opened on a page makes
// another screen of the same page).
func screenKey(u *url.URL, s *screen) string {
	labels := make([]string, 0, len(s.Items))
	for _, it := range s.Items {
		labels = append(labels, it.Role+"\x00"+it.Tag+"\x00"+it.Label)
	}
	sort.Strings(labels)
	labels = slices.Compact(labels)
	sum := sha256.Sum256([]byte(strings.Join(labels, "\x01")))
	return pageKey(u) + "#" + hex.EncodeToString(sum[:8])
}

// finish turns what the search found into the result: the shortest path, verified by a replay the engine
// measures, and the other candidates.
func (x *explorer) finish(ctx context.Context) {
	if len(x.found) == 0 {
		if x.res.Reason == "" {
			x.res.Reason = "no cancel control found"
		}
		return
	}
	sort.SliceStable(x.found, func(i, j int) bool {
		a, b := x.found[i], x.found[j]
		if len(a.path) != len(b.path) {
			return len(a.path) < len(b.path)
		}
		return clicks(a.path) < clicks(b.path)
	})
	paths := make([]Path, len(x.found))
	for i, f := range x.found {
		paths[i] = f.result()
	}
	// The first path that replays cleanly is the shortest; a path whose replay fails (the site answered
	// differently this time) is kept as a candidate with the error.
	best := 0
	for i := range paths {
		if ctx.Err() != nil {
			break
		}
		err := x.verify(ctx, &paths[i], x.found[i].path, x.found[i].goal.item.Locator.target())
		if err == nil {
			best = i
			break
		}
		paths[i].VerifyError = err.Error()
		if i == 2 {
			break // three failures: the site is not answering the same way twice
		}
	}
	x.res.Status = StatusFound
	x.res.Shortest = &paths[best]
	x.res.Candidates = append(append([]Path{}, paths[:best]...), paths[best+1:]...)
	x.res.Reason = fmt.Sprintf("found a cancel control %d actions from the landing page", len(x.found[best].path))
	if !paths[best].Verified {
		x.res.Reason += " (its verification replay failed: " + paths[best].VerifyError + ")"
	}
}

func clicks(path []pathStep) int {
	n := 0
	for _, s := range path {
		if s.step.Action.IsClick() {
			n++
		}
	}
	return n
}

// result is the found control's Path, before verification.
func (f found) result() Path {
	p := Path{Steps: make([]PathStep, len(f.path)), ClicksToControl: clicks(f.path) + 1}
	for i, s := range f.path {
		p.Steps[i] = PathStep{Action: string(s.step.Action), Target: s.step.Target, Option: s.option, Label: s.label,
			Role: s.role, URL: s.url}
		if s.step.Action == scenario.Hover {
			p.HoversToControl++
		}
	}
	it := f.goal.item
	p.Control = Control{Label: it.Label, Role: it.Role, Tag: it.Tag, Target: it.Locator.target(), Kind: f.goal.kind,
		Match: f.goal.term, URL: it.FrameURL, InFrame: it.InFrame, InShadow: it.InShadow, Evidence: f.goal.evidence}
	if f.goal.option != "" {
		p.Control.Action, p.Control.Option = string(scenario.Select), f.goal.option
	}
	if v := f.proof; v != nil {
		p.Control.Evidence, p.Control.Shows, p.Control.LeadsTo = v.evidence, v.detail, v.leadsTo
	}
	if p.Control.URL == "" {
		p.Control.URL = f.url
	}
	return p
}
