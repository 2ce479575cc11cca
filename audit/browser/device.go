package browser

import (
	"fmt"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"github.com/cancelpath/cancelpath/audit/device"
)

// Device is a viewport emulation (the registry is audit/device).
type Device = device.Device

// LookupDevice returns the named device of the registry.
func LookupDevice(name string) (Device, error) { return device.Lookup(name) }

// DeviceNames lists the known device names, sorted.
func DeviceNames() []string { return device.Names() }

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
