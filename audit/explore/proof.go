package explore

import (
	"net/url"
)

// A cancel-named control whose activation only loads a page ("前往退订页面", "Go to cancellation", "退订"
// linking to a confirm page) is a candidate: the search follows it, as it follows any link (the deny rules
// stand: nothing that pays, logs out or submits is activated, and confirm() is answered no), and judges it by
// the page it leads to. It is the control when that page shows the cancellation under way; it was a signpost
// (a step on the way) when that page holds a cancel control of its own.

// proofState is what the search knows of one thing candidates load.
type proofState struct {
	verdict *verdict    // nil while the page has not been read
	waiting []candidate // candidates leading there, in the order found, judged once it is read
}

// candidate is one cancel-named control to be judged by where it leads.
type candidate struct {
	path []pathStep // to the screen it stands on
	goal *goal
	url  string // that screen
	node int    // its graph node
	ps   pathStep
}

// verdict is what following a candidate showed.
type verdict struct {
	control  bool
	evidence string // for a control: one of the Evidence constants
	detail   string // the flow control, the confirm question, the cancelled text; for a signpost, the control it led to
	leadsTo  string // the page it led to
	failed   bool   // the page could not be read (the replay failed): no verdict
}

// candidate records a cancel-named control that only loads a page, and returns the node that follows it when
// nothing is known yet of that page.
func (x *explorer) candidate(n *node, id int, g *goal, ps pathStep) []*node {
	c := candidate{path: n.path, goal: g, url: ps.url, node: id, ps: ps}
	st := x.proofs[g.key]
	if st == nil {
		st = &proofState{}
		x.proofs[g.key] = st
		if s := x.firstScreen(g.key); s != nil {
			st.verdict = x.judge(c, s) // a page read already (and as it loads): no need to go there again
		} else {
			st.waiting = []candidate{c}
			if u, err := url.Parse(g.key); err == nil && u.Scheme != "" {
				x.queued[g.key] = true
			}
			return []*node{{path: extend(n.path, ps), from: id, proves: g.key}}
		}
	}
	if st.verdict == nil {
		st.waiting = append(st.waiting, c)
		return nil
	}
	x.apply(st.verdict, c)
	return nil
}

// decideProof judges the candidates waiting for key by what the node that followed them showed, and reports
// whether that was a cancellation under way.
func (x *explorer) decideProof(key string, e expansion) bool {
	st := x.proofs[key]
	if st == nil || st.verdict != nil || len(st.waiting) == 0 {
		return false
	}
	if e.err != nil || e.screen == nil {
		st.verdict = &verdict{failed: true}
	} else {
		st.verdict = x.judge(st.waiting[0], e.screen)
	}
	for _, c := range st.waiting {
		x.apply(st.verdict, c)
	}
	st.waiting = nil
	return st.verdict.control
}

// judge reads the screen a candidate led to. In order: the page asked to confirm (confirm(), answered no);
// the screen holds a cancel control of its own (not the candidate again: a footer link on every page) — a
// signpost; it shows a flow control (a confirmation, a retention offer), a bare confirm button on a page
// about cancelling, or a form whose submit names cancelling — the control; it says the cancellation took
// effect — the control. Anything else: the candidate led to a page about cancelling, not to a cancellation.
func (x *explorer) judge(c candidate, s *screen) *verdict {
	lex := x.opt.Lexicon
	v := &verdict{leadsTo: s.URL}
	if s.Confirmed != "" {
		v.control, v.evidence, v.detail = true, EvidenceConfirmDialog, s.Confirmed
		return v
	}
	var flow, fresh *item
	flowKind := ""
	about := lex.NamesCancelling(s.Text)
	for i := range s.Items {
		it := &s.Items[i]
		if it.Hover || it.Disabled {
			continue
		}
		if _, ok := lex.IsFlow(it.Label); ok {
			if flow == nil {
				flow, flowKind = it, EvidenceFlowScreen
			}
			continue
		}
		if about && lex.IsConfirm(it.Label) {
			if flow == nil {
				flow, flowKind = it, EvidenceConfirmScreen
			}
			continue
		}
		if g := x.cls.goal(*it); g != nil && !sameControl(c, *it, s.URL) {
			if it.Submits && g.kind == "cancel" {
				if flow == nil {
					flow, flowKind = it, EvidenceCancelForm
				}
				continue
			}
			if fresh == nil {
				fresh = it
			}
		}
		for _, o := range it.Options {
			if _, ok := lex.IsCancel(o.Label); ok && fresh == nil && it.Select {
				fresh = it
			}
		}
	}
	switch {
	case fresh != nil:
		v.detail = fresh.Label
	case flow != nil:
		v.control, v.evidence, v.detail = true, flowKind, flow.Label
	default:
		if t := lex.SaysCancelled(s.Text); t != "" {
			v.control, v.evidence, v.detail = true, EvidenceSaysCancelled, t
		}
	}
	return v
}

// sameControl tells whether it, on the page a candidate led to, is that candidate again (the same label, or
// a link to the same place) or a link to the page itself.
func sameControl(c candidate, it item, pageURL string) bool {
	if normalize(it.Label) == normalize(c.goal.item.Label) {
		return true
	}
	if it.Href == "" {
		return false
	}
	k := pageKeyOf(it.Href)
	return k == c.goal.key || k == pageKeyOf(pageURL)
}

// apply records what a verdict makes of a candidate: a control found, or a signpost.
func (x *explorer) apply(v *verdict, c candidate) {
	switch {
	case v.control:
		x.res.Graph.Nodes[c.node].Goals = append(x.res.Graph.Nodes[c.node].Goals, c.ps.describe())
		x.addGoal(c.path, c.goal, c.url, v)
	case v.failed:
	default:
		id := c.ps.describe() + "\x00" + v.leadsTo
		if x.signSeen[id] {
			return
		}
		x.signSeen[id] = true
		x.res.Signposts = append(x.res.Signposts, Signpost{Label: c.ps.describe(), URL: c.url, LeadsTo: v.leadsTo, Holds: v.detail})
	}
}

// pageKeyOf is pageKey of a URL string ("" when it does not parse).
func pageKeyOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return pageKey(u)
}
