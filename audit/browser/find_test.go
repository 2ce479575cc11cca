package browser

import (
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFindPrecedence(t *testing.T) {
	sh, err := exec.LookPath("sh")
	require.NoError(t, err)

	t.Setenv(EnvChrome, "")
	got, err := Find(sh)
	require.NoError(t, err)
	assert.Equal(t, sh, got, "--chrome comes first")

	t.Setenv(EnvChrome, sh)
	got, err = Find("")
	require.NoError(t, err)
	assert.Equal(t, sh, got, "then $"+EnvChrome)

	t.Setenv(EnvChrome, "/nonexistent/chromium")
	_, err = Find("")
	require.Error(t, err)
	assert.Contains(t, err.Error(), EnvChrome)
	assert.Contains(t, err.Error(), "apt-get install -y chromium fonts-noto-cjk", "a missing browser says how to install one")

	_, err = Find("/nonexistent/chrome")
	assert.ErrorContains(t, err, "--chrome")
	assert.ErrorIs(t, err, ErrNotFound, "a wrong path is a usage error, like no browser at all")
}

func TestLookupDevice(t *testing.T) {
	d, err := LookupDevice("mobile")
	require.NoError(t, err)
	assert.Equal(t, 375, d.Width)
	assert.True(t, d.Touch)
	_, err = LookupDevice("tablet")
	assert.ErrorContains(t, err, "desktop, mobile")
}
