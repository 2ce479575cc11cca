package run

import (
	"errors"

	"github.com/cancelpath/cancelpath/audit/metrics"
)

// The typed errors a step can end with. Each is made where the failure is seen, and decides the run's
// status (see statusOf): what the site did is kept apart from what the tool could not do.

// errCrashed: the renderer of the driven page crashed or was killed.
var errCrashed = errors.New("the page crashed: its renderer process ended")

// errBrowserLost: the browser itself went away (its process was killed, or a remote endpoint was lost).
var errBrowserLost = errors.New("the browser went away (killed, or the connection to it was lost)")

// errLookCut: the step's time ran out while the engine was still looking at the page (one look took
// longer than a liveness span: a heavy page on a machine with no core to spare). Not a finding.
var errLookCut = errors.New("the engine's last look at the page did not finish within the step: " +
	"the page could not be examined in time, so nothing is said about the target")

// errNotVisible: a target did not appear within its step.
var errNotVisible = errors.New("not visible")

// siteError is a failure of the site itself (unreachable, reset, redirecting in a loop, never answering,
// frozen): the run could not be carried out (site_error), not a finding about the cancel path.
type siteError struct{ msg string }

func (e *siteError) Error() string { return e.msg }

// blockedError: the target is on the page but cannot be used (covered, disabled, inert, pointer-events
// none, moving away). On the cancel control it is the finding `blocked`, never "no control".
type blockedError struct{ msg string }

func (e *blockedError) Error() string { return e.msg }

// outOfReachError: the tool could not look (a frame it cannot enter, a download instead of a page, a login
// that failed): out_of_reach, never "no control".
type outOfReachError struct{ msg string }

func (e *outOfReachError) Error() string { return e.msg }

// runError is a failure outside any step (no context could be opened, the session file is unusable).
type runError struct{ msg string }

func (e *runError) Error() string { return e.msg }

// classify names the status a step failure implies by its type alone, or "" when the step's place in the
// path decides (a target that never appeared).
func classify(err error) metrics.Status {
	var (
		site    *siteError
		blocked *blockedError
		reach   *outOfReachError
		amb     *ambiguousError
	)
	switch {
	case errors.Is(err, errCrashed), errors.As(err, &site):
		return metrics.StatusSiteError
	case errors.As(err, &reach):
		return metrics.StatusOutOfReach
	case errors.As(err, &blocked):
		return metrics.StatusBlocked
	case errors.As(err, &amb):
		return metrics.StatusFailed
	}
	return ""
}

// ambiguousError: a locator matched several visible elements and none stands out as the one a person
// would activate; the scenario must say which (nth:, within:, a narrower locator). Status failed.
type ambiguousError struct{ msg string }

func (e *ambiguousError) Error() string { return e.msg }
