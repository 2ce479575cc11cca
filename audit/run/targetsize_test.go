package run

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

// TestTargetSizeAgreesWithAxe measures the cancel control on the patterns of axe-core's target-size rule
// (the reference implementation of WCAG 2.2 SC 2.5.8) and expects axe-core's verdict, in the engine's words:
// the target-size check passes: "pass"; only the target-offset check passes: "pass_spacing"; the rule does
// not apply because the target sits in a sentence: "pass_inline"; a violation: "fail". The verdicts (and
// axe-core's numbers, in the comments) are axe-core 4.14.1's on these pages, at the desktop viewport.
func TestTargetSizeAgreesWithAxe(t *testing.T) {
	srv := httptest.NewServer(http.FileServer(http.Dir("testdata/targetsize")))
	defer srv.Close()
	for _, tc := range []struct {
		name, page, control, axe string
	}{
		// Nested targets: a target inside another target has it as a neighbour.
		{"small button inside a wide link", "nested.html", "#close", "fail"},             // 22.7x21, offset 22.6
		{"wide link around a small button", "nested.html", "#plan", "pass_spacing"},      // offset 24
		{"button that is a link's only content", "nested.html", "#only", "pass_spacing"}, // one target with the link
		{"link covered whole by its button", "nested.html", "#help", "pass"},             // obscured: the button takes it
		// Fixed-position bars and the content that scrolls under them are tested apart.
		{"wide link in a fixed bar over content", "fixed.html", "#wide", "pass_spacing"}, // offset 24
		{"small link next to it in the bar", "fixed.html", "#x", "fail"},                 // 8x17, offset 17
		{"button partly under a fixed bar's link", "fixed-over.html", "#under", "pass"},  // 30x30, not the 30x18 left
		// The inline exception.
		{"link in running text", "inline.html", "#sentence", "pass_inline"}, // inapplicable
		{"button in a sentence", "inline.html", "#term", "pass_inline"},     // inapplicable
		{"links alone in list items", "inline.html", "#item", "fail"},       // 40x17, offset 12
		{"link that wraps onto two lines", "wrap.html", "#wrap13", "pass"},  // its bounding box, 96x46.8
		// Partly overlapped targets: the largest unobscured rectangle counts.
		{"overlapped, 30x30 left", "overlap.html", "#enough", "pass"},              // 30x30
		{"overlapped on both sides, 20x30 left", "overlap.html", "#tight", "fail"}, // 20x30, offset 20
		{"overlapped corner, 30x40 left", "overlap.html", "#corner", "pass"},       // 30x40 (not the larger 80x22)
		// The spacing exception.
		{"lone 16x16 link", "spacing.html", "#lone", "pass_spacing"},
		{"8 px from an undersized neighbour", "spacing.html", "#gap8", "pass_spacing"}, // offset 24
		{"7 px from an undersized neighbour", "spacing.html", "#gap7", "fail"},         // offset 22
		{"7 px from a disabled button", "spacing.html", "#disabled", "pass_spacing"},   // no target
		{"next to a link to the same place", "spacing.html", "#same", "pass_spacing"},  // one target
		{"button next to a custom button", "spacing.html", "#pair", "fail"},            // 22.7x21, offset 15.6
		{"7 px from a label", "wrap.html", "#bylabel", "pass_spacing"},                 // a label is no target
		{"7 px from a checkbox in a label", "wrap.html", "#bycheckbox", "fail"},        // offset 19.2
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := &scenario.Scenario{
				ID: "targetsize", Site: "targetsize", URL: srv.URL + "/", Jurisdictions: []string{"cn"},
				Devices:  []string{"desktop"},
				Timeouts: scenario.Timeouts{Step: 10 * time.Second, Scenario: 60 * time.Second},
				Login:    []scenario.Step{{Action: scenario.Goto, URL: tc.page}},
				Cancel:   []scenario.Step{control(css(tc.control))},
				Done:     scenario.Condition{Target: txt("已退订")},
			}
			res := Run(context.Background(), testBrowser, sc, "desktop", Options{})
			require.Equal(t, metrics.StatusOK, res.Status, "reason: %s", res.Reason)
			require.NotNil(t, res.Control)
			assert.Equal(t, tc.axe, res.Control.TargetSize, "%s on %s (box %.1fx%.1f)", tc.control, tc.page,
				res.Control.Box.Width, res.Control.Box.Height)
		})
	}
}
