package run

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/go-rod/rod/lib/proto"

	"github.com/cancelpath/cancelpath/audit/scenario"
)

// loadSession restores a saved session (Playwright's storageState: cookies and localStorage) instead of
// logging in, for sites whose login needs an SMS code or a captcha.
func (s *session) loadSession(ctx context.Context) error {
	st, err := scenario.LoadSession(s.r.sc.Session)
	if err != nil {
		return &runError{msg: fmt.Sprintf("session file: %v", err)}
	}
	return s.restore(ctx, st, "session file")
}

// restore puts a storage state into the session's context before its first page loads; what names the
// state's source in errors.
func (s *session) restore(ctx context.Context, st *scenario.Session, what string) error {
	p := s.page(ctx)
	if len(st.Cookies) > 0 {
		cookies := make([]*proto.NetworkCookieParam, 0, len(st.Cookies))
		for _, c := range st.Cookies {
			cp := &proto.NetworkCookieParam{Name: c.Name, Value: c.Value, Domain: c.Domain, Path: c.Path,
				Secure: c.Secure, HTTPOnly: c.HTTPOnly, SameSite: proto.NetworkCookieSameSite(c.SameSite)}
			if c.Expires > 0 {
				cp.Expires = proto.TimeSinceEpoch(c.Expires)
			}
			cookies = append(cookies, cp)
		}
		if err := (proto.NetworkSetCookies{Cookies: cookies}).Call(p); err != nil {
			return &runError{msg: fmt.Sprintf("%s: set cookies: %v", what, s.r.sc.Mask(err.Error()))}
		}
	}
	if len(st.Origins) > 0 {
		// Set before the page's own scripts run on each new document of that origin, and only where the key
		// is absent, so the site's own later changes (a logout) stand.
		data, err := json.Marshal(st.Origins)
		if err != nil {
			return &runError{msg: fmt.Sprintf("%s: %v", what, err)}
		}
		script := `(() => { const origins = ` + string(data) + `;
			for (const o of origins) { if (o.origin !== location.origin) continue;
				for (const kv of (o.localStorage || [])) { try { if (localStorage.getItem(kv.name) === null) localStorage.setItem(kv.name, kv.value); } catch (e) {} } } })()`
		if _, err := p.EvalOnNewDocument(script); err != nil {
			return &runError{msg: fmt.Sprintf("%s: restore localStorage: %v", what, err)}
		}
	}
	return nil
}

// login is the state a login left: the context's cookies, the landing origin's localStorage, and the
// landing address. Kept in memory only (it holds session credentials) so that the subscribe side starts
// logged in without logging in again (README, "subscribe").
type login struct {
	state   scenario.Session
	landing string
}

// saveLogin reads the state the login steps left; nil when the page does not answer (the subscribe side
// then logs in itself).
func (s *session) saveLogin(ctx context.Context) *login {
	if s.gone != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.r.opt.Timing.Info)
	defer cancel()
	cookies, err := s.bc.Cookies(ctx)
	if err != nil {
		return nil
	}
	l := &login{}
	for _, c := range cookies {
		sc := scenario.Cookie{Name: c.Name, Value: c.Value, Domain: c.Domain, Path: c.Path, Expires: -1,
			HTTPOnly: c.HTTPOnly, Secure: c.Secure, SameSite: string(c.SameSite)}
		if !c.Session {
			sc.Expires = float64(c.Expires)
		}
		l.state.Cookies = append(l.state.Cookies, sc)
	}
	var page struct {
		URL     string               `json:"url"`
		Origin  string               `json:"origin"`
		Storage []scenario.NameValue `json:"storage"`
	}
	res, err := s.page(ctx).Eval(`() => { const out = {url: location.href, origin: location.origin, storage: []};
		try { for (let i = 0; i < localStorage.length && i < 1000; i++) { const k = localStorage.key(i);
			out.storage.push({name: k, value: localStorage.getItem(k)}); } } catch (e) {}
		return out; }`)
	if err != nil || res.Value.Unmarshal(&page) != nil || page.URL == "" {
		return nil
	}
	l.landing = page.URL
	if len(page.Storage) > 0 {
		l.state.Origins = []scenario.Origin{{Origin: page.Origin, LocalStorage: page.Storage}}
	}
	return l
}
