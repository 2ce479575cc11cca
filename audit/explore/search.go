package explore

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"
)

// search runs the levels of the breadth-first search until a level finds a cancel control or a budget ends.
func (x *explorer) search(ctx context.Context) error {
	wctx, cancel := context.WithTimeout(ctx, x.opt.Timeout)
	defer cancel()
	ex := &x.res.Explored
	frontier := []*node{{from: -1}}
	for depth := 0; ; depth++ {
		if len(frontier) == 0 {
			x.res.Reason = "no cancel control found: the search saw every screen it could reach"
			return nil
		}
		trimmed := false
		if depth > 0 {
			left := x.opt.MaxActions - ex.Actions
			if left <= 0 {
				return x.exhausted("max_actions", fmt.Sprintf("tried %d actions (--max-actions)", ex.Actions))
			}
			if len(frontier) > left {
				frontier, trimmed = frontier[:left], true
			}
		}
		next, deeper, err := x.level(wctx, frontier, depth)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		ex.Depth = depth
		// Progress is best effort: the search goes on whatever becomes of the line.
		_, _ = fmt.Fprintf(x.opt.Progress, "explore %s: level %d: %d screens, %d actions tried, %d found, %s\n",
			x.sc.ID, depth, ex.States, ex.Actions, len(x.found), time.Since(x.start).Round(100*time.Millisecond))
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case len(x.found) > 0:
			return nil
		case wctx.Err() != nil:
			return x.exhausted("timeout", fmt.Sprintf("ran out of time after %s (--timeout)", x.opt.Timeout))
		case trimmed:
			return x.exhausted("max_actions", fmt.Sprintf("tried %d actions (--max-actions)", ex.Actions))
		case deeper && (depth > x.opt.MaxDepth || len(next) == 0):
			return x.exhausted("max_depth", fmt.Sprintf("reached %d actions from the landing page (--max-depth)", x.opt.MaxDepth))
		}
		// Within a level the order does not change what is shortest, so the likely ways go first and the
		// level can stop early: the nodes that follow a cancel-named control (they must come first: one of
		// them may prove a control a level shorter), then those named by a cancel term (a guide, a "cancel"
		// page), then the hints' way to the account settings.
		sort.SliceStable(next, func(i, j int) bool { return x.rank(next[i]) < x.rank(next[j]) })
		frontier = next
	}
}

func (x *explorer) rank(n *node) int {
	last := n.path[len(n.path)-1]
	switch {
	case n.proves != "":
		return 0
	case x.opt.Lexicon.NamesCancelling(last.describe()):
		return 1
	case x.opt.Lexicon.Hint(last.describe()):
		return 2
	}
	return 3
}

func (x *explorer) exhausted(budget, reason string) error {
	x.res.Explored.Exhausted = budget
	x.res.Reason = "no cancel control found: the search " + reason
	return nil
}

// level replays a level's nodes, at most Parallel at once, and absorbs their screens in the level's order,
// so the outcome does not depend on which replay ends first. Unless Options.Complete, the level stops at
// the first screen that shows a cancel control: the nodes after it cannot give a shorter path, and the
// replays still running are cancelled (and not counted). It returns the next level's nodes; deeper says
// that the depth budget cut some off.
func (x *explorer) level(ctx context.Context, frontier []*node, depth int) (next []*node, deeper bool, err error) {
	lctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	out := make([]expansion, len(frontier))
	ex := &x.res.Explored
	// Workers take the nodes in order, so the first nodes (the likeliest) are read first. The nodes that
	// follow candidates go alone first: one that proves a control ends the level before another replay opens
	// a context.
	jobs := make(chan int, len(frontier))
	var closing sync.Once
	closeJobs := func() { closing.Do(func() { close(jobs) }) }
	defer func() {
		cancel()
		closeJobs()
		wg.Wait()
		for _, e := range out { // replays cut short count too: they opened contexts and took steps
			ex.Contexts += e.contexts
			ex.Steps += e.steps
			ex.Logins += e.logins
			ex.Reused += e.reused
			ex.Shortcuts += e.shortcuts
			ex.Fallbacks += e.fallbacks
		}
	}()
	// The nodes that follow candidates come first (see search): until they are read, a control found at this
	// level may not be the shortest.
	proofs := 0
	for proofs < len(frontier) && frontier[proofs].proves != "" {
		proofs++
	}
	feed := func(from, to int) {
		for i := from; i < to; i++ {
			jobs <- i
		}
	}
	stage := len(frontier)
	if proofs > 0 {
		stage = proofs
	}
	feed(0, stage)
	if stage == len(frontier) {
		closeJobs()
	}
	done := make(chan int, len(frontier))
	for range min(x.opt.Parallel, len(frontier)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if lctx.Err() == nil {
					e := x.expand(lctx, frontier[i].path)
					if e.err != nil && lctx.Err() != nil {
						e.ran = false // cut short by the time budget or an early stop: no screen to read
					}
					out[i] = e
				}
				done <- i
			}
		}()
	}
	ready := make([]bool, len(frontier))
	for i := 0; i < len(frontier); {
		if i == stage { // the candidates' nodes are read and did not end the level: the others now
			feed(stage, len(frontier))
			closeJobs()
			stage = len(frontier)
		}
		ready[<-done] = true
		for ; i < len(frontier) && ready[i]; i++ {
			e := out[i]
			if depth == 0 {
				if err := x.landing(e); err != nil {
					return nil, false, err
				}
			}
			if !e.ran {
				continue
			}
			if depth > 0 {
				ex.Actions++
			}
			children := x.absorb(frontier[i], e, depth)
			for _, c := range children {
				// a candidate at the last level is still followed, to tell whether it is the control
				if depth < x.opt.MaxDepth || (depth == x.opt.MaxDepth && c.proves != "") {
					next = append(next, c)
				} else {
					deeper = true
				}
			}
			if len(x.found) > 0 && !x.opt.Complete && (x.shortestFound() < depth || i+1 >= proofs) {
				return next, deeper, nil
			}
		}
	}
	return next, deeper, nil
}

// landing checks the landing page's replay and sets the search's scope from where it ended.
func (x *explorer) landing(e expansion) error {
	switch {
	case !e.ran:
		return errors.New("landing page: not opened within the time budget")
	case e.err != nil:
		return fmt.Errorf("landing page: %w", e.err)
	}
	x.cls = &classifier{lex: x.opt.Lexicon, scope: newScope(x.sc.URL, x.sc.AllowHosts, e.screen.URL)}
	return nil
}
