package run

import (
	"context"
	"regexp"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"github.com/cancelpath/cancelpath/audit/scenario"
)

// followPopup switches to a page the flow opened (window.open, target=_blank) where c holds now, and
// reports whether it did. Pages where it does not hold (ads, trackers, a second copy of the site) are left
// alone: the flow stays where it was, as a person would close the ad and carry on.
func (s *session) followPopup(ctx context.Context, c *scenario.Condition) bool {
	popups, err := s.bc.Popups(ctx)
	if err != nil {
		return false
	}
	for _, p := range popups {
		if s.popupPr == nil {
			s.popupPr = map[proto.TargetTargetID]*Script{}
		}
		pr := s.popupPr[p.TargetID]
		if pr == nil {
			pr = newProbe()
			s.popupPr[p.TargetID] = pr
		}
		pctx, cancel := context.WithTimeout(ctx, s.r.opt.Timing.PopupLook)
		ok := holds(pctx, pr, p.Context(pctx), c)
		cancel()
		if ok {
			s.bc.SwitchTo(p)
			s.popupPr = nil
			return true
		}
	}
	if len(popups) > 0 {
		// The flow's own tab stays where it is, in front again: a tab behind a popup gets no frames, so its
		// animation-frame callbacks (a menu that opens on the next frame) would never run.
		s.front(ctx)
	}
	return false
}

// holds tells whether c holds on page p now.
func holds(ctx context.Context, pr *Script, p *rod.Page, c *scenario.Condition) bool {
	if c.Target != nil {
		var res probeResult
		return pr.Call(ctx, p, &res, "probe", toJS(c.Target)) == nil && res.OK
	}
	re, err := regexp.Compile(c.URL)
	if err != nil {
		return false
	}
	var st pageState
	return pr.Call(ctx, p, &st, "state") == nil && re.MatchString(st.URL)
}
