package explore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sync"

	"github.com/go-rod/rod/lib/proto"

	"github.com/cancelpath/cancelpath/audit/run"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

// How replays start. The search logs in once per device, on the landing page's replay, and saves the
// session (cookies and localStorage, in the storage-state form a scenario's session: key reads); every other
// replay starts from that session, on the landing page or, when its path passes through a page that loaded
// by itself (a link, a route), directly on the deepest such page, replaying only the steps after it. The
// page entered must show the screen the search saw load. When the saved session's landing page does not, a
// login decides: it shows the search's landing page (the site dropped the session: new contexts log in from
// then on) or it does not either (the page changes between loads: it is checked by its address from then
// on). A page that does not open as it was reached (it needs what an earlier step set up) is not entered
// directly again.

// Explored.Session values.
const (
	SessionNone     = "none"     // no login: the site is searched as a visitor sees it
	SessionScenario = "scenario" // the scenario's own session file
	SessionSaved    = "saved"    // one login, then every replay from the session saved after it
	SessionReplayed = "replayed" // each new context logged in (the session could not be saved, or did not hold)
)

// entries is what the search knows of how to start a replay. Replays of a level run in parallel: mu guards it.
type entries struct {
	mu        sync.Mutex
	hasLogin  bool   // the scenario logs in with steps
	ownFile   bool   // the scenario has its own session file
	session   string // the storage-state file saved after the login; "" before (or when it could not be)
	held      bool   // the saved session still opens the member area
	dropped   bool   // the site did not keep the saved session
	loose     bool   // the landing page changes between loads: entering it is checked by its address only
	landing   string // the landing page's URL, once read
	noEntry   map[string]bool
	tempFiles []string
	// first is the screen each page showed when it was loaded (pageKey): a replay entering a page by its URL
	// must find it so, and a cancel-named link to a page read already is judged from it.
	first map[string]*screen
}

func newEntries(sc *scenario.Scenario) entries {
	return entries{hasLogin: len(sc.Login) > 0 && sc.Session == "", ownFile: sc.Session != "", noEntry: map[string]bool{},
		first: map[string]*screen{}}
}

// mode is Explored.Session.
func (en *entries) mode() string {
	en.mu.Lock()
	defer en.mu.Unlock()
	switch {
	case en.ownFile:
		return SessionScenario
	case !en.hasLogin:
		return SessionNone
	case en.session != "" && !en.dropped:
		return SessionSaved
	}
	return SessionReplayed
}

// cleanup removes the saved session's file: it holds the site's session cookies.
func (en *entries) cleanup() {
	en.mu.Lock()
	defer en.mu.Unlock()
	for _, f := range en.tempFiles {
		_ = os.Remove(f)
	}
	en.tempFiles = nil
}

// entry is how one replay starts: with the scenario's login (login) or without it (from the saved session,
// or a site with none), on url, with the path's first skip steps behind it.
type entry struct {
	login bool
	url   string // the page; "" for the landing page as the scenario's login leaves it
	skip  int
	// checked: the entry page must open as the search saw it load (the saved session must hold, a page
	// entered directly must not need what an earlier step set up); when it does not, the replay starts again
	// from further back.
	checked bool
	// confirm: a login after the saved session's landing page did not open as before: is it the session?
	confirm bool
}

// plan picks how a replay of path starts: on the deepest page of the path that loaded by itself and opens by
// its URL, else on the landing page; with the saved session when it holds.
func (x *explorer) plan(path []pathStep) entry {
	en := &x.entries
	en.mu.Lock()
	defer en.mu.Unlock()
	login := en.hasLogin && !en.held
	if en.landing == "" {
		return entry{login: true} // the landing page's own replay: as the scenario opens it
	}
	for i := len(path) - 1; i >= 1; i-- {
		k := pageKeyOf(path[i].url)
		if k == "" || k == pageKeyOf(path[i-1].url) || en.noEntry[k] {
			continue // a menu or panel opened on the same page: replayed from where its page loaded
		}
		return entry{login: login, url: path[i].url, skip: i, checked: true}
	}
	return entry{login: login, url: en.landing, checked: !login && en.held && !en.loose}
}

// landingURL is the landing page's URL, once read.
func (x *explorer) landingURL() string {
	x.entries.mu.Lock()
	defer x.entries.mu.Unlock()
	return x.entries.landing
}

// fallback is the entry to try after en's page did not open as the search saw it, and false when there is
// none.
func (x *explorer) fallback(path []pathStep, en entry) (entry, bool) {
	if en.skip > 0 {
		x.entries.mu.Lock()
		x.entries.noEntry[pageKeyOf(en.url)] = true
		x.entries.mu.Unlock()
		return x.plan(path), true
	}
	if !en.login && en.checked {
		return entry{login: true, confirm: true}, true // the saved session's landing page: ask a login
	}
	return entry{}, false
}

// sessionChecked takes what a login showed after the saved session's landing page did not open as before:
// the same landing page as the search saw means the site dropped the session (replays log in from now on);
// another one, that the landing page changes between loads (its check is by address from now on).
func (x *explorer) sessionChecked(loginSame bool) {
	x.entries.mu.Lock()
	defer x.entries.mu.Unlock()
	if loginSame {
		x.entries.held, x.entries.dropped = false, true
	} else {
		x.entries.loose = true
	}
}

// open starts a fresh context as en says. pending: it is not on en's page yet, the caller opens it (see
// enter): a page entered directly is opened with its activity watched, so that a script sending a visitor
// without the session elsewhere is seen doing so.
func (x *explorer) open(ctx context.Context, en entry) (d *run.Driver, pending bool, err error) {
	if en.login {
		d, err := run.Open(ctx, guarded{x.b}, x.sc, x.opt.Device, true, x.opt.Run)
		return d, err == nil && en.skip > 0, err // the login ends on the landing page
	}
	c := *x.sc
	c.Login, c.Start = nil, en.url
	if en.checked {
		c.Start = "about:blank"
	}
	x.entries.mu.Lock()
	if x.entries.session != "" {
		c.Session = x.entries.session
	}
	x.entries.mu.Unlock()
	d, err = run.Open(ctx, guarded{x.b}, &c, x.opt.Device, true, x.opt.Run)
	return d, err == nil && en.checked, err
}

// enter gives a replay its context on en's page: a context from the pool when en opens a page by its URL
// (and reuse), else a fresh one. ok is false when en is checked and its page did not open as the search saw
// it load; err when no context could be had at all.
func (x *explorer) enter(ctx context.Context, en entry, h *run.Script, reuse bool) (d *run.Driver, reused, ok bool, err error) {
	pending := false
	if reuse && en.url != "" {
		if p, found := x.take(); found {
			if err := leave(ctx, p.d, p.url, en.url, x.opt.StepTimeout); err == nil {
				d, reused, pending = p.d, true, true
			} else {
				p.d.Close()
			}
		}
	}
	if d == nil {
		if d, pending, err = x.open(ctx, en); err != nil {
			return nil, false, false, err
		}
	}
	var act *activity
	if pending {
		act = watchActivity(ctx, d.Page())
		if err := d.Do(ctx, scenario.Step{Action: scenario.Goto, URL: en.url, Timeout: x.opt.StepTimeout}, nil); err != nil {
			act.stop()
			if reused && ctx.Err() == nil {
				d.Close() // the context left by another replay is at fault as much as the page: a fresh one
				d, _, ok, err = x.enter(ctx, en, h, false)
				return d, false, ok, err
			}
			return d, reused, false, nil
		}
	}
	ok = !en.checked || x.arrived(ctx, d, h, act, en, en.url)
	act.stop()
	return d, reused, ok, nil
}

// openLanding opens a fresh context on the landing page, from the saved session when it holds (checked as a
// replay's entry is: when the page differs, a login decides whether the site dropped the session).
func (x *explorer) openLanding(ctx context.Context) (*run.Driver, error) {
	ex := &x.res.Explored
	en := x.plan(nil)
	ex.Contexts++
	if en.login {
		ex.Logins++
	}
	d, _, ok, err := x.enter(ctx, en, newHelper(), false)
	if err != nil || ok {
		return d, err
	}
	d.Close()
	en = entry{login: true, confirm: true}
	ex.Contexts++
	ex.Logins++
	ex.Fallbacks++
	if d, _, _, err = x.enter(ctx, en, newHelper(), false); err != nil {
		return nil, err
	}
	if same := x.arrived(ctx, d, newHelper(), nil, en, x.landingURL()); ctx.Err() == nil {
		x.sessionChecked(same)
	}
	return d, nil
}

// loaded records the screen a page showed when it loaded, unless one is known.
func (x *explorer) loaded(pk string, s *screen) {
	x.entries.mu.Lock()
	defer x.entries.mu.Unlock()
	if _, ok := x.entries.first[pk]; !ok {
		x.entries.first[pk] = s
	}
}

// firstScreen is the screen the page pk showed when it loaded, or nil.
func (x *explorer) firstScreen(pk string) *screen {
	x.entries.mu.Lock()
	defer x.entries.mu.Unlock()
	return x.entries.first[pk]
}

// arrived tells whether d shows the page en asked for as the search saw it load: the same address (a site that
// sends a visitor without the session elsewhere shows its login page) and the same screen (the same controls:
// a page that needs what an earlier step set up, such as a payment channel's hand-off, shows another).
func (x *explorer) arrived(ctx context.Context, d *run.Driver, h *run.Script, act *activity, en entry, want string) bool {
	if want == "" {
		return true
	}
	if act == nil {
		act = watchActivity(ctx, d.Page())
		defer act.stop()
	}
	s := settle(ctx, h, d.Page, &act, nil, x.opt.StepTimeout)
	u, err := url.Parse(s.URL)
	if err != nil || pageKey(u) != pageKeyOf(want) {
		return false
	}
	if en.skip == 0 && !en.login && x.looseLanding() {
		return true
	}
	first := x.firstScreen(pageKey(u))
	if first == nil || (s.Count == first.snap.Count && s.Hash == first.snap.Hash) {
		return true
	}
	got, err := enumerate(ctx, h, d.Page(), x.hover)
	return err == nil && screenKey(u, got) == screenKey(u, first)
}

func (x *explorer) looseLanding() bool {
	x.entries.mu.Lock()
	defer x.entries.mu.Unlock()
	return x.entries.loose
}

// landed records the landing page the login led to and saves the session it left: cookies of every site
// the context holds, the landing page's localStorage. A site whose login leaves nothing to save is logged in
// by every replay.
func (x *explorer) landed(ctx context.Context, d *run.Driver, h *run.Script, landingURL string) error {
	en := &x.entries
	en.mu.Lock()
	en.landing = landingURL
	save := en.hasLogin
	en.mu.Unlock()
	if !save {
		return nil
	}
	st, err := storageState(ctx, d, h)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp("", "cancelpath-explore-session-*.json")
	if err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	en.mu.Lock()
	en.tempFiles = append(en.tempFiles, f.Name())
	en.mu.Unlock()
	enc := json.NewEncoder(f)
	err = enc.Encode(st)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	en.mu.Lock()
	en.session, en.held = f.Name(), true
	en.mu.Unlock()
	return nil
}

// errNothingSaved: the login left no cookie and no localStorage.
var errNothingSaved = errors.New("save session: the login left no cookies and no localStorage")

// storageState reads the context's cookies and the current page's localStorage in Playwright's storageState
// form (what scenario.LoadSession reads).
func storageState(ctx context.Context, d *run.Driver, h *run.Script) (*scenario.Session, error) {
	p := d.Page().Context(ctx)
	// An incognito context's page sees that context's cookies only.
	res, err := proto.NetworkGetAllCookies{}.Call(p)
	if err != nil {
		return nil, fmt.Errorf("save session: cookies: %w", err)
	}
	st := &scenario.Session{Cookies: []scenario.Cookie{}, Origins: []scenario.Origin{}}
	for _, c := range res.Cookies {
		exp := float64(c.Expires)
		if c.Session {
			exp = -1
		}
		st.Cookies = append(st.Cookies, scenario.Cookie{Name: c.Name, Value: c.Value, Domain: c.Domain, Path: c.Path,
			Expires: exp, HTTPOnly: c.HTTPOnly, Secure: c.Secure, SameSite: string(c.SameSite)})
	}
	var o scenario.Origin
	if err := h.Call(ctx, p, &o, "storage"); err == nil && len(o.LocalStorage) > 0 {
		st.Origins = append(st.Origins, o)
	}
	if len(st.Cookies) == 0 && len(st.Origins) == 0 {
		return nil, errNothingSaved
	}
	return st, nil
}
