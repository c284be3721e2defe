//go:build unix

package benchmetrics

import (
	"syscall"
	"time"
)

// CPU returns the CPU time (user + system) this process has used so far.
func CPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
