package explore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/go-rod/rod/lib/proto"

	"github.com/cancelpath/cancelpath/audit/run"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

// How replays start. The search logs in once per device, on the landing page's replay, and saves the
// session (cookies and localStorage, in the storage-state form a scenario's session: key reads); every other
// replay starts from that session, on the landing page or, when its path passes through a page that loaded
// by itself (a link, a route), directly on the deepest such page, replaying only the steps after it. A site
// that does not keep the session (the landing page does not open as it did, or its first step is not there)
// is logged in again for that replay, and for the rest of the search once a login mends it; a page that
// does not open as it was reached (it needs what an earlier step set up) is not entered directly again.

// Explored.Session values.
const (
	SessionNone     = "none"     // no login: the site is searched as a visitor sees it
	SessionScenario = "scenario" // the scenario's own session file
	SessionSaved    = "saved"    // one login, then every replay from the session saved after it
	SessionReplayed = "replayed" // every replay logged in (the session could not be saved, or did not hold)
)

// entries is what the search knows of how to start a replay. Replays of a level run in parallel: mu guards it.
type entries struct {
	mu        sync.Mutex
	hasLogin  bool   // the scenario logs in with steps
	ownFile   bool   // the scenario has its own session file
	session   string // the storage-state file saved after the login; "" before (or when it could not be)
	held      bool   // the saved session still opens the member area
	dropped   bool   // the site did not keep the saved session
	landing   string // the landing page's URL, once read
	noEntry   map[string]bool
	tempFiles []string
}

func newEntries(sc *scenario.Scenario) entries {
	return entries{hasLogin: len(sc.Login) > 0 && sc.Session == "", ownFile: sc.Session != "", noEntry: map[string]bool{}}
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
	url   string // "" for the landing page as the scenario opens it
	skip  int
	// checked: the entry may fail for reasons of its own (a saved session, a page entered directly); a
	// replay that fails at its first step is then started again from further back.
	checked bool
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
	if login {
		return entry{login: true}
	}
	return entry{url: en.landing, checked: en.held}
}

// fallback is the entry to try after en failed at its first step, and false when there is none.
func (x *explorer) fallback(path []pathStep, en entry) (entry, bool) {
	if en.skip > 0 {
		x.entries.mu.Lock()
		x.entries.noEntry[pageKeyOf(en.url)] = true
		x.entries.mu.Unlock()
		return x.plan(path), true
	}
	if !en.login && en.checked {
		return entry{login: true, checked: false}, true // the saved session: confirm with a login
	}
	return entry{}, false
}

// sessionDropped notes that a login mended what the saved session could not: replays log in from now on.
func (x *explorer) sessionDropped() {
	x.entries.mu.Lock()
	defer x.entries.mu.Unlock()
	x.entries.held, x.entries.dropped = false, true
}

// open starts a fresh context as en says and leaves it on en's page.
func (x *explorer) open(ctx context.Context, en entry) (*run.Driver, error) {
	if en.login {
		d, err := run.Open(ctx, guarded{x.b}, x.sc, x.opt.Device, true, x.opt.Run)
		if err != nil || en.url == "" {
			return d, err
		}
		if err := d.Do(ctx, scenario.Step{Action: scenario.Goto, URL: en.url, Timeout: x.opt.StepTimeout}, nil); err != nil {
			d.Close()
			return nil, fmt.Errorf("open %s: %w", en.url, err)
		}
		return d, nil
	}
	c := *x.sc
	c.Login, c.Start = nil, en.url
	x.entries.mu.Lock()
	if x.entries.session != "" {
		c.Session = x.entries.session
	}
	x.entries.mu.Unlock()
	return run.Open(ctx, guarded{x.b}, &c, x.opt.Device, true, x.opt.Run)
}

// opened tells whether d shows the page en asked for: a site that sends a visitor without the session
// elsewhere (its login page) shows another.
func opened(ctx context.Context, d *run.Driver, en entry) bool {
	if en.url == "" {
		return true
	}
	info, err := d.Page().Context(ctx).Info()
	return err == nil && pageKeyOf(info.URL) == pageKeyOf(en.url)
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
