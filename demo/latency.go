package demo

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"
)

// Options tune the demo server.
type Options struct {
	// Latency is waited before every response, as a real site's network and server time; Jitter spreads it
	// uniformly over Latency ± Jitter. Both zero: the sites answer at once (from memory, on loopback), which
	// no real site does: a sweep's parallelism exists to overlap that waiting, so benchmarks set it.
	Latency, Jitter time.Duration
}

func (o Options) validate() error {
	if o.Latency < 0 || o.Jitter < 0 || o.Jitter > o.Latency {
		return fmt.Errorf("demo: latency %s with jitter %s: want 0 <= jitter <= latency", o.Latency, o.Jitter)
	}
	return nil
}

// delay is one response's wait.
func (o Options) delay() time.Duration {
	if o.Jitter <= 0 {
		return o.Latency
	}
	return o.Latency - o.Jitter + time.Duration(rand.Int64N(int64(2*o.Jitter)+1))
}

// withLatency waits each response's delay before h answers; a request the client gives up is dropped.
func withLatency(h http.Handler, o Options) http.Handler {
	if o.Latency <= 0 {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := time.NewTimer(o.delay())
		defer t.Stop()
		select {
		case <-t.C:
			h.ServeHTTP(w, r)
		case <-r.Context().Done():
		}
	})
}
