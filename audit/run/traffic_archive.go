package run

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/evidence/webarchive"
)

// Names of the web archive's files in the run's evidence folder.
const (
	ArchiveName = "archive.wacz"
	HARName     = "traffic.har"
)

// Archive is what a run's web archive holds and withholds (see Options.OnArchive).
type Archive struct {
	// Files are the archive's files, relative to the output folder, slash-separated.
	Files     []string
	Exchanges int
	Masking   webarchive.Masking
}

// archivePhases are the phases of the recorded session after its login: their steps are the archive's
// pages.
var archivePhases = map[string]bool{phaseBeforeCancel: true, phaseCancel: true, phaseDone: true, phaseDeadEnd: true,
	phaseEffect: true}

// writeArchive ends the cancel path's recording, if there was one, and hands archive.wacz and traffic.har
// to the evidence writer; the result gets the origins and, as notes, what could not be recorded. An
// archive that cannot be made is a note, never a failed run.
func (r *runner) writeArchive() {
	t := r.traffic
	if t == nil {
		return
	}
	r.traffic = nil
	c := t.stop()
	r.res.Origins = c.Origins
	for _, n := range c.Notes {
		r.res.Notes = append(r.res.Notes, "web archive: "+r.sc.Mask(n))
	}
	version := r.opt.ToolVersion
	if version == "" {
		version = "dev"
	}
	p := webarchive.Package{Exchanges: c.Exchanges, Pages: archivePages(r.res.Steps), Created: r.opt.Clock.Now(),
		Software: "cancelpath " + version, Browser: r.res.Browser, Masking: c.Masking,
		Title: r.sc.Mask(fmt.Sprintf("%s: the cancel path on %s", r.sc.Site, r.dev.Name)),
		Description: "The HTTP traffic of the run's pages from the end of the login to the end of the cancel path, " +
			"recorded by cancelpath from the browser (Chrome DevTools Protocol). " +
			strings.Join(c.Masking.Statements, "; ") + "."}
	wacz, skipped, err := webarchive.WACZ(p)
	for _, s := range skipped {
		r.res.Notes = append(r.res.Notes, "web archive: an exchange left out: "+r.sc.Mask(s))
	}
	var files []string
	if err != nil {
		r.res.Notes = append(r.res.Notes, "web archive not written: "+r.sc.Mask(err.Error()))
	} else {
		files = append(files, r.archiveFile(ArchiveName, wacz))
	}
	har, err := webarchive.HAR(p, version)
	if err != nil {
		r.res.Notes = append(r.res.Notes, "HAR not written: "+r.sc.Mask(err.Error()))
	} else {
		files = append(files, r.archiveFile(HARName, har))
	}
	if r.opt.OnArchive != nil && len(files) > 0 {
		r.opt.OnArchive(r.res, Archive{Files: files, Exchanges: len(c.Exchanges), Masking: c.Masking})
	}
}

func (r *runner) archiveFile(name string, data []byte) string {
	rel := filepath.Join(r.evRel, name)
	r.writeEvidence(rel, data)
	return filepath.ToSlash(rel)
}

// archivePages are the steps of the recorded session as pages: each with the URL it left the page at, its
// start time and a title that says which step it was ("cancel step 3: click text=退订").
func archivePages(steps []metrics.Step) []webarchive.Page {
	var pages []webarchive.Page
	for _, st := range steps {
		if !archivePhases[st.Phase] {
			continue
		}
		id := fmt.Sprintf("%s-%d", st.Phase, st.Index+1)
		title := fmt.Sprintf("%s step %d: %s", st.Phase, st.Index+1, strings.TrimSpace(st.Action+" "+st.Target))
		switch st.Phase {
		case phaseDone:
			id, title = st.Phase, "done state: "+st.Target
		case phaseDeadEnd:
			id, title = st.Phase, "dead end: "+st.Target
		}
		pages = append(pages, webarchive.Page{ID: id, URL: st.URL, Title: title, TS: st.StartedAt})
	}
	return pages
}
