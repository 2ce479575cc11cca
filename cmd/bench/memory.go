package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// sampler records the peak memory of this process and every process below it (the browsers and their
// renderers). PSS counts shared pages once across the tree, where summing RSS would count them per process.
type sampler struct {
	done chan struct{}
	peak chan float64
}

func startSampler() *sampler {
	s := &sampler{done: make(chan struct{}), peak: make(chan float64, 1)}
	go func() {
		peak := 0.0
		// Reading smaps_rollup costs the kernel a walk of each process's page tables: at 100 ms the sampler
		// took a quarter of a core (a CPU profile of the bench), which the runs it measures then lacked.
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			if m := treeMiB(os.Getpid()); m > peak {
				peak = m
			}
			select {
			case <-s.done:
				s.peak <- peak
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *sampler) stop() float64 {
	close(s.done)
	return <-s.peak
}

// treeMiB sums the PSS (else RSS) of root and its descendants.
func treeMiB(root int) float64 {
	parents := map[int]int{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(s[i+1:])
		pid, _ := strconv.Atoi(strings.Fields(s)[0])
		if len(fields) > 1 {
			parents[pid], _ = strconv.Atoi(fields[1])
		}
	}
	total := 0.0
	for pid := range parents {
		for p, n := pid, 0; p > 1 && n < 64; p, n = parents[p], n+1 {
			if p == root {
				total += kib(pid)
				break
			}
		}
	}
	return total / 1024
}

func kib(pid int) float64 {
	for _, probe := range []struct{ file, key string }{{"smaps_rollup", "Pss:"}, {"status", "VmRSS:"}} {
		f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), probe.file))
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if fields := strings.Fields(sc.Text()); len(fields) >= 2 && fields[0] == probe.key {
				_ = f.Close() // read only
				v, _ := strconv.ParseFloat(fields[1], 64)
				return v
			}
		}
		_ = f.Close() // read only
	}
	return 0
}
