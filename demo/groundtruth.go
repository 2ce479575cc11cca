package demo

import (
	"bytes"
	_ "embed"
	"fmt"

	yaml "go.yaml.in/yaml/v3"
)

// groundTruth is ground-truth.yaml. It lives here, with the sites it describes, rather than next to the
// scenarios: scenarios/demo/ is loaded as a folder of scenarios, and this file is not one.
//
//go:embed ground-truth.yaml
var groundTruth []byte

// GroundTruth is ground-truth.yaml: what the engine must measure on each demo site and device when it runs
// the scenarios of scenarios/demo/. The sites are built to these numbers; tests compare results with them.
type GroundTruth struct {
	Version int                  `yaml:"version"`
	Sites   map[string]SiteTruth `yaml:"sites"`
}

// SiteTruth is one site's designed path and its measurements per device.
type SiteTruth struct {
	Name     string   `yaml:"name"`
	Flaw     Flaw     `yaml:"flaw"`
	Scenario string   `yaml:"scenario"` // file name in scenarios/demo/
	Path     string   `yaml:"path"`
	Desktop  Expected `yaml:"desktop"`
	Mobile   Expected `yaml:"mobile"`
}

// Expected holds the metrics of one scenario on one device, named as in audit/metrics.
type Expected struct {
	Status                string     `yaml:"status"`
	ClicksToControl       int        `yaml:"clicks_to_control"`
	HoversToControl       int        `yaml:"hovers_to_control"`
	LevelsToControl       int        `yaml:"levels_to_control"`
	ClicksToDone          int        `yaml:"clicks_to_done"`
	Interstitials         int        `yaml:"interstitials"`
	Control               ControlBox `yaml:"control"`
	EffectPassed          bool       `yaml:"effect_passed"`
	AutorenewPrechecked   bool       `yaml:"autorenew_prechecked"`
	ClicksToSubscribe     int        `yaml:"clicks_to_subscribe"`
	DisclosureFontPX      float64    `yaml:"disclosure_font_px"`
	DisclosureInView      *bool      `yaml:"disclosure_in_view_with_button"`
	ReachableWithoutLogin *bool      `yaml:"reachable_without_login"`
	// DeadEnd is where the path of a site without a cancel control ends (status no_control); the sites
	// with a control leave it out.
	DeadEnd *DeadEnd `yaml:"dead_end,omitempty"`
}

// DeadEnd is the screen a site without a cancel control sends the user to: the clicks from the landing
// page to it and the text of the scenario's dead_end target there.
type DeadEnd struct {
	Clicks int    `yaml:"clicks"`
	Text   string `yaml:"text"`
}

// ControlBox is the cancel control's accessible name and border-box size in CSS px.
type ControlBox struct {
	Label  string  `yaml:"label"`
	Width  float64 `yaml:"width"`
	Height float64 `yaml:"height"`
}

// LoadGroundTruth parses the bundled ground truth.
func LoadGroundTruth() (GroundTruth, error) { return ParseGroundTruth(groundTruth) }

// ParseGroundTruth reads the ground-truth file strictly: an unknown key is an error, so a typo cannot
// silently drop an expectation.
func ParseGroundTruth(b []byte) (GroundTruth, error) {
	var g GroundTruth
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&g); err != nil {
		return GroundTruth{}, fmt.Errorf("demo ground truth: %w", err)
	}
	if g.Version != 1 {
		return GroundTruth{}, fmt.Errorf("demo ground truth: version %d, want 1", g.Version)
	}
	return g, nil
}

// For returns the expectation for a site on a device ("desktop" or "mobile").
func (g GroundTruth) For(site, device string) (Expected, bool) {
	st, ok := g.Sites[site]
	if !ok {
		return Expected{}, false
	}
	switch device {
	case "desktop":
		return st.Desktop, true
	case "mobile":
		return st.Mobile, true
	}
	return Expected{}, false
}
