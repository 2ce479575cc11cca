//go:build linux

package evidence

import "golang.org/x/sys/unix"

// systemClock asks the kernel about its clock discipline (adjtimex, read only): whether NTP or a similar
// daemon keeps it synchronised, and the kernel's error estimates.
func systemClock() Clock {
	c := Clock{Source: "system clock (Linux kernel, adjtimex)", OffsetToReference: "unknown"}
	var tx unix.Timex
	state, err := unix.Adjtimex(&tx)
	if err != nil {
		return c
	}
	synced := state != unix.TIME_ERROR && tx.Status&unix.STA_UNSYNC == 0
	c.Synchronized = &synced
	if synced {
		est, maxErr := tx.Esterror, tx.Maxerror
		c.EstimatedErrorUS, c.MaxErrorUS = &est, &maxErr
	}
	return c
}
