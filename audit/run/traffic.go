package run

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
	"github.com/cancelpath/cancelpath/evidence/webarchive"
)

// Limits of one run's recording. They keep a run's memory bounded whatever the site sends; what they cut
// is said in the record (WARC-Truncated, the HAR's comment) and in the result's notes.
const (
	maxBodyBytes    = 5 << 20  // one response body
	maxHeldBytes    = 48 << 20 // every body the recording holds
	maxExchanges    = 3000
	maxFromMemory   = 200      // resources read from one page's memory
	maxPendingExtra = 1000     // extra-info events waiting for their request
	maxChainPEM     = 32 << 10 // a certificate chain is kept in PEM up to this many DER bytes
	bodyTimeout     = 3 * time.Second
	stopWait        = 3 * time.Second // for bodies still being read when the path ends
	trafficWorkers  = 2
	trafficQueue    = 512
)

// archiveStatements are what every run's archive leaves out or masks, whatever the scenario.
var archiveStatements = []string{
	"requests and responses of the login phase are not recorded",
	"values of the Cookie, Set-Cookie, Authorization and Proxy-Authorization headers are replaced by [masked]",
	"secret values are replaced by *** in URLs, headers and text bodies",
}

// Capture is what a run's recording of its traffic gives: the exchanges (sanitized: see
// webarchive.Sanitize), the origins they went to, what was masked, and what could not be recorded.
type Capture struct {
	Exchanges []webarchive.Exchange
	Origins   []metrics.Origin
	Masking   webarchive.Masking
	Notes     []string
}

// traffic records the HTTP exchanges of the cancel path's pages from the Network events of CDP, for the
// run's web archive. Listeners only copy what the events say into maps; response bodies and certificates
// are read by a few workers, so a page's events are never held up and the run never waits for the
// recording (except, bounded, for the bodies still being read when the path ends).
type traffic struct {
	sc *scenario.Scenario
	s  *session // the session recorded
	// listen bounds the event listeners, work the workers' calls: the listeners end first when the path
	// ends, the bodies still being read a little later.
	listen, work       context.Context
	endListen, endWork context.CancelFunc

	listeners sync.WaitGroup
	workers   sync.WaitGroup
	jobs      chan func(context.Context)
	stopOnce  sync.Once
	result    *Capture

	mu      sync.Mutex // guards everything below
	stopped bool
	watched map[proto.TargetTargetID]bool
	// flights are every request recorded, in the order they began; open the hop of each request id still
	// on its way; hops every hop of a request id, so that extra-info events, which may come late (after
	// the load finished, after the next hop began), find theirs. Exchanges are sanitized when collected.
	flights  []*flight
	open     map[flightKey]*flight
	hops     map[flightKey][]*flight
	extraReq map[flightKey][]proto.NetworkHeaders
	extraRes map[flightKey][]*proto.NetworkResponseReceivedExtraInfo
	memory   []webarchive.Exchange // read from pages' memory
	held     int64
	dropped  int
	queued   int // jobs refused because the queue was full
	omitted  int // bodies not kept for the held limit
	masking  webarchive.Masking
	origins  map[string]*metrics.Origin
	order    []string // origins in the order first seen
	certs    map[string]bool
	notes    []string
}

type flightKey struct {
	page proto.TargetTargetID
	id   proto.NetworkRequestID
}

// flight is one request (one hop of a redirect chain) as it is recorded: its exchange, and what the events
// still to come need to complete it.
type flight struct {
	ex      webarchive.Exchange
	page    *rod.Page
	id      proto.NetworkRequestID
	sentAt  proto.MonotonicTime // requestWillBeSent's timestamp
	resAt   proto.MonotonicTime // responseReceived's
	timing  *proto.NetworkResourceTiming
	decoded int64 // decoded body bytes received so far
	hop     int   // redirects followed so far under the same request id
	// reqExtra, resExtra: the extra-info event of the request, the response, has been applied; pending is
	// a response's that came before the response itself.
	reqExtra, resExtra bool
	pending            *proto.NetworkResponseReceivedExtraInfo
	finished           bool // its load is over (timings set)
}

// startTraffic begins recording the session's pages, when the run keeps evidence. Called when the login
// phase is over: the login's requests (its form post above all) are never recorded.
func (s *session) startTraffic() {
	r := s.r
	if r.evRel == "" || r.traffic != nil {
		return
	}
	listen, endListen := context.WithCancel(context.Background())
	work, endWork := context.WithCancel(context.Background())
	t := &traffic{sc: r.sc, s: s, listen: listen, endListen: endListen, work: work, endWork: endWork,
		jobs: make(chan func(context.Context), trafficQueue), watched: map[proto.TargetTargetID]bool{},
		open: map[flightKey]*flight{}, hops: map[flightKey][]*flight{},
		extraReq: map[flightKey][]proto.NetworkHeaders{}, extraRes: map[flightKey][]*proto.NetworkResponseReceivedExtraInfo{},
		origins: map[string]*metrics.Origin{}, certs: map[string]bool{}}
	t.masking.Statements = slices.Clone(archiveStatements)
	r.traffic = t
	for range trafficWorkers {
		t.workers.Add(1)
		go func() {
			defer t.workers.Done()
			for job := range t.jobs {
				func() {
					defer t.survive()
					job(work)
				}()
			}
		}()
	}
	t.watch(s.bc.Page())
}

// recordFollowed starts recording the page the session now drives (a popup it followed), and reads what
// that page had already loaded from its memory: it loaded before anyone listened.
func (s *session) recordFollowed() {
	t := s.r.traffic
	if t == nil || t.s != s {
		return
	}
	p := s.bc.Page()
	if t.watch(p) {
		t.fromMemory(p)
	}
}

// recordLanding reads the page the login left the session on from its memory: it loaded during the login,
// so its requests were not recorded, but it is the path's first screen.
func (s *session) recordLanding() {
	if t := s.r.traffic; t != nil && t.s == s {
		t.fromMemory(s.bc.Page())
	}
}

// watch starts a listener on p's Network events, once per page; it tells whether it did.
func (t *traffic) watch(p *rod.Page) bool {
	if p == nil {
		return false
	}
	t.mu.Lock()
	if t.stopped || t.watched[p.TargetID] {
		t.mu.Unlock()
		return false
	}
	t.watched[p.TargetID] = true
	t.mu.Unlock()
	id := p.TargetID
	lp := p.Context(t.listen)
	wait := lp.EachEvent(func(e *proto.NetworkRequestWillBeSent) {
		defer t.survive()
		t.requestSent(p, id, e)
	}, func(e *proto.NetworkRequestWillBeSentExtraInfo) {
		defer t.survive()
		t.requestExtra(id, e)
	}, func(e *proto.NetworkResponseReceived) {
		defer t.survive()
		t.responseReceived(p, id, e)
	}, func(e *proto.NetworkResponseReceivedExtraInfo) {
		defer t.survive()
		t.responseExtra(id, e)
	}, func(e *proto.NetworkDataReceived) {
		defer t.survive()
		t.dataReceived(id, e)
	}, func(e *proto.NetworkRequestServedFromCache) {
		defer t.survive()
		t.servedFromCache(id, e)
	}, func(e *proto.NetworkLoadingFinished) {
		defer t.survive()
		t.loadingFinished(id, e)
	}, func(e *proto.NetworkLoadingFailed) {
		defer t.survive()
		t.loadingFailed(id, e)
	})
	t.listeners.Add(1)
	go func() {
		defer t.listeners.Done()
		wait()
	}()
	return true
}

func (t *traffic) requestSent(p *rod.Page, page proto.TargetTargetID, e *proto.NetworkRequestWillBeSent) {
	if e.Request == nil {
		return
	}
	key := flightKey{page, e.RequestID}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return
	}
	hop := 0
	if f := t.open[key]; f != nil {
		// A redirect: the same request id goes on to the next URL, and the last hop's response came with
		// this event. That hop is an exchange of its own, without a body (a redirect's is not kept).
		hop = f.hop + 1
		delete(t.open, key)
		if e.RedirectResponse != nil {
			t.setResponse(f, e.RedirectResponse, e.Timestamp)
			t.noteOrigin(p, f.ex.URL, e.RedirectResponse)
		}
		if f.ex.Response != nil {
			f.ex.Response.Size = 0
		} else {
			f.ex.Error = "the browser went on to " + e.Request.URL + " without reporting a response"
		}
		t.finish(f, e.Timestamp)
	}
	if !strings.HasPrefix(e.Request.URL, "http:") && !strings.HasPrefix(e.Request.URL, "https:") {
		return // data:, blob: and the like are part of the page, not traffic
	}
	if len(t.flights)+len(t.memory) >= maxExchanges {
		t.dropped++
		return
	}
	f := &flight{page: p, id: e.RequestID, sentAt: e.Timestamp, hop: hop, ex: webarchive.Exchange{
		ID: fmt.Sprintf("%s/%s/%d", page, e.RequestID, hop), Started: e.WallTime.Time(), Method: e.Request.Method,
		URL: e.Request.URL, RequestHeaders: headerList(e.Request.Headers), RequestBody: postData(e.Request),
		Timings: webarchive.Timings{Send: -1, Wait: -1, Receive: -1}}}
	t.open[key] = f
	t.hops[key] = append(t.hops[key], f)
	t.flights = append(t.flights, f)
	if q := t.extraReq[key]; len(q) > 0 {
		t.extraReq[key] = q[1:]
		f.ex.RequestHeaders, f.reqExtra = headerList(q[0]), true
	}
	if q := t.extraRes[key]; len(q) > 0 {
		t.extraRes[key] = q[1:]
		f.pending, f.resExtra = q[0], true
	}
}

// requestExtra: the headers the request really carried (Cookie among them), which requestWillBeSent does
// not give. It may come before or after its request.
func (t *traffic) requestExtra(page proto.TargetTargetID, e *proto.NetworkRequestWillBeSentExtraInfo) {
	key := flightKey{page, e.RequestID}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return
	}
	// Hops send theirs in order: the first hop still without one is this one's.
	for _, f := range t.hops[key] {
		if !f.reqExtra {
			f.ex.RequestHeaders, f.reqExtra = headerList(e.Headers), true
			return
		}
	}
	if len(t.extraReq) < maxPendingExtra {
		t.extraReq[key] = append(t.extraReq[key], e.Headers)
	}
}

func (t *traffic) responseReceived(p *rod.Page, page proto.TargetTargetID, e *proto.NetworkResponseReceived) {
	key := flightKey{page, e.RequestID}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return
	}
	f := t.open[key]
	if f == nil || e.Response == nil {
		return
	}
	t.setResponse(f, e.Response, e.Timestamp)
	t.noteOrigin(p, f.ex.URL, e.Response)
}

// responseExtra: the response's headers as they came over the wire (Set-Cookie among them).
func (t *traffic) responseExtra(page proto.TargetTargetID, e *proto.NetworkResponseReceivedExtraInfo) {
	key := flightKey{page, e.RequestID}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return
	}
	// The first hop still without one whose status it matches (a hop served from the cache has none).
	for _, f := range t.hops[key] {
		if f.resExtra || (f.ex.Response != nil && e.StatusCode != 0 && f.ex.Response.Status != e.StatusCode) {
			continue
		}
		f.resExtra = true
		if f.ex.Response == nil {
			f.pending = e
		} else {
			applyResponseExtra(f, e)
		}
		return
	}
	if len(t.extraRes) < maxPendingExtra {
		t.extraRes[key] = append(t.extraRes[key], e)
	}
}

func applyResponseExtra(f *flight, e *proto.NetworkResponseReceivedExtraInfo) {
	if hs := rawHeaders(e.HeadersText); len(hs) > 0 {
		f.ex.Response.Headers = hs // the wire's own order
		return
	}
	if len(e.Headers) > 0 {
		f.ex.Response.Headers = headerList(e.Headers)
	}
}

// setResponse records res as f's response; t.mu is held.
func (t *traffic) setResponse(f *flight, res *proto.NetworkResponse, at proto.MonotonicTime) {
	f.resAt, f.timing = at, res.Timing
	received := f.ex.Started.Add((at - f.sentAt).Duration())
	port := 0
	if res.RemotePort != nil {
		port = *res.RemotePort
	}
	f.ex.HTTPVersion = res.Protocol
	f.ex.Response = &webarchive.Response{Received: received, Status: res.Status, StatusText: res.StatusText,
		HTTPVersion: res.Protocol, Headers: headerList(res.Headers), MIMEType: res.MIMEType, Size: -1,
		RemoteIP: res.RemoteIPAddress, RemotePort: port, FromCache: res.FromDiskCache || res.FromPrefetchCache}
	if len(res.RequestHeaders) > 0 && !f.reqExtra {
		f.ex.RequestHeaders = headerList(res.RequestHeaders)
	}
	if f.pending != nil {
		applyResponseExtra(f, f.pending)
		f.pending = nil
	}
	if res.Status >= 300 && res.Status < 400 {
		if loc := headerValue(f.ex.Response.Headers, "Location"); loc != "" {
			if base, err := url.Parse(f.ex.URL); err == nil {
				if u, err := base.Parse(loc); err == nil {
					f.ex.Response.RedirectURL = u.String()
				}
			}
		}
	}
}

func (t *traffic) dataReceived(page proto.TargetTargetID, e *proto.NetworkDataReceived) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return
	}
	if f := t.open[flightKey{page, e.RequestID}]; f != nil {
		f.decoded += int64(e.DataLength)
	}
}

func (t *traffic) servedFromCache(page proto.TargetTargetID, e *proto.NetworkRequestServedFromCache) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return
	}
	if f := t.open[flightKey{page, e.RequestID}]; f != nil && f.ex.Response != nil {
		f.ex.Response.FromCache = true
	}
}

// take removes a request's flight from the open ones and returns it; nil when it is not recorded or the
// recording has stopped. t.mu is held.
func (t *traffic) take(key flightKey) *flight {
	if t.stopped {
		return nil
	}
	f := t.open[key]
	delete(t.open, key)
	return f
}

// loadingFinished: the body is complete; a worker reads it, unless it is too big or there is no room.
func (t *traffic) loadingFinished(page proto.TargetTargetID, e *proto.NetworkLoadingFinished) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.take(flightKey{page, e.RequestID})
	if f == nil {
		return
	}
	res := f.ex.Response
	if res == nil {
		f.ex.Error = "no response was reported for it"
		t.finish(f, e.Timestamp)
		return
	}
	switch {
	case res.Status == http.StatusNoContent || res.Status == http.StatusResetContent ||
		res.Status == http.StatusNotModified || f.ex.Method == http.MethodHead:
		res.Size = 0 // no body to read: asking for one would only fail
	case f.decoded > maxBodyBytes:
		res.Size, res.Truncated = f.decoded, "length"
		res.Note = fmt.Sprintf("body not kept: %d bytes, over the limit of %d bytes for one body", f.decoded, maxBodyBytes)
	case t.held+f.decoded > maxHeldBytes:
		res.Size, res.Truncated = f.decoded, "length"
		res.Note = heldNote(t.held)
		t.omitted++
	default:
		t.held += f.decoded // reserved now, corrected when the body is in
		at := e.Timestamp
		if !t.enqueue(func(ctx context.Context) { t.readBody(ctx, f, at) }) {
			t.held -= f.decoded
			res.Truncated, res.Note = "unspecified", "body not read: too many bodies were waiting to be read"
			t.finish(f, e.Timestamp)
		}
		return
	}
	t.finish(f, e.Timestamp)
}

func (t *traffic) loadingFailed(page proto.TargetTargetID, e *proto.NetworkLoadingFailed) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.take(flightKey{page, e.RequestID})
	if f == nil {
		return
	}
	why := e.ErrorText
	if e.Canceled {
		why += " (cancelled)"
	}
	if e.BlockedReason != "" {
		why += " (blocked: " + string(e.BlockedReason) + ")"
	}
	f.ex.Error = "the load failed: " + why
	if r := f.ex.Response; r != nil {
		r.Truncated, r.Note = "unspecified", "body not kept: the load failed: "+why
		if f.decoded > maxBodyBytes {
			r.Truncated = "length" // it would not have been kept anyway
		}
	}
	t.finish(f, e.Timestamp)
}

func heldNote(held int64) string {
	return fmt.Sprintf("body not kept: the run's recording already held %d bytes of bodies (limit %d)", held, maxHeldBytes)
}

// enqueue hands a job to the workers without ever waiting; t.mu is held.
func (t *traffic) enqueue(job func(context.Context)) bool {
	if t.stopped {
		return false
	}
	select {
	case t.jobs <- job:
		return true
	default:
		t.queued++
		return false
	}
}

// readBody fetches f's body from the browser and finishes f.
func (t *traffic) readBody(ctx context.Context, f *flight, at proto.MonotonicTime) {
	ctx, cancel := context.WithTimeout(ctx, bodyTimeout)
	defer cancel()
	body, err := proto.NetworkGetResponseBody{RequestID: f.id}.Call(f.page.Context(ctx))
	var data []byte
	if err == nil {
		data, err = decodeContent(body.Body, body.Base64Encoded)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	res := f.ex.Response
	t.held -= f.decoded
	switch {
	case err != nil:
		res.Truncated, res.Note = "unspecified", "body not read from the browser: "+err.Error()
	case len(data) > maxBodyBytes:
		res.Size, res.Truncated = int64(len(data)), "length"
		res.Note = fmt.Sprintf("body cut at %d of its %d bytes (the limit for one body)", maxBodyBytes, len(data))
		data = data[:maxBodyBytes]
	default:
		res.Size = int64(len(data))
	}
	if t.held+int64(len(data)) > maxHeldBytes {
		res.Size, res.Truncated = int64(len(data)), "length"
		res.Note = heldNote(t.held)
		t.omitted++
		data = nil
	}
	res.Body = data
	t.held += int64(len(data))
	t.finish(f, at)
}

// finish marks f's load as over and computes its timings; t.mu is held. Its extra-info events may still
// come: it is sanitized when the capture is collected.
func (t *traffic) finish(f *flight, at proto.MonotonicTime) {
	f.finished = true
	if f.ex.Response != nil {
		f.ex.Timings = timings(f, at)
	}
}

// timings are the send, wait and receive phases in ms, from the response's resource timing when the
// browser gave it, else from the events' times.
func timings(f *flight, end proto.MonotonicTime) webarchive.Timings {
	ms := func(d proto.MonotonicTime) float64 { return float64(d.Duration().Microseconds()) / 1000 }
	if tm := f.timing; tm != nil && tm.RequestTime > 0 && tm.SendEnd >= tm.SendStart && tm.SendStart >= 0 {
		headers := tm.RequestTime*1000 + tm.ReceiveHeadersEnd
		receive := 0.0
		if end > 0 {
			receive = max(0, float64(end)*1000-headers)
		}
		return webarchive.Timings{Send: tm.SendEnd - tm.SendStart, Wait: max(0, tm.ReceiveHeadersEnd-tm.SendEnd),
			Receive: receive}
	}
	w := webarchive.Timings{Send: 0, Wait: 0, Receive: 0}
	if f.resAt > 0 && f.sentAt > 0 {
		w.Wait = max(0, ms(f.resAt-f.sentAt))
	}
	if end > 0 && f.resAt > 0 {
		w.Receive = max(0, ms(end-f.resAt))
	}
	return w
}

// survive keeps something unforeseen in the browser's data from ending the run (a listener or worker
// goroutine that panics would take the whole process): the recording notes it and goes on. Deferred before
// the handler takes the lock, so the lock is released first.
func (t *traffic) survive() {
	if v := recover(); v != nil {
		t.note(fmt.Sprintf("an event of the recording could not be handled: %v", v))
	}
}

func (t *traffic) note(s string) {
	t.mu.Lock()
	t.notes = append(t.notes, s)
	t.mu.Unlock()
}

// stop ends the recording and returns what it holds: listeners end at once, bodies still being read get
// up to stopWait, requests still open are kept as they stand. Safe to call twice (the same capture).
func (t *traffic) stop() *Capture {
	t.stopOnce.Do(func() {
		t.mu.Lock()
		t.stopped = true
		t.mu.Unlock()
		// No event is handled once the listeners are gone (and stopped refuses jobs besides), so nothing
		// queues a job after the queue closes.
		t.endListen()
		t.listeners.Wait()
		close(t.jobs)
		idle := make(chan struct{})
		go func() { t.workers.Wait(); close(idle) }()
		select {
		case <-idle:
		case <-time.After(stopWait):
			t.endWork() // the calls still running fail at once: their bodies are noted as not read
			<-idle
		}
		t.endWork()
		t.result = t.collect()
	})
	return t.result
}

// collect files the requests still open and gathers the capture.
func (t *traffic) collect() *Capture {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := &Capture{Notes: slices.Clone(t.notes)}
	for _, f := range t.flights {
		if !f.finished {
			if f.ex.Response == nil {
				f.ex.Error = "no response had come when the recording ended"
			} else if f.ex.Response.Truncated == "" && f.ex.Response.Body == nil {
				f.ex.Response.Truncated, f.ex.Response.Note = "unspecified", "body not kept: still loading when the recording ended"
			}
			t.finish(f, 0)
		}
		webarchive.Sanitize(&f.ex, t.scrub, &t.masking)
		c.Exchanges = append(c.Exchanges, f.ex)
	}
	for i := range t.memory {
		webarchive.Sanitize(&t.memory[i], t.scrub, &t.masking)
		c.Exchanges = append(c.Exchanges, t.memory[i])
	}
	c.Masking = t.masking
	slices.SortStableFunc(c.Exchanges, func(a, b webarchive.Exchange) int { return a.Started.Compare(b.Started) })
	for _, name := range t.order {
		c.Origins = append(c.Origins, *t.origins[name])
	}
	if t.dropped > 0 {
		c.Notes = append(c.Notes, fmt.Sprintf("%d requests not recorded: the recording keeps at most %d", t.dropped,
			maxExchanges))
	}
	if t.queued > 0 {
		c.Notes = append(c.Notes, fmt.Sprintf("%d bodies or certificate chains not read: too many were waiting", t.queued))
	}
	if t.omitted > 0 {
		c.Notes = append(c.Notes, fmt.Sprintf("%d bodies not kept: the recording holds at most %d bytes of bodies",
			t.omitted, maxHeldBytes))
	}
	return c
}
