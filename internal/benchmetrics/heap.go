package benchmetrics

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// heapMetric is the bytes of live and not yet swept heap objects
// (HeapAlloc of runtime.MemStats), read without stopping the world.
const heapMetric = "/memory/classes/heap/objects:bytes"

// HeapPeak samples the heap (the bytes of heap objects, live or not yet
// collected: runtime.MemStats.HeapAlloc, read through runtime/metrics
// without stopping the world) until Stop, and keeps the peak. It is the one
// heap sampler of the project's benchmarks, soak test and conformance
// suite.
type HeapPeak struct {
	base uint64
	peak atomic.Uint64
	stop chan struct{}
	wg   sync.WaitGroup
}

// StartHeapPeak runs a GC, takes the baseline and samples every interval.
func StartHeapPeak(every time.Duration) *HeapPeak {
	runtime.GC()
	h := &HeapPeak{stop: make(chan struct{})}
	h.base = h.sample()
	h.wg.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-h.stop:
				return
			case <-t.C:
				h.sample()
			}
		}
	})
	return h
}

// sample reads the heap once, keeps it if it is the peak, and returns it.
func (h *HeapPeak) sample() uint64 {
	s := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(s)
	v := s[0].Value.Uint64()
	for {
		p := h.peak.Load()
		if v <= p || h.peak.CompareAndSwap(p, v) {
			return v
		}
	}
}

// Stop stops sampling, takes a last sample, and returns the peak and the
// baseline (taken after a GC at the start). Call it once.
func (h *HeapPeak) Stop() (peak, base uint64) {
	close(h.stop)
	h.wg.Wait()
	h.sample()
	return h.peak.Load(), h.base
}

// Growth is Stop's peak less its baseline (0 when the heap only shrank).
func (h *HeapPeak) Growth() uint64 {
	peak, base := h.Stop()
	return max(peak, base) - base
}
