package explore

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cancelpath/cancelpath/audit/scenario"
)

// benchSite is one site of the explore benchmark: its scenario, device, and the control's designed shortest
// path (clicks to the control).
type benchSite struct {
	name, device string
	sc           *scenario.Scenario
	clicks       int
	logins       func() int // the site's own count of logins, when it keeps one
}

// BenchmarkExplore explores every demo site and the test sites of this package once per iteration and
// prints, per site and device: found or not, clicks to the control against the designed shortest path,
// pages visited, browser contexts (and the pages of the breadth-first frontier before the control's level),
// logins and wall time. Run: go test ./audit/explore/ -run '^$' -bench Explore -benchtime 1x
func BenchmarkExplore(b *testing.B) {
	scs, gt := demoSites(b)
	var sites []benchSite
	for _, id := range sortedKeys(gt.Sites) {
		truth := gt.Sites[id]
		sites = append(sites, benchSite{name: id, device: "desktop", sc: scs[id], clicks: truth.Desktop.ClicksToControl},
			benchSite{name: id, device: "mobile", sc: scs[id], clicks: truth.Mobile.ClicksToControl})
	}
	for _, s := range []struct {
		site   string
		clicks int
	}{{"maze", 2}, {"hover", 2}, {"signpost-zh", 3}, {"signpost-en", 3}, {"signpost-de", 3}, {"confirmpage", 2}, {"spa", 4}} {
		sites = append(sites, benchSite{name: s.site, device: "desktop", sc: benchScenario(s.site), clicks: s.clicks})
	}
	sites = append(sites, benchSite{name: "tools", device: "mobile", sc: benchScenario("tools"), clicks: 2})
	for _, device := range []string{"desktop", "mobile"} {
		w := newWiki(b)
		sites = append(sites, benchSite{name: "wiki", device: device, sc: w.scenario(device), clicks: 3, logins: w.loginCount})
	}

	var table strings.Builder
	fmt.Fprintf(&table, "%-12s %-7s %-9s %6s %6s %8s %8s %6s %7s\n", "site", "device", "status", "clicks", "pages", "contexts",
		"frontier", "logins", "wall")
	for _, s := range sites {
		b.Run(s.name+"/"+s.device, func(b *testing.B) {
			var res *Result
			logins := 0
			for i := 0; i < b.N; i++ {
				before := 0
				if s.logins != nil {
					before = s.logins()
				}
				var err error
				res, err = Explore(context.Background(), testBrowser, s.sc, Options{Device: s.device, Parallel: 3})
				if err != nil {
					b.Fatal(err)
				}
				if s.logins != nil {
					logins = s.logins() - before
				}
			}
			clicks := fmt.Sprintf("-/%d", s.clicks)
			if res.Shortest != nil {
				clicks = fmt.Sprintf("%d/%d", res.Shortest.ClicksToControl, s.clicks)
			}
			ex := res.Explored
			b.ReportMetric(float64(ex.Pages), "pages/op")
			b.ReportMetric(float64(ex.Contexts), "contexts/op")
			loginCol := "-"
			if s.logins != nil {
				loginCol = fmt.Sprint(logins)
			}
			fmt.Fprintf(&table, "%-12s %-7s %-9s %6s %6d %8d %8d %6s %7s\n", s.name, s.device, res.Status, clicks, ex.Pages,
				ex.Contexts, frontierPages(res), loginCol, (time.Duration(ex.WallMS) * time.Millisecond).Round(100*time.Millisecond))
		})
	}
	fmt.Fprint(os.Stderr, table.String())
}

// benchScenario is siteScenario with the format's default step timeout, as a user's scenario has.
func benchScenario(site string) *scenario.Scenario {
	sc := siteScenario(site)
	sc.Timeouts.Step = scenario.DefaultStepTimeout
	return sc
}
