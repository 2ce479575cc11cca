package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/evidence"
)

// demo --serve prints the sites and the scenario variables, serves until its context ends, then stops
// cleanly with exit 0.
func TestDemoServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--serve"}, pw, &stderr)
		_ = pw.Close()
	}()

	var out strings.Builder
	env := map[string]string{}
	lines := bufio.NewScanner(pr)
	for lines.Scan() {
		line := lines.Text()
		out.WriteString(line + "\n")
		if k, v, ok := strings.Cut(line, "="); ok && strings.HasPrefix(k, "DEMO_") {
			env[k] = v
		}
		if strings.HasPrefix(line, "Serving until") {
			break
		}
	}
	go io.Copy(io.Discard, pr) //nolint:errcheck // drains what is printed on the way out

	for _, want := range []string{"xingchen", "星辰卡盟", "kartenwelt", "wuyou", "无忧卡盟", "demo / demo123", "Payment channel"} {
		assert.Contains(t, out.String(), want)
	}
	require.Contains(t, env, "DEMO_URL", out.String())
	for _, k := range []string{"DEMO_PAY_URL", "DEMO_PAY_HOST", "DEMO_USER", "DEMO_PASS"} {
		assert.Contains(t, env, k)
	}
	assert.Contains(t, out.String(), env["DEMO_URL"]+"/xingchen/")

	resp, err := http.Get(env["DEMO_URL"] + "/xingchen/")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), "星辰卡盟")

	cancel()
	select {
	case code := <-done:
		assert.Equal(t, exitOK, code, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("demo --serve did not stop when its context ended")
	}
	resp, err = http.Get(env["DEMO_URL"] + "/xingchen/")
	if err == nil {
		_ = resp.Body.Close()
	}
	assert.Error(t, err, "the sites are closed")
}

func TestDemoUsageErrors(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"not loopback", []string{"demo", "--serve", "--addr", "0.0.0.0:0"}, "loopback"},
		{"bad address", []string{"demo", "--serve", "--addr", "nonsense"}, "--addr"},
		{"bad --fail-on", []string{"demo", "--fail-on", "sometimes"}, "--fail-on"},
		{"arguments", []string{"demo", "scenarios/"}, "unknown command"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, c.args...)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, stderr, c.stderr)
		})
	}
}

// Cobra's rejections are usage errors (2); an error no command classified is a runtime failure (3).
func TestExitCodesOfUnclassifiedErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"unknown command", []string{"bogus"}, exitUsage},
		{"unknown flag", []string{"audit", "--nope"}, exitUsage},
		{"missing argument", []string{"report"}, exitUsage},
		{"no arguments: help", nil, exitOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			assert.Equal(t, tc.code, run(context.Background(), tc.args, &out, &errOut), errOut.String())
		})
	}
	root := newRootCmd(io.Discard, io.Discard)
	root.AddCommand(&cobra.Command{Use: "fails", RunE: func(*cobra.Command, []string) error { return errors.New("disk full") }})
	root.SetArgs([]string{"fails"})
	err := root.Execute()
	require.Error(t, err)
	var ee *exitError
	assert.False(t, errors.As(err, &ee), "an unclassified error stays unclassified")
	assert.Equal(t, exitRuntime, exitCode(err, io.Discard))
}

// Without --sign-key the demo signs with a key made for the run: the public key is in the output folder,
// the private key nowhere on disk.
func TestDemoSigningKey(t *testing.T) {
	out := t.TempDir()
	c := &auditConfig{auditFlags: auditFlags{out: out}}
	var stderr bytes.Buffer
	require.NoError(t, demoSigningKey(c, &stderr))
	require.NotNil(t, c.signKey)
	data, err := os.ReadFile(filepath.Join(out, demoSigningPub))
	require.NoError(t, err)
	pub, err := evidence.ParsePublicKey(data)
	require.NoError(t, err)
	assert.True(t, pub.Equal(c.signKey.Public()), "the file holds the public half of the key that signs")
	entries, err := os.ReadDir(out)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no private key written")
	assert.Contains(t, stderr.String(), demoSigningPub)
}
