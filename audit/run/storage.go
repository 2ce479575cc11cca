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
			return &runError{msg: fmt.Sprintf("session file: set cookies: %v", s.r.sc.Mask(err.Error()))}
		}
	}
	if len(st.Origins) > 0 {
		// Set before the page's own scripts run on each new document of that origin, and only where the key
		// is absent, so the site's own later changes (a logout) stand.
		data, err := json.Marshal(st.Origins)
		if err != nil {
			return &runError{msg: fmt.Sprintf("session file: %v", err)}
		}
		script := `(() => { const origins = ` + string(data) + `;
			for (const o of origins) { if (o.origin !== location.origin) continue;
				for (const kv of (o.localStorage || [])) { try { if (localStorage.getItem(kv.name) === null) localStorage.setItem(kv.name, kv.value); } catch (e) {} } } })()`
		if _, err := p.EvalOnNewDocument(script); err != nil {
			return &runError{msg: fmt.Sprintf("session file: restore localStorage: %v", err)}
		}
	}
	return nil
}
