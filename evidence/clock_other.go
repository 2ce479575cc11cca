//go:build !linux

package evidence

// systemClock on systems where the tool does not ask the kernel: the discipline is unknown.
func systemClock() Clock {
	return Clock{Source: "system clock", OffsetToReference: "unknown"}
}
