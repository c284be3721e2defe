// Package benchmetrics holds what the project's benchmarks report besides
// wall time.
package benchmetrics

import (
	"testing"
	"time"
)

// ReportCPU adds the metric cpu-ns/op: the process's CPU time per operation
// since start (a value of [CPU]). Unlike sec/op it leaves out time spent
// waiting (for a disk, a service in another process, or a core on a loaded
// machine), so it shows the work an implementation does even when wall-clock
// figures are noisy.
func ReportCPU(b *testing.B, start time.Duration) {
	if b.N > 0 {
		b.ReportMetric(float64(CPU()-start)/float64(b.N), "cpu-ns/op")
	}
}
