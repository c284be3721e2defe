//go:build unix

package instrument_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/benchmetrics"
	"github.com/go-storages/storage/memory"
	"github.com/go-storages/storage/wrap/instrument"
)

// benchStorages returns the memory storage bare (wrap=none), under a
// configured but disabled instrument wrapper (wrap=off) and under an enabled
// one (wrap=on: slog JSON to io.Discard, SDK meter with a manual reader, SDK
// tracer with a discarding in-memory exporter).
func benchStorages(b *testing.B) map[string]*storage.Storage {
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	exp := tracetest.NewNoopExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	b.Cleanup(func() { mp.Shutdown(context.Background()); tp.Shutdown(context.Background()) })
	opts := instrument.Options{
		Storage:        "bench",
		Logger:         slog.New(slog.NewJSONHandler(io.Discard, nil)),
		MeterProvider:  mp,
		TracerProvider: tp,
	}
	none, _ := memory.New()
	off, _ := memory.New()
	off = off.Wrap(func(d storage.Driver) storage.Driver {
		w, _ := instrument.New(d, opts)
		w.SetEnabled(false)
		return w
	})
	on, _ := memory.New()
	on = on.Wrap(instrument.Wrap(opts))
	return map[string]*storage.Storage{"none": none, "off": off, "on": on}
}

var modes = []string{"none", "off", "on"}

// loop runs op b.N times and reports cpu-ns/op.
func loop(b *testing.B, op func()) {
	b.ReportAllocs()
	start := benchmetrics.CPU()
	n := 0
	for b.Loop() {
		op()
		n++
	}
	b.ReportMetric(float64(benchmetrics.CPU()-start)/float64(n), "cpu-ns/op")
}

func BenchmarkStat(b *testing.B) {
	ctx := context.Background()
	sts := benchStorages(b)
	for _, m := range modes {
		st := sts[m]
		st.Save(ctx, "obj", bytes.NewReader(make([]byte, 4096)), storage.SaveOptions{})
		b.Run("wrap="+m, func(b *testing.B) {
			loop(b, func() {
				if _, err := st.Stat(ctx, "obj"); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

func BenchmarkSave4KiB(b *testing.B) {
	ctx := context.Background()
	sts := benchStorages(b)
	data := make([]byte, 4096)
	for _, m := range modes {
		st := sts[m]
		b.Run("wrap="+m, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			loop(b, func() {
				if _, err := st.Save(ctx, "obj", bytes.NewReader(data), storage.SaveOptions{ContentType: "application/octet-stream", Conflict: storage.Overwrite}); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

func BenchmarkOpenRead4KiB(b *testing.B) {
	ctx := context.Background()
	sts := benchStorages(b)
	buf := make([]byte, 8192)
	for _, m := range modes {
		st := sts[m]
		st.Save(ctx, "obj", bytes.NewReader(make([]byte, 4096)), storage.SaveOptions{})
		b.Run("wrap="+m, func(b *testing.B) {
			b.SetBytes(4096)
			loop(b, func() {
				f, err := st.Open(ctx, "obj")
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.ReadFull(f, buf[:4096]); err != nil {
					b.Fatal(err)
				}
				f.Close()
			})
		})
	}
}
