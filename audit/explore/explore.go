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
	// skippedSeen: controls already listed in Graph.Skipped
	skippedSeen map[string]bool
	found       []found
}

// node is a screen still to be read: the path that leads to it.
type node struct {
	path []pathStep
	from int // graph node the last action was taken on; -1 for the landing page
}

// found is a cancel control and the path that reaches it.
type found struct {
	path []pathStep
	goal *goal
	url  string
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
		skippedSeen: map[string]bool{},
		res: &Result{
			Version: FormatVersion, ScenarioID: sc.ID, Site: sc.Site, URL: sc.URL, Device: opt.Device,
			Browser: b.Version(), StartedAt: time.Now().UTC(), Status: StatusNotFound, Candidates: []Path{},
			Explored: Explored{Skipped: map[string]int{}},
			Budget: Budget{MaxDepth: opt.MaxDepth, MaxActions: opt.MaxActions, TimeoutMS: opt.Timeout.Milliseconds(),
				StepTimeout: opt.StepTimeout.Milliseconds(), Parallel: opt.Parallel},
			Graph: Graph{Nodes: []GraphNode{}, Edges: []GraphEdge{}, Skipped: []SkippedControl{}},
		},
	}
	err = x.search(ctx)
	if err == nil || ctx.Err() != nil {
		x.finish(ctx)
	}
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
			Target: last.step.Target.String(), Label: last.label})
		edge = &x.res.Graph.Edges[len(x.res.Graph.Edges)-1]
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
	key := screenKey(u, e.screen)
	if id, seen := x.states[key]; seen {
		if edge != nil {
			edge.To, edge.Outcome = id, OutcomeKnown
		}
		return nil
	}
	id := len(x.res.Graph.Nodes)
	x.states[key] = id
	pk := pageKey(u)
	x.pages[pk], x.queued[pk] = true, true
	ex.States, ex.Pages = len(x.states), len(x.pages)
	gn := GraphNode{ID: id, URL: e.screen.URL, Title: e.screen.Title, Depth: depth, Controls: len(e.screen.Items)}
	if edge != nil {
		edge.To, edge.Outcome = id, OutcomeNew
	}

	var children []*node
	for _, it := range e.screen.Items {
		d := x.cls.decide(it)
		switch {
		case d.goal != nil:
			gn.Goals = append(gn.Goals, it.Label)
			x.addGoal(n.path, d.goal, e.screen.URL)
			continue
		case d.skip == "" && d.key != "" && x.queued[d.key]:
			d.skip = skipKnownPage
		case d.skip == "" && it.Hover && !x.hover:
			continue
		}
		if d.skip != "" {
			x.skipped(SkippedControl{Node: id, Label: it.Label, Reason: d.skip, Detail: d.detail, Href: it.Href})
			continue
		}
		if d.key != "" {
			x.queued[d.key] = true
		}
		children = append(children, &node{path: extend(n.path, x.step(it, e.screen.URL, d.key)), from: id})
	}
	x.res.Graph.Nodes = append(x.res.Graph.Nodes, gn)
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

// step is the action on a control, as a scenario step with the short explore timeout.
func (x *explorer) step(it item, screenURL, key string) pathStep {
	action := scenario.Click
	if it.Hover {
		action = scenario.Hover
	}
	ps := pathStep{step: scenario.Step{Action: action, Target: it.Locator.target(), Timeout: x.opt.StepTimeout},
		label: it.Label, role: it.Role, url: screenURL}
	if it.NewTab && key != "" {
		ps.newTab = it.Href
	}
	return ps
}

func extend(path []pathStep, s pathStep) []pathStep {
	return append(slices.Clip(path), s)
}

// addGoal records a cancel control, unless the same control was found before (by a path as short).
func (x *explorer) addGoal(path []pathStep, g *goal, screenURL string) {
	id := g.kind + "\x00" + g.item.Role + "\x00" + normalize(g.item.Label)
	if x.goals[id] {
		return
	}
	x.goals[id] = true
	x.found = append(x.found, found{path: path, goal: g, url: screenURL})
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
		p.Steps[i] = PathStep{Action: string(s.step.Action), Target: s.step.Target, Label: s.label, Role: s.role, URL: s.url}
		if s.step.Action == scenario.Hover {
			p.HoversToControl++
		}
	}
	it := f.goal.item
	p.Control = Control{Label: it.Label, Role: it.Role, Tag: it.Tag, Target: it.Locator.target(), Kind: f.goal.kind,
		Match: f.goal.term, URL: it.FrameURL, InFrame: it.InFrame, InShadow: it.InShadow}
	if p.Control.URL == "" {
		p.Control.URL = f.url
	}
	return p
}
