package main

import (
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/go-storages/storage/transfer"
)

// progress draws two bars on standard error while a transfer runs: files
// (count and percentage) and bytes (amount, rate and time left). It is a
// transfer.Progress. When standard error is not a terminal nothing is drawn.
type progress struct {
	p            *mpb.Progress
	files, bytes *mpb.Bar
	failed       atomic.Int64
}

// newProgress starts the bars for files objects of size bytes in total, or
// returns nil (a valid, silent transfer.Progress) when w is not a terminal.
func (a *app) newProgress(files int, bytes int64) *progress {
	if !isTerminal(a.io.err) || a.jsonOut {
		return nil
	}
	return startProgress(a.io.err, files, bytes)
}

func startProgress(w io.Writer, files int, bytes int64) *progress {
	pr := &progress{p: mpb.New(mpb.WithOutput(w), mpb.WithWidth(100), mpb.WithRefreshRate(150e6))}
	pr.files = pr.p.AddBar(int64(files),
		mpb.PrependDecorators(decor.Name("files", decor.WC{C: decor.DindentRight, W: 6}), decor.CountersNoUnit("%d / %d", decor.WCSyncWidth)),
		mpb.AppendDecorators(decor.Percentage(decor.WC{W: 5})),
	)
	pr.bytes = pr.p.AddBar(bytes,
		mpb.PrependDecorators(decor.Name("bytes", decor.WC{C: decor.DindentRight, W: 6}), decor.Counters(decor.SizeB1024(0), "% .1f / % .1f", decor.WCSyncWidth)),
		mpb.AppendDecorators(
			rate(time.Now()),
			decor.Name("  ETA "),
			decor.OnComplete(decor.AverageETA(decor.ET_STYLE_GO), "done"),
		),
	)
	return pr
}

// rate shows the average rate since start, as "12.3 MiB/s".
func rate(start time.Time) decor.Decorator {
	return decor.Any(func(s decor.Statistics) string {
		secs := time.Since(start).Seconds()
		if secs <= 0 {
			return ""
		}
		return fmt.Sprintf("% .1f/s", decor.SizeB1024(float64(s.Current)/secs))
	}, decor.WC{W: 13})
}

// Bytes implements transfer.Progress.
func (pr *progress) Bytes(n int64) {
	if pr != nil {
		pr.bytes.IncrInt64(n)
	}
}

// Done implements transfer.Progress.
func (pr *progress) Done(_ transfer.Item, err error) {
	if pr == nil {
		return
	}
	if err != nil {
		pr.failed.Add(1)
	}
	pr.files.Increment()
}

// finish completes the bars (at what was done, when some items failed or
// sizes were unknown) and waits for the last frame.
func (pr *progress) finish() {
	if pr == nil {
		return
	}
	for _, b := range []*mpb.Bar{pr.files, pr.bytes} {
		if !b.Completed() {
			b.SetTotal(-1, true)
		}
	}
	pr.p.Wait()
}

// reporter returns pr as a transfer.Progress, or nil when pr is nil (so the
// interface is nil too).
func (pr *progress) reporter() transfer.Progress {
	if pr == nil {
		return nil
	}
	return pr
}
