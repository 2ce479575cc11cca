// Package demo serves the bundled fictional 卡盟 sites that `cancelpath demo` audits: nine small card
// shops, each showing one thing consumers complain about (or, for two of them, doing it right), plus a
// payment channel on a second origin. Every login creates a fresh account with an active auto-renewing
// membership, so audits can run in parallel and repeat. The designed measurements of every site are in
// ground-truth.yaml.
package demo

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrAddr: Start was given something other than a loopback host:port. The demo sites have a published
// password and must not be exposed.
var ErrAddr = errors.New("the demo sites listen only on a loopback host:port (127.0.0.1:PORT, [::1]:PORT, localhost:PORT)")

// Server runs the demo sites on one loopback listener and the payment channel on another (a second
// origin, as a real WeChat/Alipay-like 代扣 page would be).
type Server struct {
	sites  []*site
	byID   map[string]*site
	store  *store
	tmpl   *templates
	now    func() time.Time
	url    string
	payURL string

	servers []*http.Server
	wg      sync.WaitGroup
	mu      sync.Mutex
	errs    []error // Serve errors other than a normal close
}

// Start listens on addr (a loopback address such as "127.0.0.1:0") and serves the demo sites. The payment
// channel listens on the same host: on port+1 when addr fixes a port, else on a free port. Anything but a
// loopback host:port is refused with ErrAddr.
func Start(addr string) (*Server, error) { return StartWith(addr, Options{}) }

// StartWith is Start with options (a response latency).
func StartWith(addr string, opt Options) (*Server, error) {
	if err := opt.validate(); err != nil {
		return nil, err
	}
	host, port, err := loopback(addr)
	if err != nil {
		return nil, err
	}
	t, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s := &Server{sites: catalogue(), byID: map[string]*site{}, store: newStore(maxSessions), tmpl: t, now: time.Now}
	for _, st := range s.sites {
		s.byID[st.ID] = st
	}

	mainLn, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return nil, fmt.Errorf("demo: listen on %s: %w", addr, err)
	}
	payPort := 0
	if port != 0 {
		payPort = port + 1
	}
	payLn, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(payPort)))
	if err != nil {
		_ = mainLn.Close() // the listen error is the one to report
		return nil, fmt.Errorf("demo: listen for the payment channel on %s port %d: %w", host, payPort, err)
	}
	s.url = "http://" + mainLn.Addr().String()
	s.payURL = "http://" + payLn.Addr().String()

	s.serve(mainLn, withLatency(s.siteRoutes(), opt))
	s.serve(payLn, withLatency(s.payRoutes(), opt))
	return s, nil
}

// loopback splits addr and accepts only loopback hosts ("localhost" means 127.0.0.1).
func loopback(addr string) (string, int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("demo: address %q: %w", addr, ErrAddr)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65534 { // 65535 leaves no port+1 for the payment channel
		return "", 0, fmt.Errorf("demo: address %q: bad port: %w", addr, ErrAddr)
	}
	if host == "localhost" {
		host = "127.0.0.1"
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return "", 0, fmt.Errorf("demo: address %q: %w", addr, ErrAddr)
	}
	return host, port, nil
}

func (s *Server) serve(ln net.Listener, h http.Handler) {
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	s.servers = append(s.servers, hs)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.mu.Lock()
			s.errs = append(s.errs, fmt.Errorf("demo: serve %s: %w", ln.Addr(), err))
			s.mu.Unlock()
		}
	}()
}

// URL is the base of the merchant sites: each lives under URL()/<site-id>/.
func (s *Server) URL() string { return s.url }

// PayURL is the payment channel's base URL, a different origin from URL().
func (s *Server) PayURL() string { return s.payURL }

// Env holds the ${VAR}s the bundled demo scenarios use.
func (s *Server) Env() map[string]string {
	return map[string]string{
		"DEMO_URL":      s.url,
		"DEMO_PAY_URL":  s.payURL,
		"DEMO_PAY_HOST": strings.TrimPrefix(s.payURL, "http://"),
		"DEMO_USER":     DemoUser,
		"DEMO_PASS":     DemoPass,
	}
}

// Sites lists the merchant sites in the order of the issue. The payment channel is not among them:
// it is reached from site 6 (see PayURL).
func (s *Server) Sites() []SiteInfo {
	out := make([]SiteInfo, 0, len(s.sites))
	for _, st := range s.sites {
		out = append(out, SiteInfo{
			ID: st.ID, Name: st.Name, Flaw: st.Flaw, Demonstrates: st.Shows,
			URL: s.url + "/" + st.ID + "/", User: DemoUser, Password: DemoPass,
		})
	}
	return out
}

// Close stops both listeners at once, dropping open connections, and reports any error a listener hit
// while serving.
func (s *Server) Close() error {
	var errs []error
	for _, hs := range s.servers {
		if err := hs.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	s.wg.Wait()
	s.mu.Lock()
	errs = append(errs, s.errs...)
	s.mu.Unlock()
	return errors.Join(errs...)
}
