package explore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/scenario"
)

// wiki is a test site laid out as a real wiki (DokuWiki's default template): user, site and page tools, a
// sidebar listing every page, a table of contents, in-content links (one to a page that does not exist yet),
// edit forms, revisions, a sitemap, footer links to other sites, and on a phone a native "Tools" select in a
// GET form that a script submits on change. Alice is subscribed to changes of projects:alpha; the
// Unsubscribe button on that page's Manage Subscriptions screen is three clicks from the start page:
// Project Alpha → Manage Subscriptions → Unsubscribe (on a phone the middle one is the Tools select).
// The server counts logins and every request that would change something (none may arrive).
type wiki struct {
	srv *httptest.Server

	mu      sync.Mutex
	sids    map[string]bool
	logins  int
	changes []string
}

// wikiPages are the pages of the wiki, in the sidebar's (alphabetical) order, with the pages each links to.
var wikiPages = []struct{ id, title string }{
	{"faq", "FAQ"}, {"glossary", "Glossary"}, {"howto:backup", "Backups"}, {"howto:install", "Installation"},
	{"howto:plugins", "Plugins"}, {"howto:upgrade", "Upgrading"}, {"meeting:2024-01", "Meeting 2024-01"},
	{"meeting:2024-02", "Meeting 2024-02"}, {"meeting:2024-03", "Meeting 2024-03"}, {"playground:playground", "Playground"},
	{"projects:alpha", "Project Alpha"}, {"projects:beta", "Project Beta"}, {"projects:gamma", "Project Gamma"},
	{"start", "Start"}, {"team:alice", "Alice"}, {"team:bob", "Bob"}, {"team:carol", "Carol"},
	{"wiki:syntax", "Formatting Syntax"}, {"wiki:welcome", "Welcome to your new wiki"},
}

// wikiSubscribed is the page Alice gets mail for.
const wikiSubscribed = "projects:alpha"

func newWiki(tb testing.TB) *wiki {
	tb.Helper()
	w := &wiki{sids: map[string]bool{}}
	w.srv = httptest.NewServer(http.HandlerFunc(w.serve))
	tb.Cleanup(w.srv.Close)
	return w
}

// scenario logs in through the login form, as a user's scenario for the wiki would.
func (w *wiki) scenario(device string) *scenario.Scenario {
	return &scenario.Scenario{
		ID: "wiki", Site: "wiki", URL: w.srv.URL + "/doku.php", Jurisdictions: []string{"de"}, Devices: []string{device},
		Timeouts: scenario.Timeouts{Step: 5 * time.Second, Scenario: 60 * time.Second},
		Login: []scenario.Step{
			{Action: scenario.Goto, URL: w.srv.URL + "/doku.php?id=start&do=login"},
			{Action: scenario.Fill, Target: &scenario.Target{CSS: "#focus__this"}, Value: "alice"},
			{Action: scenario.Fill, Target: &scenario.Target{CSS: "#pass"}, Value: "secret"},
			{Action: scenario.Click, Target: &scenario.Target{Role: "button", Name: "Log In"}},
			{Action: scenario.WaitFor, Target: &scenario.Target{TextContains: "Logged in as"}},
		},
	}
}

func (w *wiki) loginCount() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.logins
}

func (w *wiki) changeList() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.changes...)
}

func (w *wiki) serve(rw http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/doku.php" {
		http.NotFound(rw, r)
		return
	}
	q := r.URL.Query()
	id, do := q.Get("id"), q.Get("do")
	if id == "" {
		id = "start"
	}
	if r.Method == http.MethodPost {
		w.post(rw, r, id)
		return
	}
	c, err := r.Cookie("DokuWiki")
	w.mu.Lock()
	loggedIn := err == nil && w.sids[c.Value]
	w.mu.Unlock()
	if do == "login" || !loggedIn {
		if do != "login" {
			http.Redirect(rw, r, "/doku.php?id="+url.QueryEscape(id)+"&do=login", http.StatusFound)
			return
		}
		w.page(rw, id, "Log In", `<h1>Login</h1><p>You are currently not logged in! Enter your authentication credentials below to log in.</p>
<form action="/doku.php?id=`+html.EscapeString(id)+`" method="post"><fieldset><legend>Log In</legend><input type="hidden" name="do" value="login">
<label class="block"><span>Username</span> <input type="text" id="focus__this" name="u" class="edit"></label><br>
<label class="block"><span>Password</span> <input type="password" id="pass" name="p" class="edit"></label><br>
<label class="simple"><input type="checkbox" name="r" value="1"> <span>Remember me</span></label>
<button type="submit">Log In</button></fieldset></form><p>Forgotten your password? <a href="/doku.php?id=start&do=resendpwd">Set new password</a></p>`, false)
		return
	}
	switch do {
	case "logout":
		w.mu.Lock()
		w.changes = append(w.changes, "logout")
		w.mu.Unlock()
		http.Redirect(rw, r, "/doku.php?id=start&do=login", http.StatusFound)
	case "":
		w.article(rw, id)
	case "edit":
		w.page(rw, id, id, `<h1>Edit page</h1><p>Edit the page and hit <strong>Save</strong>.</p><form action="/doku.php?id=`+
			html.EscapeString(id)+`" method="post"><textarea name="wikitext" rows="10" cols="60">====== `+html.EscapeString(id)+
			` ======</textarea><br><label>Edit summary: <input type="text" name="summary"></label>
<label><input type="checkbox" name="minor" value="1"> Minor Changes</label><br><button type="submit" name="do[save]">Save</button>
<button type="submit" name="do[preview]">Preview</button> <button type="submit" name="do[cancel]">Cancel</button></form>`, true)
	case "revisions":
		var b strings.Builder
		b.WriteString(`<h1>Old revisions</h1><p>These are the older revisions of the current document.</p><form action="/doku.php" method="get"><input type="hidden" name="id" value="` + html.EscapeString(id) + `"><input type="hidden" name="do" value="diff"><ul>`)
		for i := 1; i <= 5; i++ {
			fmt.Fprintf(&b, `<li><input type="checkbox" name="rev2[]" value="%d"> 2024/0%d/0%d 10:1%d <a href="/doku.php?id=%s&rev=%d" class="wikilink1">%s</a> – alice</li>`,
				i, i, i, i, url.QueryEscape(id), 1700000000+i, html.EscapeString(id))
		}
		b.WriteString(`</ul><button type="submit">Show differences between selected revisions</button></form>`)
		w.page(rw, id, id, b.String(), true)
	case "diff":
		w.page(rw, id, id, `<h1>Differences</h1><p>This shows you the differences between two versions of the page.</p>`, true)
	case "backlink":
		w.page(rw, id, id, `<h1>Backlinks</h1><p>This is a list of pages that seem to link back to the current page.</p><ul><li><a href="/doku.php?id=start" class="wikilink1">start</a></li></ul>`, true)
	case "subscribe":
		w.subscribePage(rw, id)
	case "recent":
		var b strings.Builder
		b.WriteString(`<h1>Recent Changes</h1><form action="/doku.php" method="get"><input type="hidden" name="do" value="recent"><label>Show changes: <select name="show_changes"><option value="pages">pages</option><option value="mediafiles">media files</option><option value="both">both</option></select></label> <button type="submit">Go</button></form><ul>`)
		for _, p := range wikiPages[:8] {
			fmt.Fprintf(&b, `<li>2024/03/0%d <a href="/doku.php?id=%s&do=diff" class="diff_link">diff</a> <a href="/doku.php?id=%s" class="wikilink1">%s</a> – alice</li>`,
				len(p.id)%9, url.QueryEscape(p.id), url.QueryEscape(p.id), html.EscapeString(p.id))
		}
		b.WriteString(`</ul>`)
		w.page(rw, id, "Recent Changes", b.String(), true)
	case "media":
		w.page(rw, id, "Media Manager", `<h1>Media Manager</h1><div role="tablist"><a href="/doku.php?do=media&tab_files=files" role="tab">Select files</a> <a href="/doku.php?do=media&tab_files=upload" role="tab">Upload</a> <a href="/doku.php?do=media&tab_files=search" role="tab">Search</a></div><ul><li><a href="/doku.php?do=media&ns=wiki">wiki</a></li><li><a href="/doku.php?do=media&ns=projects">projects</a></li></ul><p>Files in [root]: logo.png</p>`, true)
	case "index":
		var b strings.Builder
		b.WriteString(`<h1>Sitemap</h1><p>This is a sitemap over all available pages ordered by namespaces.</p><ul class="idx">`)
		for _, ns := range []string{"howto", "meeting", "playground", "projects", "team", "wiki"} {
			fmt.Fprintf(&b, `<li><a href="/doku.php?id=start&do=index&idx=%s" class="idx_dir">%s</a></li>`, ns, ns)
		}
		b.WriteString(`</ul>`)
		w.page(rw, id, "Sitemap", b.String(), true)
	case "admin":
		w.page(rw, id, "Admin", `<h1>Administration</h1><ul class="admin_tasks"><li><a href="/doku.php?id=start&do=admin&page=usermanager">User Manager</a></li><li><a href="/doku.php?id=start&do=admin&page=acl">Access Control List Management</a></li><li><a href="/doku.php?id=start&do=admin&page=extension">Extension Manager</a></li><li><a href="/doku.php?id=start&do=admin&page=config">Configuration Settings</a></li></ul>`, true)
	case "profile":
		w.page(rw, id, "Update Profile", `<h1>Update your account profile</h1><form action="/doku.php" method="post"><label>Real name <input type="text" name="fullname" value="Alice Example"></label><br><label>E-Mail <input type="text" name="email" value="alice@example.com"></label><br><button type="submit">Save</button></form>`, true)
	case "resendpwd":
		w.page(rw, id, "Set new password", `<h1>Set new password</h1><form method="post"><input type="text" name="login"><button type="submit">Set new password</button></form>`, false)
	default:
		w.article(rw, id)
	}
}

// post handles the login form; any other POST would change something and is only counted.
func (w *wiki) post(rw http.ResponseWriter, r *http.Request, id string) {
	if r.PostFormValue("do") == "login" && r.PostFormValue("u") == "alice" && r.PostFormValue("p") == "secret" {
		b := make([]byte, 12)
		if _, err := rand.Read(b); err != nil {
			http.Error(rw, err.Error(), http.StatusInternalServerError)
			return
		}
		sid := hex.EncodeToString(b)
		w.mu.Lock()
		w.sids[sid] = true
		w.logins++
		w.mu.Unlock()
		http.SetCookie(rw, &http.Cookie{Name: "DokuWiki", Value: sid, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.Redirect(rw, r, "/doku.php?id="+url.QueryEscape(id), http.StatusSeeOther)
		return
	}
	w.mu.Lock()
	w.changes = append(w.changes, r.URL.RequestURI())
	w.mu.Unlock()
	http.Redirect(rw, r, "/doku.php?id="+url.QueryEscape(id), http.StatusSeeOther)
}

func (w *wiki) article(rw http.ResponseWriter, id string) {
	title := ""
	for _, p := range wikiPages {
		if p.id == id {
			title = p.title
		}
	}
	if title == "" {
		w.page(rw, id, id, `<h1>This topic does not exist yet</h1><p>You've followed a link to a topic that doesn't exist yet. If permissions allow, you may create it by clicking on <a href="/doku.php?id=`+
			url.QueryEscape(id)+`&do=edit">Create this page</a>.</p>`, true)
		return
	}
	link := func(id, text string) string {
		return fmt.Sprintf(`<a href="/doku.php?id=%s" class="wikilink1" title="%s">%s</a>`, url.QueryEscape(id), html.EscapeString(id), html.EscapeString(text))
	}
	var b strings.Builder
	b.WriteString(`<div id="dw__toc" class="dw__toc"><h3 class="toggle">Table of Contents</h3><div><ul class="toc">`)
	for _, s := range []string{"Overview", "Details", "See also"} {
		fmt.Fprintf(&b, `<li class="level1"><div class="li"><a href="#%s">%s</a></div></li>`, strings.ReplaceAll(strings.ToLower(s), " ", "_"), s)
	}
	b.WriteString(`</ul></div></div>`)
	fmt.Fprintf(&b, `<h1 class="sectionedit1" id="%s">%s</h1>`, strings.ReplaceAll(id, ":", "_"), html.EscapeString(title))
	b.WriteString(`<h2 id="overview">Overview</h2><div class="level2"><p>`)
	switch id {
	case "start":
		b.WriteString(`Welcome to the team wiki. Current work: ` + link("projects:alpha", "Project Alpha") + `, ` + link("projects:beta", "Project Beta") +
			`. New here? Read the ` + link("howto:install", "installation notes") + ` and the ` + link("wiki:syntax", "formatting syntax") +
			`, try things in the ` + link("playground:playground", "playground") + `, or add your ` + `<a href="/doku.php?id=ideas" class="wikilink2" rel="nofollow">ideas</a>.`)
	default:
		b.WriteString(`This page is about ` + html.EscapeString(title) + `. Related: ` + link("start", "start") + `, ` + link("faq", "FAQ") + `, ` + link("glossary", "glossary") + `.`)
	}
	b.WriteString(`</p></div><h2 id="details">Details</h2><div class="level2"><p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p></div><h2 id="see_also">See also</h2><div class="level2"><ul><li>` +
		link("team:alice", "Alice") + `</li><li>` + link("meeting:2024-03", "the last meeting") + `</li></ul></div>`)
	w.page(rw, id, title, b.String(), true)
}

func (w *wiki) subscribePage(rw http.ResponseWriter, id string) {
	var b strings.Builder
	b.WriteString(`<h1>Manage Subscriptions</h1><p>This page allows you to manage your subscriptions for the current page and namespace.</p><div class="section_subscriptions"><h2>My Subscriptions</h2>`)
	if id == wikiSubscribed {
		b.WriteString(`<form action="/doku.php?id=` + html.EscapeString(id) + `" method="post"><input type="hidden" name="do" value="subscribe"><ul><li><div class="li"><bdi>` +
			html.EscapeString(id) + `</bdi> – send mail on every change <button type="submit" name="sub_action" value="unsubscribe">Unsubscribe</button></div></li></ul></form>`)
	} else {
		b.WriteString(`<p>You have no subscriptions for this page or namespace.</p>`)
	}
	ns := id
	if i := strings.LastIndex(id, ":"); i >= 0 {
		ns = id[:i+1] + "*"
	}
	b.WriteString(`<h2>Add new Subscription</h2><form action="/doku.php?id=` + html.EscapeString(id) + `" method="post"><input type="hidden" name="do" value="subscribe"><fieldset><legend>Subscribe to</legend><label><input type="radio" name="sub_target" value="` +
		html.EscapeString(id) + `" checked> ` + html.EscapeString(id) + `</label> <label><input type="radio" name="sub_target" value="ns"> ` + html.EscapeString(ns) +
		`</label></fieldset><fieldset><legend>Receive</legend><label><input type="radio" name="sub_style" value="every" checked> send mail on every change</label> <label><input type="radio" name="sub_style" value="digest"> daily digest</label></fieldset><button type="submit" name="sub_action" value="subscribe">Subscribe</button></form></div>`)
	w.page(rw, id, "Manage Subscriptions", b.String(), true)
}

// page writes the template around content. Page tools act on id.
func (w *wiki) page(rw http.ResponseWriter, id, title, content string, loggedIn bool) {
	qid := url.QueryEscape(id)
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="en" dir="ltr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>` +
		html.EscapeString(title) + ` [Team Wiki]</title><style>` + wikiCSS + `</style></head><body><div id="dokuwiki__site"><div id="dokuwiki__top" class="site dokuwiki mode_show"><div id="dokuwiki__header"><div class="pad group">
<div class="headings group"><h1><a href="/doku.php?id=start" accesskey="h" title="[H]"><span>Team Wiki</span></a></h1><p class="claim">What the team knows</p></div><div class="tools group">`)
	if loggedIn {
		b.WriteString(`<div id="dokuwiki__usertools"><h3 class="a11y">User Tools</h3><ul><li class="user">Logged in as: <bdi>Alice Example</bdi> (<bdi>alice</bdi>)</li>
<li class="wide"><a href="/doku.php?id=` + qid + `&do=admin" class="action admin">Admin</a></li><li class="wide"><a href="/doku.php?id=` + qid + `&do=profile" class="action profile">Update Profile</a></li><li class="wide"><a href="/doku.php?id=` + qid + `&do=logout&sectok=3f9c" class="action logout">Log Out</a></li></ul></div>`)
	}
	b.WriteString(`<div id="dokuwiki__sitetools"><h3 class="a11y">Site Tools</h3><form action="/doku.php" method="get" role="search" class="search" id="dw__search"><input type="hidden" name="do" value="search"><input type="text" name="q" placeholder="Search" title="[F]" accesskey="f" aria-label="Search"><button type="submit" title="Search">Search</button></form>`)
	if loggedIn {
		b.WriteString(`<div class="mobileTools"><form action="/doku.php" method="get" accept-charset="utf-8"><input type="hidden" name="id" value="` + html.EscapeString(id) + `"><select name="do" class="edit quickselect" title="Tools"><option value="">Tools</option>
<optgroup label="Page Tools"><option value="edit">Edit this page</option><option value="revisions">Old revisions</option><option value="backlink">Backlinks</option><option value="subscribe">Manage Subscriptions</option></optgroup>
<optgroup label="Site Tools"><option value="recent">Recent Changes</option><option value="media">Media Manager</option><option value="index">Sitemap</option></optgroup>
<optgroup label="User Tools"><option value="admin">Admin</option><option value="profile">Update Profile</option><option value="logout">Log Out</option></optgroup></select><button type="submit">&gt;</button></form></div>`)
	}
	b.WriteString(`<ul class="wide"><li><a href="/doku.php?id=` + qid + `&do=recent" class="action recent" accesskey="r">Recent Changes</a></li><li><a href="/doku.php?id=` + qid + `&do=media&ns=" class="action media">Media Manager</a></li><li><a href="/doku.php?id=` + qid + `&do=index" class="action index" accesskey="x">Sitemap</a></li></ul></div></div>
<div class="breadcrumbs"><div class="youarehere"><span class="bchead">You are here: </span><span class="home"><bdi><a href="/doku.php?id=start" class="wikilink1" title="start">start</a></bdi></span></div></div></div></div>
<div class="wrapper group"><div id="dokuwiki__aside"><div class="pad aside include group"><h3 class="toggle" onclick="this.nextElementSibling.classList.toggle('open')">Sidebar</h3><div class="content"><ul>`)
	for _, p := range wikiPages {
		fmt.Fprintf(&b, `<li class="level1"><div class="li"><a href="/doku.php?id=%s" class="wikilink1" title="%s">%s</a></div></li>`, url.QueryEscape(p.id), html.EscapeString(p.id), html.EscapeString(p.title))
	}
	b.WriteString(`</ul></div></div></div><div id="dokuwiki__content"><div class="pad group"><div class="pageId"><span>` + html.EscapeString(id) + `</span></div><div class="page group">` + content +
		`</div><div class="docInfo"><bdi>` + html.EscapeString(id) + `.txt</bdi> · Last modified: 2024/03/02 10:14 by <bdi>alice</bdi></div></div></div>`)
	if loggedIn {
		b.WriteString(`<div id="dokuwiki__pagetools"><h3 class="a11y">Page Tools</h3><div class="tools"><ul><li><a href="/doku.php?id=` + qid + `&do=edit" class="action edit" accesskey="e" rel="nofollow" title="Edit this page [E]"><span>Edit this page</span></a></li>
<li><a href="/doku.php?id=` + qid + `&do=revisions" class="action revs" accesskey="o" rel="nofollow" title="Old revisions [O]"><span>Old revisions</span></a></li><li><a href="/doku.php?id=` + qid + `&do=backlink" class="action backlink" rel="nofollow" title="Backlinks"><span>Backlinks</span></a></li>
<li><a href="/doku.php?id=` + qid + `&do=subscribe" class="action subscribe" rel="nofollow" title="Manage Subscriptions"><span>Manage Subscriptions</span></a></li><li><a href="#dokuwiki__top" class="action top" accesskey="t" rel="nofollow" title="Back to top [T]"><span>Back to top</span></a></li></ul></div></div>`)
	}
	b.WriteString(`</div><div id="dokuwiki__footer"><div class="pad"><div class="license">Except where otherwise noted, content on this wiki is licensed under the following license: <bdi><a href="https://creativecommons.org/licenses/by-sa/4.0/deed.en" rel="license" class="urlextern">CC Attribution-Share Alike 4.0 International</a></bdi></div>
<div class="buttons"><a href="https://creativecommons.org/licenses/by-sa/4.0/deed.en" rel="license" title="CC BY-SA 4.0">CC BY-SA 4.0</a> <a href="https://www.dokuwiki.org/donate" title="Donate">Donate</a> <a href="https://php.net" title="Powered by PHP">Powered by PHP</a> <a href="https://validator.w3.org/check/referer" title="Valid HTML5">Valid HTML5</a> <a href="https://dokuwiki.org/" title="Driven by DokuWiki">Driven by DokuWiki</a></div></div></div></div></div>
<script>
// As the template's script.js does: the Tools select submits its form on change, its button is hidden.
for (const s of document.querySelectorAll('select.quickselect')) {
  s.form.querySelector('button').hidden = true;
  s.addEventListener('change', () => s.form.submit());
}
</script></body></html>`)
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = rw.Write([]byte(b.String()))
}

// wikiCSS lays the template out: header, sidebar, content and page tools on a wide screen; on a phone the
// tools collapse into the Tools select and the sidebar behind its heading.
const wikiCSS = `body{font:15px/1.4 sans-serif;margin:0;color:#333}a{color:#2b73b7}#dokuwiki__site{max-width:1100px;margin:0 auto;padding:0 12px}
#dokuwiki__header .pad{display:flex;justify-content:space-between;flex-wrap:wrap;padding:10px 0}.headings h1{margin:0;font-size:22px}.claim{margin:0;color:#777}
.tools ul{list-style:none;margin:4px 0;padding:0;display:flex;gap:12px;justify-content:flex-end}.a11y{position:absolute;left:-9999px}
.search input{padding:4px}.mobileTools{display:none}.breadcrumbs{border-top:1px solid #ddd;border-bottom:1px solid #ddd;padding:4px 0;font-size:13px}
.wrapper{display:flex;gap:20px;position:relative}#dokuwiki__aside{width:200px;flex:none}#dokuwiki__aside ul{padding-left:16px}#dokuwiki__aside h3{font-size:14px}
#dokuwiki__content{flex:1;min-width:0}.page{border:1px solid #ddd;padding:16px 20px}.dw__toc{float:right;border:1px solid #ddd;padding:4px 12px;margin:0 0 8px 12px;font-size:13px}
.docInfo{font-size:12px;color:#777;text-align:right}#dokuwiki__pagetools{width:150px;flex:none}#dokuwiki__pagetools ul{flex-direction:column;align-items:flex-start}
#dokuwiki__footer{font-size:12px;color:#777;padding:12px 0}.buttons a{margin-right:8px}button{padding:3px 8px}
@media (max-width: 600px){.wide{display:none}#dokuwiki__pagetools{display:none}.mobileTools{display:block}.wrapper{display:block}#dokuwiki__aside{width:auto}
#dokuwiki__aside .content{display:none}#dokuwiki__aside .content.open{display:block}#dokuwiki__aside h3{cursor:pointer}.dw__toc{float:none;margin:0 0 8px}}`

// TestExploreWiki explores the wiki on a desktop and on a phone: the Unsubscribe button three clicks from
// the start page, found with one login per device (every branch starts from the session saved after it),
// nothing changed on the wiki, and at most two contexts per page of the levels searched up to the control's.
func TestExploreWiki(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: a wide site")
	}
	tests := []struct {
		device  string
		steps   []string
		actions []string
	}{
		{device: "desktop", steps: []string{"Project Alpha", "Manage Subscriptions"}, actions: []string{"click", "click"}},
		{device: "mobile", steps: []string{"Project Alpha", "Tools"}, actions: []string{"click", "select"}},
	}
	for _, tc := range tests {
		t.Run(tc.device, func(t *testing.T) {
			w := newWiki(t)
			res, err := Explore(context.Background(), testBrowser, w.scenario(tc.device), Options{Device: tc.device, Parallel: 3})
			require.NoError(t, err)
			require.Equal(t, StatusFound, res.Status, res.Reason)
			p := res.Shortest
			assert.True(t, p.Verified, p.VerifyError)
			assert.Equal(t, "Unsubscribe", p.Control.Label)
			assert.Equal(t, 3, p.ClicksToControl, "clicks_to_control")
			var labels, actions []string
			for _, s := range p.Steps {
				labels, actions = append(labels, s.Label), append(actions, s.Action)
			}
			assert.Equal(t, tc.steps, labels)
			assert.Equal(t, tc.actions, actions)
			assert.Equal(t, 1, w.loginCount(), "logins: every branch starts from the saved session")
			assert.Empty(t, w.changeList(), "requests that change something")
			assert.LessOrEqual(t, res.Explored.Contexts, 2*frontierPages(res), "contexts")
		})
	}
}

// frontierPages counts the pages of the screens a search read up to the control's level (every page when
// it found none): the breadth-first frontier a search for the shortest path looks at.
func frontierPages(res *Result) int {
	pages := map[string]bool{}
	for _, n := range res.Graph.Nodes {
		if res.Shortest != nil && n.Depth > len(res.Shortest.Steps) {
			continue
		}
		if u, err := url.Parse(n.URL); err == nil {
			pages[pageKey(u)] = true
		}
	}
	return max(len(pages), 1)
}
