package demo

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLatencyOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  Options
		ok   bool
	}{
		{"none", Options{}, true},
		{"fixed", Options{Latency: 200 * time.Millisecond}, true},
		{"with jitter", Options{Latency: 200 * time.Millisecond, Jitter: 50 * time.Millisecond}, true},
		{"jitter above latency", Options{Latency: 10 * time.Millisecond, Jitter: 50 * time.Millisecond}, false},
		{"negative", Options{Latency: -time.Millisecond}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.ok, tc.opt.validate() == nil)
		})
	}
	o := Options{Latency: 200 * time.Millisecond, Jitter: 50 * time.Millisecond}
	for i := 0; i < 1000; i++ {
		d := o.delay()
		require.GreaterOrEqual(t, d, 150*time.Millisecond)
		require.LessOrEqual(t, d, 250*time.Millisecond)
	}
	assert.Equal(t, 200*time.Millisecond, Options{Latency: 200 * time.Millisecond}.delay())
}

// A request its client gave up is not answered late.
func TestLatencyDropsAbandonedRequests(t *testing.T) {
	served := false
	h := withLatency(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { served = true }),
		Options{Latency: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil).WithContext(ctx))
	assert.False(t, served)
	served = false
	withLatency(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { served = true }), Options{}).
		ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	assert.True(t, served, "no latency: served at once")
}
