// Package device is the one registry of the emulations a scenario may name: the scenario loader validates
// names against it, the browser emulates what it describes.
package device

import (
	"fmt"
	"sort"
	"strings"
)

// The device names of the registry.
const (
	Desktop = "desktop"
	Mobile  = "mobile"
)

// Device is a viewport emulation. Sizes are CSS px.
type Device struct {
	Name              string
	Width, Height     int
	DeviceScaleFactor float64
	Mobile            bool // mobile viewport meta handling and overlay scrollbars
	Touch             bool // touch events; taps instead of clicks; (hover: none) and (pointer: coarse)
	// UserAgent is a template: %s is replaced by the browser's Chrome version, so the UA names the engine
	// that really renders the page (and not "HeadlessChrome", which some sites serve another page).
	UserAgent string
}

// registry holds the devices. desktop is a 1280×800 laptop with a mouse; mobile is a 375×812 phone (the
// iPhone X viewport of rod's lib/devices) with touch and an Android Chrome UA, because the engine is
// Chromium. Unexported: a caller cannot change what "mobile" means for everyone else.
var registry = map[string]Device{
	Desktop: {
		Name: Desktop, Width: 1280, Height: 800, DeviceScaleFactor: 1,
		UserAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%s Safari/537.36",
	},
	Mobile: {
		Name: Mobile, Width: 375, Height: 812, DeviceScaleFactor: 3, Mobile: true, Touch: true,
		UserAgent: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%s Mobile Safari/537.36",
	},
}

// Names lists the known device names, sorted.
func Names() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Lookup returns the named device.
func Lookup(name string) (Device, error) {
	d, ok := registry[name]
	if !ok {
		return Device{}, fmt.Errorf("unknown device %q (known: %s)", name, strings.Join(Names(), ", "))
	}
	return d, nil
}
