package audit

import (
	"sync"
	"time"

	"github.com/cancelpath/cancelpath/audit/browser"
	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
	"github.com/cancelpath/cancelpath/evidence"
	"github.com/cancelpath/cancelpath/evidence/webarchive"
)

// provenance is what meta.json says made a run's evidence: the tool's build, the browser and its locale,
// the device, this machine's clock, and the origins the run talked to.
func (a *Auditor) provenance(version string, r *metrics.Result, now time.Time) evidence.Provenance {
	p := evidence.Provenance{Tool: evidence.ToolBuild(version), Device: r.Device, Machine: evidence.ThisMachine(now),
		Origins: r.Origins}
	p.Browser.Product = a.Browser.Version()
	if lb, ok := a.Browser.(interface{ Locale() browser.Locale }); ok {
		l := lb.Locale()
		p.Browser.Language, p.Browser.Languages, p.Browser.TimeZone = l.Language, l.Languages, l.TimeZone
	}
	return p
}

// masking declares what a run's evidence withholds: how many secret values were replaced, which fields
// were blanked in screenshots, and what the web archive left out or masked (nil: no archive was written).
func masking(sc *scenario.Scenario, archive *webarchive.Masking) evidence.Masking {
	m := evidence.Masking{Archive: archive}
	seen := map[string]bool{}
	for _, s := range sc.Secrets {
		if s != "" && !seen[s] {
			seen[s] = true
			m.SecretValues++
		}
	}
	for i := range sc.MaskFields {
		m.ScreenshotFields = append(m.ScreenshotFields, sc.MaskFields[i].String())
	}
	return m
}

// archiveMaskings keeps, per result, what its run's web archive withheld (run.Options.OnArchive), until the
// result's folder is sealed. Runs report from their goroutines; the finisher takes.
type archiveMaskings struct {
	mu sync.Mutex
	m  map[*metrics.Result]webarchive.Masking
}

func (a *archiveMaskings) put(r *metrics.Result, m webarchive.Masking) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.m == nil {
		a.m = map[*metrics.Result]webarchive.Masking{}
	}
	a.m[r] = m
}

// take returns r's archive masking and forgets it; nil when its run wrote no archive.
func (a *archiveMaskings) take(r *metrics.Result) *webarchive.Masking {
	a.mu.Lock()
	defer a.mu.Unlock()
	m, ok := a.m[r]
	if !ok {
		return nil
	}
	delete(a.m, r)
	return &m
}
