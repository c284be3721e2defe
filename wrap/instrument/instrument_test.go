package instrument_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
	"github.com/go-storages/storage/wrap/instrument"
)

type observed struct {
	reader *sdkmetric.ManualReader
	spans  *tracetest.InMemoryExporter
	logs   *bytes.Buffer
	st     *storage.Storage
	drv    *instrument.Driver
}

func setup(t *testing.T) *observed {
	o := &observed{reader: sdkmetric.NewManualReader(), spans: tracetest.NewInMemoryExporter(), logs: &bytes.Buffer{}}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(o.reader))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(o.spans))
	t.Cleanup(func() { mp.Shutdown(context.Background()); tp.Shutdown(context.Background()) })
	base, _ := memory.New()
	o.st = base.Wrap(func(d storage.Driver) storage.Driver {
		w, err := instrument.New(d, instrument.Options{
			Storage:        "media",
			Logger:         slog.New(slog.NewJSONHandler(o.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
			Level:          slog.LevelDebug,
			MeterProvider:  mp,
			TracerProvider: tp,
		})
		if err != nil {
			t.Fatal(err)
		}
		o.drv = w
		return w
	})
	return o
}

// sums returns the value of every data point of a counter, keyed by
// "op/error.type".
func (o *observed) sums(t *testing.T, metricName string) map[string]int64 {
	var rm metricdata.ResourceMetrics
	if err := o.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != metricName {
				continue
			}
			switch data := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, dp := range data.DataPoints {
					out[key(dp.Attributes)] = dp.Value
				}
			case metricdata.Histogram[float64]:
				for _, dp := range data.DataPoints {
					out[key(dp.Attributes)] = int64(dp.Count)
				}
			}
		}
	}
	return out
}

func key(s attribute.Set) string {
	op, _ := s.Value("storage.operation")
	et, _ := s.Value("error.type")
	if name, _ := s.Value("storage.name"); name.AsString() != "media" {
		return "missing storage.name"
	}
	return op.AsString() + "/" + et.AsString()
}

func TestMetricsTracesLogs(t *testing.T) {
	ctx := context.Background()
	o := setup(t)
	name, err := o.st.Save(ctx, "a.txt", strings.NewReader("hello"), storage.SaveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := o.st.Open(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(f); string(b) != "hello" {
		t.Fatalf("read %q", b)
	}
	f.Close()
	if ok, _ := o.st.Exists(ctx, "missing"); ok {
		t.Fatal("missing exists")
	}
	if _, err := o.st.Save(ctx, name, strings.NewReader("x"), storage.SaveOptions{Conflict: storage.Fail}); !errors.Is(err, storage.ErrExist) {
		t.Fatalf("Save of a taken name with Fail: %v", err)
	}
	for range o.st.List(ctx, "", storage.ListOptions{}) {
	}

	calls := o.sums(t, "storage.operations")
	want := map[string]int64{"write/": 1, "read/": 1, "stat/not_exist": 1, "write/exist": 1, "list/": 1}
	for k, v := range want {
		if calls[k] != v {
			t.Errorf("storage.operations[%s] = %d, want %d (all: %v)", k, calls[k], v, calls)
		}
	}
	if errs := o.sums(t, "storage.errors"); errs["stat/not_exist"] != 1 || errs["write/exist"] != 1 || len(errs) != 2 {
		t.Errorf("storage.errors = %v", errs)
	}
	if n := o.sums(t, "storage.bytes"); n["write/"] != 6 || n["read/"] != 5 { // 5 + the byte the failed write read before its conflict
		t.Errorf("storage.bytes = %v", n)
	}
	if h := o.sums(t, "storage.operation.duration"); h["write/"] != 1 || h["stat/not_exist"] != 1 {
		t.Errorf("duration counts = %v", h)
	}

	spans := o.spans.GetSpans()
	var names []string
	for _, s := range spans {
		names = append(names, s.Name)
		if s.Name == "storage.stat" && s.Status.Code != codes.Error {
			t.Errorf("failed stat span status %v", s.Status)
		}
	}
	if strings.Join(names, ",") != "storage.write,storage.read,storage.stat,storage.write,storage.list" {
		t.Errorf("spans = %v", names)
	}

	var levels []string
	dec := json.NewDecoder(o.logs)
	for {
		var rec map[string]any
		if err := dec.Decode(&rec); err != nil {
			break
		}
		levels = append(levels, rec["op"].(string)+":"+rec["level"].(string))
		if rec["storage"] != "media" {
			t.Errorf("log record without storage name: %v", rec)
		}
	}
	if strings.Join(levels, ",") != "write:DEBUG,read:DEBUG,stat:DEBUG,write:WARN,list:DEBUG" {
		t.Errorf("log levels = %v", levels)
	}
}

func TestDisabled(t *testing.T) {
	ctx := context.Background()
	o := setup(t)
	o.drv.SetEnabled(false)
	if o.drv.Enabled() {
		t.Fatal("still enabled")
	}
	o.st.Save(ctx, "a", strings.NewReader("x"), storage.SaveOptions{})
	o.st.Stat(ctx, "a")
	if len(o.spans.GetSpans()) != 0 || o.logs.Len() != 0 || len(o.sums(t, "storage.operations")) != 0 {
		t.Fatal("observed while disabled")
	}
	o.drv.SetEnabled(true)
	o.st.Stat(ctx, "a")
	if len(o.spans.GetSpans()) != 1 {
		t.Fatal("not observed after re-enabling")
	}
	// Nothing configured: it cannot be turned on.
	w, _ := instrument.New(memory.NewDriver(), instrument.Options{})
	w.SetEnabled(true)
	if w.Enabled() {
		t.Fatal("enabled with nothing to record")
	}
}

func TestKeepsRandomAccess(t *testing.T) {
	ctx := context.Background()
	o := setup(t)
	o.st.Save(ctx, "a", strings.NewReader("0123456789"), storage.SaveOptions{})
	f, err := o.st.Open(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p := make([]byte, 3)
	if _, err := f.ReadAt(p, 5); err != nil || string(p) != "567" {
		t.Fatalf("ReadAt: %q %v", p, err)
	}
	if _, err := f.Seek(8, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	if string(b) != "89" {
		t.Fatalf("after seek: %q", b)
	}
}

// gotInput records the reader the driver under the wrapper was given.
type gotInput struct {
	storage.Driver
	r io.Reader
}

func (g *gotInput) Write(ctx context.Context, name string, r io.Reader, o *storage.WriteOptions) error {
	g.r = r
	return g.Driver.Write(ctx, name, r, o)
}

// TestHandsTheInputOver: a file reaches the driver under the wrapper as
// the caller's *os.File (its io.ReaderAt, io.Seeker and the filesystem's
// copy_file_range kept), a stream is counted as it is read, and both
// record the bytes written.
func TestHandsTheInputOver(t *testing.T) {
	ctx := t.Context()
	o := setup(t)
	var g *gotInput
	base, _ := memory.New()
	st := base.Wrap(func(d storage.Driver) storage.Driver {
		g = &gotInput{Driver: d}
		w, err := instrument.New(g, instrument.Options{Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		return w
	})
	f, err := os.Create(filepath.Join(t.TempDir(), "in"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("0123456789"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(2, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Save(ctx, "f.bin", f, storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if g.r != io.Reader(f) {
		t.Fatalf("the driver got %T, want the caller's *os.File", g.r)
	}
	if _, err := st.Save(ctx, "s.bin", io.LimitReader(strings.NewReader("abc"), 3), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, ok := g.r.(io.Seeker); ok {
		t.Fatalf("the driver got a Seeker (%T) for a stream", g.r)
	}

	// Bytes written, through the metrics of the setup's storage: a
	// bytes.Reader from offset 2 and a stream.
	in := bytes.NewReader([]byte("0123456789"))
	in.Seek(2, io.SeekStart)
	if _, err := o.st.Save(ctx, "r.bin", in, storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := o.st.Save(ctx, "s.bin", io.LimitReader(strings.NewReader("abcd"), 4), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := o.sums(t, "storage.bytes")["write/"]; got != 8+4 {
		t.Fatalf("storage.bytes of the writes = %d, want 12", got)
	}
}
