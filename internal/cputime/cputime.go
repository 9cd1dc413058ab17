// Package cputime measures the CPU time of the process for the
// benchmarks: on a shared machine, wall time is inflated by other work,
// user+sys CPU time (GC workers included) much less.
package cputime

import (
	"syscall"
	"testing"
	"time"
)

// Now is the process's user+sys CPU time so far (0 if it cannot be read).
func Now() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Loop runs fn once per b.Loop() iteration and reports the CPU time per
// operation as cpu-ms/op.
func Loop(b *testing.B, fn func()) {
	b.Helper()
	start := Now()
	for b.Loop() {
		fn()
	}
	b.ReportMetric(float64(Now()-start)/float64(b.N)/1e6, "cpu-ms/op")
}
