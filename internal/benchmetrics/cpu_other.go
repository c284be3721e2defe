//go:build !unix

package benchmetrics

import "time"

// CPU returns 0: process CPU time is read only on Unix.
func CPU() time.Duration { return 0 }
