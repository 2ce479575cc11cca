package browser

import (
	"fmt"
	"sort"
	"strings"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
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

// Devices are the emulations a scenario may ask for. desktop is a 1280×800 laptop with a mouse; mobile is a
// 375×812 phone (the iPhone X viewport of rod's lib/devices) with touch and an Android Chrome UA, because
// the engine is Chromium.
var Devices = map[string]Device{
	"desktop": {
		Name: "desktop", Width: 1280, Height: 800, DeviceScaleFactor: 1,
		UserAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%s Safari/537.36",
	},
	"mobile": {
		Name: "mobile", Width: 375, Height: 812, DeviceScaleFactor: 3, Mobile: true, Touch: true,
		UserAgent: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%s Mobile Safari/537.36",
	},
}

// DeviceNames lists the known device names, sorted.
func DeviceNames() []string {
	names := make([]string, 0, len(Devices))
	for n := range Devices {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// LookupDevice returns the named device.
func LookupDevice(name string) (Device, error) {
	d, ok := Devices[name]
	if !ok {
		return Device{}, fmt.Errorf("unknown device %q (known: %s)", name, strings.Join(DeviceNames(), ", "))
	}
	return d, nil
}

// emulate applies the device to one page (a tab or a popup: emulation is per target).
func emulate(p *rod.Page, d Device, chromeVersion string) error {
	if err := (proto.EmulationSetDeviceMetricsOverride{
		Width: d.Width, Height: d.Height, DeviceScaleFactor: d.DeviceScaleFactor, Mobile: d.Mobile,
	}).Call(p); err != nil {
		return fmt.Errorf("emulate %s viewport: %w", d.Name, err)
	}
	touch := proto.EmulationSetTouchEmulationEnabled{Enabled: d.Touch}
	if d.Touch {
		n := 5
		touch.MaxTouchPoints = &n
	}
	if err := touch.Call(p); err != nil {
		return fmt.Errorf("emulate %s touch: %w", d.Name, err)
	}
	ua := fmt.Sprintf(d.UserAgent, chromeVersion)
	platform := "Linux x86_64"
	if d.Mobile {
		platform = "Linux armv8l"
	}
	if err := (proto.EmulationSetUserAgentOverride{UserAgent: ua, Platform: platform}).Call(p); err != nil {
		return fmt.Errorf("emulate %s user agent: %w", d.Name, err)
	}
	return nil
}
