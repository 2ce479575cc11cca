package main

import (
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"github.com/cancelpath/cancelpath/audit/metrics"
)

// progress is the one-line sweep progress on stderr: done/total, failures, rate, ETA. It is drawn only on a
// terminal: logs and pipes get nothing but the final table and errors.
type progress struct {
	bar      *progressbar.ProgressBar
	failures int
}

func newProgress(w io.Writer, total int) *progress {
	f, ok := w.(*os.File)
	if !ok || !isatty.IsTerminal(f.Fd()) || total == 0 {
		return &progress{}
	}
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("auditing"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("runs"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetWidth(20),
		progressbar.OptionEnableColorCodes(colorOK(w)),
	)
	return &progress{bar: bar}
}

func (p *progress) done(r *metrics.Result) {
	if r.Status != metrics.StatusOK {
		p.failures++
	}
	if p.bar == nil {
		return
	}
	p.bar.Describe(fmt.Sprintf("auditing (%d not ok)", p.failures))
	_ = p.bar.Add(1)
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
