package main

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuUse is CPU time spent by this process (the tool: engine, probe calls' Go side, CDP) and by its reaped
// descendants (the browsers and their renderers, once the pool has closed them), read with getrusage.
type cpuUse struct{ tool, browsers time.Duration }

func cpuNow() cpuUse {
	var self, kids syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)     // cannot fail with these arguments
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids) // idem
	return cpuUse{tool: cpuTime(self), browsers: cpuTime(kids)}
}

func cpuTime(r syscall.Rusage) time.Duration {
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}

func (a cpuUse) since(b cpuUse) cpuUse { return cpuUse{a.tool - b.tool, a.browsers - b.browsers} }

// machineTicks reads the machine's CPU time from /proc/stat: busy and total clock ticks over all CPUs. What
// the sweep leaves idle shows whether it is bound by the CPU or by waiting.
func machineTicks() (busy, total uint64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n") // "cpu  user nice system idle iowait irq softirq steal …"
	for i, f := range strings.Fields(line)[1:] {
		v, _ := strconv.ParseUint(f, 10, 64)
		total += v
		if i != 3 && i != 4 { // idle, iowait
			busy += v
		}
	}
	return busy, total
}
