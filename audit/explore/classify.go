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
	skipField      = "field"      // a text field, or a select of a form that is posted (counted, not listed)
	skipInPage     = "in_page"    // a link to something on display on its own page: it only scrolls (counted)
)

// maxGoalLabel: a longer label is a paragraph that mentions cancelling, not a control.
const maxGoalLabel = 80

// goal is a cancel control on a screen, or a candidate for one.
type goal struct {
	item   item
	kind   string // "cancel" (by its label) or "toggle" (a renewal switch that is on)
	term   string // the lexicon term it matched
	option string // for a select's option: its label (item is the select)
	// follow: activating it only loads a page (a link, an option that loads a page, a button worded as a way
	// there); it is followed, and is the control only if that page shows the cancellation under way.
	follow bool
	key    string // with follow: what it loads (see proofKey)
	// evidence says why a control that acts where it stands is the control: in_place, switch_on.
	evidence string
}

// decision is what to do with one control of a screen.
type decision struct {
	item   item
	goal   *goal
	skip   string // a skip reason, or "" to activate it
	detail string // the deny term, the off-site host ...
	key    string // for links: the page they load (pageKey), to skip pages already seen
	href   string // the page it loads, as listed among the skipped
}

// Evidence that a control is the cancel control (Control.Evidence).
const (
	EvidenceInPlace       = "in_place"       // it acts where it stands (a button, a submit): never activated
	EvidenceSwitchOn      = "switch_on"      // an auto-renewal switch that is on: turning it off cancels
	EvidenceConfirmDialog = "confirm_dialog" // following it, the page asked to confirm() the cancellation
	EvidenceFlowScreen    = "flow_screen"    // it led to a confirmation or retention screen (flow lexicon)
	EvidenceConfirmScreen = "confirm_screen" // it led to a page about cancelling with a bare confirm button
	EvidenceCancelForm    = "cancel_form"    // it led to a form whose submit button names cancelling
	EvidenceSaysCancelled = "says_cancelled" // it led to a page that says the cancellation took effect
)

// classifier turns a screen's controls into goals, actions and skips.
type classifier struct {
	lex   *Lexicon
	scope scope
}

func (c *classifier) decide(it item) decision {
	d := decision{item: it, href: it.Href}
	if g := c.goal(it); g != nil {
		d.goal = g
		if g.kind == "cancel" {
			g.follow, g.key = c.follows(it)
		}
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

// follows tells whether activating a cancel-named control only loads a page, and what it loads (proofKey):
// a link to another page of the site (or a client-side route), or a button worded as a way there (signpost
// lexicon). A link off the site, to a deny_href page, a script link or an in-page anchor acts where it
// stands, as does every other button: those are never activated.
func (c *classifier) follows(it item) (bool, string) {
	if it.Submits || it.Download || it.Hover {
		return false, ""
	}
	if it.Href != "" {
		u, err := url.Parse(it.Href)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !c.scope.allows(u) ||
			c.lex.DeniedHref(u.EscapedPath()+"?"+u.RawQuery) != "" || samePageAnchor(it, u) {
			return false, ""
		}
		return true, pageKey(u)
	}
	if c.lex.IsSignpost(it.Label) || c.lex.IsSignpost(it.Text) {
		return true, "press\x00" + it.FrameURL + "\x00" + normalize(it.Label)
	}
	return false, ""
}

// decideOption decides one option of a select item as decide does a control: the option's label is its
// label, the page it loads (when known) its link.
func (c *classifier) decideOption(sel item, o option) decision {
	it := sel
	it.Label, it.Text, it.Href, it.Anchor, it.NewTab = o.Label, o.Label, o.Href, false, false
	d := decision{item: sel, href: o.Href}
	if t, ok := c.lex.IsCancel(o.Label); ok && utf8.RuneCountInString(o.Label) <= maxGoalLabel && !sel.Disabled {
		g := &goal{item: sel, kind: "cancel", term: t, option: o.Label, evidence: EvidenceInPlace}
		if o.Href != "" {
			g.follow, g.key = c.follows(it)
		}
		d.goal = g
		return d
	}
	od := c.decide(it)
	d.skip, d.detail, d.key = od.skip, od.detail, od.key
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
	if it.Hover || it.Disabled || it.Select || (it.Field && !it.Stateful) {
		return nil // a form field is not a control: "Art der Kündigung" is a select of the form
	}
	if it.Stateful {
		if it.Role != "switch" && it.Role != "checkbox" && it.Role != "menuitemcheckbox" {
			return nil
		}
		if t, ok := c.lex.IsToggle(it.Label); ok && it.Checked {
			return &goal{item: it, kind: "toggle", term: t, evidence: EvidenceSwitchOn}
		}
		return nil
	}
	for _, s := range []string{it.Label, it.Text} {
		if s == "" || utf8.RuneCountInString(s) > maxGoalLabel {
			continue
		}
		if t, ok := c.lex.IsCancel(s); ok {
			return &goal{item: it, kind: "cancel", term: t, evidence: EvidenceInPlace}
		}
	}
	return nil
}
