package demo

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func startServer(t *testing.T) *Server {
	t.Helper()
	srv, err := Start("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, srv.Close()) })
	return srv
}

// client is one browser profile: its own cookie jar.
func client(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar}
}

// fetch GETs or POSTs (when form is not nil) and returns the final status and body after redirects.
func fetch(t *testing.T, c *http.Client, u string, form url.Values) (int, string) {
	t.Helper()
	var resp *http.Response
	var err error
	if form == nil {
		resp, err = c.Get(u)
	} else {
		resp, err = c.PostForm(u, form)
	}
	require.NoError(t, err, u)
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err, u)
	body := string(b)
	require.NotContains(t, body, "ZgotmplZ", "unsafe value filtered by html/template on %s", u)
	return resp.StatusCode, body
}

func login(t *testing.T, c *http.Client, srv *Server, id string) string {
	t.Helper()
	code, body := fetch(t, c, srv.URL()+"/"+id+"/login", url.Values{"username": {DemoUser}, "password": {DemoPass}})
	require.Equal(t, http.StatusOK, code, body)
	return body
}

// autorenew reads the status page line the scenarios' effect check reads.
func autorenew(t *testing.T, c *http.Client, srv *Server, id string) string {
	t.Helper()
	code, body := fetch(t, c, srv.URL()+"/"+id+"/status", nil)
	require.Equal(t, http.StatusOK, code)
	m := regexp.MustCompile(`id="autorenew-status">([^<]*)<`).FindStringSubmatch(body)
	require.NotNil(t, m, "status page of %s has no auto-renew line", id)
	return m[1]
}

func TestStartRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "example.com:80", "127.0.0.1", "127.0.0.1:x"} {
		srv, err := Start(addr)
		if !assert.ErrorIs(t, err, ErrAddr, addr) && err == nil {
			_ = srv.Close()
		}
	}
}

func TestServerDescribesItself(t *testing.T) {
	srv := startServer(t)
	assert.NotEqual(t, srv.URL(), srv.PayURL(), "the payment channel must be another origin")
	env := srv.Env()
	assert.Equal(t, srv.URL(), env["DEMO_URL"])
	assert.Equal(t, srv.PayURL(), env["DEMO_PAY_URL"])
	assert.Equal(t, strings.TrimPrefix(srv.PayURL(), "http://"), env["DEMO_PAY_HOST"])
	assert.Equal(t, DemoUser, env["DEMO_USER"])
	assert.Equal(t, DemoPass, env["DEMO_PASS"])

	sites := srv.Sites()
	require.Len(t, sites, 9)
	seen := map[Flaw]bool{}
	for _, s := range sites {
		assert.Equal(t, srv.URL()+"/"+s.ID+"/", s.URL)
		assert.NotEmpty(t, s.Demonstrates)
		seen[s.Flaw] = true
	}
	assert.Len(t, seen, 9, "every site shows a different thing")
}

func TestEveryPageRenders(t *testing.T) {
	srv := startServer(t)
	for _, s := range srv.Sites() {
		t.Run(s.ID, func(t *testing.T) {
			c := client(t)
			for _, p := range []string{"", "login", "cards", "codes", "vip", "help", "help/faq", "help/faq/unsubscribe", "help/faq/buy"} {
				code, _ := fetch(t, c, s.URL+p, nil)
				assert.Equal(t, http.StatusOK, code, "logged out: %s", p)
			}
			login(t, c, srv, s.ID)
			for _, p := range []string{"", "account", "status", "orders", "vip", "help/faq/unsubscribe"} {
				code, body := fetch(t, c, s.URL+p, nil)
				assert.Equal(t, http.StatusOK, code, "logged in: %s", p)
				assert.Contains(t, body, `name="viewport"`, p)
			}
		})
	}
	code, body := fetch(t, client(t), srv.URL()+"/", nil)
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "/kartenwelt/")
}

func TestLoginRequiredAndWrongPassword(t *testing.T) {
	srv := startServer(t)
	c := client(t)
	_, body := fetch(t, c, srv.URL()+"/xingchen/account", nil)
	assert.Contains(t, body, `id="password"`, "logged-out visitors are sent to the login page")

	code, body := fetch(t, c, srv.URL()+"/xingchen/login", url.Values{"username": {DemoUser}, "password": {"wrong"}})
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.Contains(t, body, "用户名或密码错误")

	login(t, c, srv, "xingchen")
	code, _ = fetch(t, c, srv.URL()+"/xingchen/account", nil)
	assert.Equal(t, http.StatusOK, code)
	_, body = fetch(t, c, srv.URL()+"/yunduan/account", nil)
	assert.Contains(t, body, `id="password"`, "a session belongs to one site")
}

func TestEveryLoginStartsFresh(t *testing.T) {
	srv := startServer(t)
	a, b := client(t), client(t)
	login(t, a, srv, "xingchen")
	login(t, b, srv, "xingchen")
	assert.Equal(t, "自动续费：已开启", autorenew(t, a, srv, "xingchen"))

	fetch(t, a, srv.URL()+"/xingchen/autorenew/off", url.Values{})
	assert.Equal(t, "自动续费：已关闭", autorenew(t, a, srv, "xingchen"))
	assert.Equal(t, "自动续费：已开启", autorenew(t, b, srv, "xingchen"), "parallel sessions never share state")

	login(t, a, srv, "xingchen")
	assert.Equal(t, "自动续费：已开启", autorenew(t, a, srv, "xingchen"), "a new login is a fresh account")
}

// A fixed port gives stable URLs for hand-written scenarios: the payment channel takes the next port.
func TestStartOnFixedPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	if port == 65535 {
		t.Skip("free port has no successor")
	}
	srv, err := Start(fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Skipf("port %d or %d was taken meanwhile: %v", port, port+1, err)
	}
	defer func() { _ = srv.Close() }()
	assert.Equal(t, fmt.Sprintf("http://127.0.0.1:%d", port), srv.URL())
	assert.Equal(t, fmt.Sprintf("http://127.0.0.1:%d", port+1), srv.PayURL())
}
