package run

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"

	"github.com/go-rod/rod/lib/proto"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/evidence"
)

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9_.-]+`)

// shot saves a viewport screenshot into the run's evidence folder, with box outlined when given, and
// returns its path relative to the output folder ("" when evidence is off or the page does not answer:
// evidence never fails a run). Fields named in mask_fields are blanked first.
func (s *session) shot(ctx context.Context, name string, box *metrics.Box) string {
	r := s.r
	if r.evRel == "" || s.gone != nil {
		return ""
	}
	defer engineWork(ctx)() // evidence is the engine's time, not the site's
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.opt.Timing.Screenshot)
	defer cancel()
	p := s.page(ctx)
	s.front(ctx)
	if len(r.sc.MaskFields) > 0 {
		targets := make([]*jsTarget, len(r.sc.MaskFields))
		for i := range r.sc.MaskFields {
			targets[i] = toJS(&r.sc.MaskFields[i])
		}
		_ = s.call(ctx, nil, "mask", targets)
	}
	if box != nil {
		_ = s.call(ctx, nil, "outline", box)
		defer func() { _ = s.call(ctx, nil, "outline", nil) }()
	}
	// Lossless, but encoded for speed rather than size: the shot is on the path's critical path, the bytes
	// are not.
	png, err := p.Screenshot(false, &proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng,
		OptimizeForSpeed: true})
	if err != nil {
		return ""
	}
	r.shots++
	rel := filepath.Join(r.evRel, fmt.Sprintf("%02d-%s.png", r.shots, unsafeName.ReplaceAllString(name, "_")))
	r.writeEvidence(rel, png)
	return filepath.ToSlash(rel)
}

// snapshot saves the control's page as MHTML (the page as it stood, with its resources) for the record.
func (s *session) snapshot(ctx context.Context) {
	r := s.r
	if r.evRel == "" || s.gone != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.opt.Timing.Snapshot)
	defer cancel()
	snap, err := proto.PageCaptureSnapshot{Format: proto.PageCaptureSnapshotFormatMhtml}.Call(s.page(ctx))
	if err != nil {
		r.res.Notes = append(r.res.Notes, "control page snapshot: "+err.Error())
		return
	}
	data := []byte(snap.Data)
	if len(r.sc.Secrets) > 0 {
		// The page may echo a credential (the username in a greeting, the title, a link): no snapshot is
		// kept that could not be checked.
		data, err = evidence.ScrubMHTML(data, func(text string) string { return maskVariants(r.sc, text) })
		if err != nil {
			r.res.Notes = append(r.res.Notes, "control page snapshot withheld: it could not be checked for secrets: "+err.Error())
			return
		}
	}
	r.writeEvidence(filepath.Join(r.evRel, "control.mhtml"), data)
}

// writeEvidence hands a file to the run's background writer: the steps go on while it is written. The run
// waits for every file before it returns (flushEvidence), so a result never names a file not yet on disk.
func (r *runner) writeEvidence(rel string, data []byte) {
	if r.files == nil {
		r.files = evidence.NewWriter(r.opt.OutDir)
	}
	r.files.Write(rel, data)
}

// flushEvidence waits for the evidence files and notes those that could not be written.
func (r *runner) flushEvidence() {
	r.writeArchive()
	if r.files == nil {
		return
	}
	for _, err := range r.files.Close() {
		r.res.Notes = append(r.res.Notes, "evidence not written: "+err.Error())
	}
}
