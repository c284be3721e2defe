//go:build unix

package memory_test

import (
	"syscall"
	"testing"
	"time"
)

// processCPU is the CPU time (user + system) this process has used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds the metric cpu-ns/op: the process's CPU time per operation
// since start. Unlike sec/op it leaves out the time spent waiting (for the
// disk, or for a core on a loaded machine), so it shows the work an
// implementation does even when wall-clock figures are noisy.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
}
