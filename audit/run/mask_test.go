package run

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cancelpath/cancelpath/audit/scenario"
)

// maskVariants masks a secret as written and in the forms a page puts it in (URLs, HTML), which is also what
// the control page's MHTML snapshot is scrubbed with (evidence.ScrubMHTML).
func TestMaskVariants(t *testing.T) {
	sc := &scenario.Scenario{Secrets: []string{"alice.w@example.test", "", "p&w <1>"}}
	tests := []struct{ in, want string }{
		{"hi alice.w@example.test!", "hi ***!"},
		{"/u?name=alice.w%40example.test&x=1", "/u?name=***&x=1"},
		{"/u/alice.w@example.test/", "/u/***/"},
		{`value="p&amp;w &lt;1&gt;"`, `value="***"`},
		{"q=p%26w+%3C1%3E", "q=***"},
		{"nothing secret", "nothing secret"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, maskVariants(sc, tt.in), tt.in)
	}
}
