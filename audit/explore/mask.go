package explore

import "github.com/cancelpath/cancelpath/audit/scenario"

// mask replaces the scenario's secrets in every text of r that came from the page or the scenario: a
// ${VAR} value (a base URL, a user name shown on the page) must not reach a report.
func mask(r *Result, sc *scenario.Scenario) {
	m := sc.Mask
	r.URL, r.Reason = m(r.URL), m(r.Reason)
	maskPath := func(p *Path) {
		for i := range p.Steps {
			s := &p.Steps[i]
			s.Label, s.URL, s.Target, s.Option = m(s.Label), m(s.URL), maskTarget(s.Target, m), m(s.Option)
		}
		c := &p.Control
		c.Label, c.URL, c.Target, p.VerifyError = m(c.Label), m(c.URL), maskTarget(c.Target, m), m(p.VerifyError)
		c.Option, c.Shows, c.LeadsTo = m(c.Option), m(c.Shows), m(c.LeadsTo)
	}
	for i := range r.Signposts {
		s := &r.Signposts[i]
		s.Label, s.URL, s.LeadsTo, s.Holds = m(s.Label), m(s.URL), m(s.LeadsTo), m(s.Holds)
	}
	if r.Shortest != nil {
		maskPath(r.Shortest)
	}
	for i := range r.Candidates {
		maskPath(&r.Candidates[i])
	}
	g := &r.Graph
	for i := range g.Nodes {
		n := &g.Nodes[i]
		n.URL, n.Title = m(n.URL), m(n.Title)
		for j := range n.Goals {
			n.Goals[j] = m(n.Goals[j])
		}
	}
	for i := range g.Edges {
		e := &g.Edges[i]
		e.Target, e.Label, e.Error = m(e.Target), m(e.Label), m(e.Error)
	}
	for i := range g.Skipped {
		s := &g.Skipped[i]
		s.Label, s.Detail, s.Href = m(s.Label), m(s.Detail), m(s.Href)
	}
}

// maskTarget returns t with its texts masked; t itself is shared with the search and left alone.
func maskTarget(t *scenario.Target, m func(string) string) *scenario.Target {
	if t == nil {
		return nil
	}
	c := *t
	c.Text, c.Name, c.CSS = m(c.Text), m(c.Name), m(c.CSS)
	c.Within = maskTarget(c.Within, m)
	return &c
}
