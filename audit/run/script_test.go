package run

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A helper's source holds the dom mark once, outside comments, or the library lands in the wrong place
// (and every probe call fails only at run time, slowly).
func TestProbeSourceHasOneDOMMark(t *testing.T) {
	assert.Equal(t, 1, strings.Count(probeSource, "/*@dom*/"))
	assert.True(t, strings.HasPrefix(strings.TrimSpace(strings.SplitN(probeSource, "/*@dom*/", 2)[1]), "let last"),
		"the mark opens the helper's body")
	assert.NotContains(t, newProbe().source, "/*@dom*/")
	assert.Contains(t, newProbe().source, "function accName(")
}
