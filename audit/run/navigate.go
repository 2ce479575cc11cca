package run

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// navigate opens u in the driven page, turning the browser's network errors into reasons a reader
// understands. The navigation's own answer decides: a net error is the site's failure (site_error), a
// download is out of reach; the page is asked whether it still answers only to tell a crashed renderer
// (chrome://crash) from a refused navigation, never to call a page frozen. A navigation that does not
// commit within ctx is a site that does not answer.
func (s *session) navigate(ctx context.Context, u string) error {
	start := time.Now()
	errorText, isDownload, err := pageNavigate(s.page(ctx), u)
	if err == nil && errorText == "" {
		return nil
	}
	if s.bc.Crashed() {
		return errCrashed
	}
	switch {
	case isDownload:
		s.downloadsSeen = len(s.bc.Downloads())
		return &outOfReachError{msg: describeDownload(u, "")}
	case errorText != "":
		// chrome://crash and friends abort the navigation and take the renderer with them: wait for the
		// crash event or an answer, whichever comes first. Silence changes nothing: the net error stands.
		if _, crashed := s.alive(ctx, s.r.opt.Timing.LivenessMin); crashed {
			s.gone = errCrashed
			return errCrashed
		}
		return &siteError{msg: describeNetError(u, errorText)}
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		return &siteError{msg: fmt.Sprintf("%s did not answer within %s", u, stepBudget(ctx, start))}
	}
	return fmt.Errorf("goto %s: %w", u, err)
}

// pageNavigate is CDP's Page.navigate with the whole answer: rod's Page.Navigate drops isDownload, the
// browser's own word that the URL answered with a file (its error text is then a bare net::ERR_ABORTED).
func pageNavigate(p *rod.Page, u string) (errorText string, isDownload bool, err error) {
	_ = proto.PageStopLoading{}.Call(p)
	raw, err := p.Call(p.GetContext(), string(p.SessionID), "Page.navigate", proto.PageNavigate{URL: u})
	if err != nil {
		return "", false, err
	}
	var res struct {
		ErrorText  string `json:"errorText"`
		IsDownload bool   `json:"isDownload"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		return "", false, fmt.Errorf("Page.navigate: %w", err) //nolint:staticcheck // ST1005: the name of the CDP method, not a sentence
	}
	return res.ErrorText, res.IsDownload, nil
}

// stepBudget is the time the step gave the site, as its timeout says (not as a busy clock measured it).
func stepBudget(ctx context.Context, start time.Time) time.Duration {
	if c, ok := ctx.(*stepClock); ok {
		return c.budget
	}
	return time.Since(start).Round(100 * time.Millisecond)
}

// describeDownload: the site answered a page request with a file.
func describeDownload(u, name string) string {
	if name == "" {
		if i := strings.LastIndexByte(strings.SplitN(u, "?", 2)[0], '/'); i >= 0 && i < len(u)-1 {
			name = strings.SplitN(u, "?", 2)[0][i+1:]
		}
	}
	if name == "" {
		return fmt.Sprintf("%s answered with a download instead of a page: there is nothing the tool can look at", u)
	}
	return fmt.Sprintf("%s answered with a download (%q) instead of a page: there is nothing the tool can look at", u, name)
}

// describeNetError says what a Chromium net error means for the audit.
func describeNetError(u, code string) string {
	switch {
	case code == "net::ERR_TOO_MANY_REDIRECTS":
		return fmt.Sprintf("%s redirects in a loop (%s)", u, code)
	case code == "net::ERR_ABORTED":
		return fmt.Sprintf("the browser refused or aborted the navigation to %s (%s)", u, code)
	case code == "net::ERR_CONNECTION_RESET":
		return fmt.Sprintf("%s reset the connection before the page arrived (%s)", u, code)
	case strings.Contains(code, "CERT") || strings.Contains(code, "SSL"):
		return fmt.Sprintf("%s is unreachable: its TLS certificate or handshake failed (%s)", u, code)
	case strings.Contains(code, "CONNECTION") || strings.Contains(code, "NAME_NOT_RESOLVED") ||
		strings.Contains(code, "ADDRESS") || strings.Contains(code, "EMPTY_RESPONSE") ||
		strings.Contains(code, "TIMED_OUT") || strings.Contains(code, "INTERNET_DISCONNECTED") ||
		strings.Contains(code, "NETWORK"):
		return fmt.Sprintf("%s is unreachable (%s)", u, code)
	}
	return fmt.Sprintf("%s could not be opened (%s)", u, code)
}
