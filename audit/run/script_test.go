package run

import (
	"errors"
	"fmt"
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

// Only exceptions that waiting cannot mend stop a wait at once.
func TestPermanentExceptions(t *testing.T) {
	for _, tc := range []struct {
		desc string
		want bool
	}{
		{"SyntaxError: Failed to execute 'querySelectorAll' on 'Document': 'x[' is not a valid selector.", true},
		{"SyntaxError: Invalid regular expression: /(/u: Unterminated group", true},
		{"LocatorError: target has no locator", true},
		{"TypeError: Cannot read properties of null (reading 'getBoundingClientRect')", false},
		{"Error: something else", false},
		{"a message without a name", false},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			err := fmt.Errorf("probe prepare: %w", &jsError{msg: tc.desc, name: exceptionName(tc.desc)})
			assert.Equal(t, tc.want, permanent(err))
		})
	}
	assert.True(t, permanent(fmt.Errorf("%w %q: %w", errURLPattern, "(", errors.New("missing )"))))
	assert.False(t, permanent(errors.New("url pattern in a message is not the sentinel")))
}
