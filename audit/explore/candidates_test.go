package explore

import (
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLocatorFunctionsInStep: candidates.js copies the engine's traversal, visibility, role, name and
// locator functions, because a locator explore writes is only good if the engine finds the same element
// with it. When audit/run/probe.js changes one of them, copy the change.
func TestLocatorFunctionsInStep(t *testing.T) {
	probe, err := os.ReadFile("../run/probe.js")
	require.NoError(t, err)
	mine, err := os.ReadFile("candidates.js")
	require.NoError(t, err)
	for _, name := range []string{"roots", "allElements", "parentComposed", "containsComposed", "visible", "role",
		"visibleText", "accName", "isActionable", "actionableAncestor"} {
		want, got := jsFunctionSource(t, string(probe), name), jsFunctionSource(t, string(mine), name)
		assert.Equal(t, stripComments(want), stripComments(got), "function %s differs from audit/run/probe.js", name)
	}
}

// jsFunctionSource returns a top-level function of the helper (indented two spaces) up to its closing brace.
func jsFunctionSource(t *testing.T, src, name string) string {
	t.Helper()
	re := regexp.MustCompile(`(?ms)^  function ` + name + `\(.*?^  }$`)
	m := re.FindString(src)
	require.NotEmpty(t, m, "function %s", name)
	return m
}

var jsComment = regexp.MustCompile(`(?m)\s*//.*$|/\*.*?\*/`)

func stripComments(s string) string { return jsComment.ReplaceAllString(s, "") }
