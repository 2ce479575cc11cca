package explore

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// scope says which hosts the search may visit: the scenario's, the landing page's, and allow_hosts.
type scope struct {
	hosts map[string]bool // host:port, normalised
	names map[string]bool // allow_hosts entries without a port: that host on any port
}

func newScope(base string, allow []string, landing string) scope {
	s := scope{hosts: map[string]bool{}, names: map[string]bool{}}
	for _, raw := range []string{base, landing} {
		if u, err := url.Parse(raw); err == nil && u.Host != "" {
			s.hosts[hostKey(u)] = true
		}
	}
	for _, h := range allow {
		h = strings.ToLower(h)
		if strings.Contains(h, ":") && !strings.HasSuffix(h, "]") {
			s.hosts[h] = true
		} else {
			s.names[strings.Trim(h, "[]")] = true
		}
	}
	return s
}

// hostKey is u's host with the scheme's default port made explicit, lower-cased.
func hostKey(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	return strings.ToLower(u.Hostname()) + ":" + port
}

func (s scope) allows(u *url.URL) bool {
	if s.names[strings.ToLower(u.Hostname())] {
		return true
	}
	if s.hosts[hostKey(u)] {
		return true
	}
	// an allow_hosts entry written with the default port ("pay.example.com:443")
	return s.hosts[strings.ToLower(u.Host)]
}

// pageKey identifies the page a URL loads: the fragment is dropped unless it is a client-side route
// ("#/account", "#!/account").
func pageKey(u *url.URL) string {
	v := *u
	if !strings.HasPrefix(v.Fragment, "/") && !strings.HasPrefix(v.Fragment, "!") {
		v.Fragment, v.RawFragment = "", ""
	}
	v.Host = strings.ToLower(v.Host)
	return v.String()
}

// Reasons a control is not activated (Graph.Skipped and Explored.Skipped count them).
const (
	skipDeny       = "deny"        // its label holds a deny term
	skipDenyHref   = "deny_href"   // its link holds a deny_href term
	skipFormSubmit = "form_submit" // it would submit a form
	skipOffSite    = "off_site"    // its link leaves the site (and allow_hosts)
	skipSetting    = "setting"     // a switch, checkbox or radio: clicking it changes a setting
	skipDisabled   = "disabled"
	skipDownload   = "download"
	skipScheme     = "scheme"     // mailto:, tel: and other non-web links
	skipKnownPage  = "known_page" // a link to a page already seen or queued (counted, not listed)
	skipField      = "field"      // a text field or select (counted, not listed)
)

// maxGoalLabel: a longer label is a paragraph that mentions cancelling, not a control.
const maxGoalLabel = 80

// goal is a cancel control on a screen.
type goal struct {
	item item
	kind string // "cancel" (by its label) or "toggle" (a renewal switch that is on)
	term string // the lexicon term it matched
}

// decision is what to do with one control of a screen.
type decision struct {
	item   item
	goal   *goal
	skip   string // a skip reason, or "" to activate it
	detail string // the deny term, the off-site host ...
	key    string // for links: the page they load (pageKey), to skip pages already seen
}

// classifier turns a screen's controls into goals, actions and skips.
type classifier struct {
	lex   *Lexicon
	scope scope
}

func (c *classifier) decide(it item) decision {
	d := decision{item: it}
	if g := c.goal(it); g != nil {
		d.goal = g
		return d
	}
	switch {
	case it.Disabled:
		d.skip = skipDisabled
		return d
	case it.Field:
		d.skip = skipField
		return d
	case it.Stateful:
		d.skip = skipSetting
		return d
	}
	for _, s := range []string{it.Label, it.Text} {
		if t := c.lex.Denied(s); t != "" {
			d.skip, d.detail = skipDeny, t
			return d
		}
	}
	switch {
	case it.Submits:
		d.skip = skipFormSubmit
		return d
	case it.Download:
		d.skip = skipDownload
		return d
	}
	if it.Href == "" {
		return d
	}
	u, err := url.Parse(it.Href)
	if err != nil {
		d.skip, d.detail = skipScheme, it.Href
		return d
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "javascript":
		return d // a script link is a button
	default:
		d.skip, d.detail = skipScheme, u.Scheme
		return d
	}
	if !c.scope.allows(u) {
		d.skip, d.detail = skipOffSite, u.Host
		return d
	}
	if t := c.lex.DeniedHref(u.EscapedPath() + "?" + u.RawQuery); t != "" {
		d.skip, d.detail = skipDenyHref, t
		return d
	}
	if samePageAnchor(it, u) {
		return d // "#" and in-page anchors: whatever happens, happens by script
	}
	d.key = pageKey(u)
	return d
}

// samePageAnchor: a link to a fragment of the document it sits in, which loads nothing.
func samePageAnchor(it item, u *url.URL) bool {
	if u.Fragment == "" && !strings.HasSuffix(it.Href, "#") {
		return false
	}
	f, err := url.Parse(it.FrameURL)
	if err != nil {
		return false
	}
	a, b := *u, *f
	a.Fragment, a.RawFragment, b.Fragment, b.RawFragment = "", "", "", ""
	return a.String() == b.String() && !strings.HasPrefix(u.Fragment, "/") && !strings.HasPrefix(u.Fragment, "!")
}

// goal tells whether it is a cancel control: a control named by a cancel term (and no not_cancel term), or
// a renewal switch that is on.
func (c *classifier) goal(it item) *goal {
	if it.Hover || it.Disabled {
		return nil
	}
	if it.Stateful {
		if it.Role != "switch" && it.Role != "checkbox" && it.Role != "menuitemcheckbox" {
			return nil
		}
		if t, ok := c.lex.IsToggle(it.Label); ok && it.Checked {
			return &goal{item: it, kind: "toggle", term: t}
		}
		return nil
	}
	for _, s := range []string{it.Label, it.Text} {
		if s == "" || utf8.RuneCountInString(s) > maxGoalLabel {
			continue
		}
		if t, ok := c.lex.IsCancel(s); ok {
			return &goal{item: it, kind: "cancel", term: t}
		}
	}
	return nil
}
