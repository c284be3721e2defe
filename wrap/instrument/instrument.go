// Package instrument is a driver wrapper that observes every operation of a
// storage: a log/slog record per call, and OpenTelemetry metrics and traces
// per operation (calls, errors, latency, bytes).
//
//	st = st.Wrap(instrument.Wrap(instrument.Options{
//		Storage:        "media",
//		Logger:         slog.Default(),
//		MeterProvider:  otel.GetMeterProvider(),
//		TracerProvider: otel.GetTracerProvider(),
//	}))
//
// Each signal is off when its field is nil, and the wrapper costs nothing
// measurable when all are off or when it is disabled with SetEnabled(false):
// each call is then one atomic load and a direct call to the wrapped driver
// (see wrap/BENCHMARKS.md).
//
// # Metrics
//
// Instruments of the meter "github.com/go-storages/storage/wrap/instrument":
//
//   - storage.operations (counter, {call}): every call.
//   - storage.errors (counter, {call}): failed calls.
//   - storage.operation.duration (histogram, s): latency of each call (for
//     list: of the whole iteration; for read: until the body is returned).
//   - storage.bytes (counter, By): bytes written by write and read by read
//     (counted as the body is consumed, recorded when it is closed). A
//     seekable input (a file, a bytes.Reader) reaches the driver as it is,
//     so the driver's file path (S3's parts and Azure's sections read at
//     offsets, the filesystem's copy_file_range) is kept: its write counts
//     the size written when it succeeds, else how far its position moved.
//
// Attributes: storage.operation (write, read, stat, delete, list, copy,
// signed_url), storage.name (Options.Storage, when set) and, on failures,
// error.type: the kind of error (not_exist, exist, invalid_name, permission,
// unsupported, checksum, invalid_argument, bucket_not_exist, canceled,
// deadline_exceeded or other).
//
// # Traces and logs
//
// One client span per call, named "storage.<operation>", with the attributes
// above plus storage.object (the object name or list prefix, as the driver
// sees it) and storage.bytes. Log records carry the same fields at
// Options.Level, or at Warn for failures other than not_exist.
package instrument

import (
	"context"
	"errors"
	"io"
	"iter"
	"log/slog"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/go-storages/storage"
)

// ScopeName is the instrumentation scope of the meter and tracer.
const ScopeName = "github.com/go-storages/storage/wrap/instrument"

// Options choose what is observed. The zero value observes nothing.
type Options struct {
	// Storage names the storage ("default", "media") in every record.
	Storage string
	// Logger receives one record per call; nil logs nothing.
	Logger *slog.Logger
	// Level of the record of a successful call (the zero value is Info).
	// Failed calls are logged at Warn when Level is lower, except
	// not_exist, which is logged at Level (a failed Exists is routine).
	Level slog.Level
	// MeterProvider provides the metrics; nil records none.
	MeterProvider metric.MeterProvider
	// TracerProvider provides the spans; nil records none.
	TracerProvider trace.TracerProvider
}

// Wrap returns the wrapper; pass it to (*storage.Storage).Wrap. It panics
// only if the meter provider fails to create an instrument, which the
// OpenTelemetry SDK never does for these names.
func Wrap(opts Options) func(storage.Driver) storage.Driver {
	return func(d storage.Driver) storage.Driver {
		w, err := New(d, opts)
		if err != nil {
			panic(err)
		}
		return w
	}
}

type op int

const (
	opWrite op = iota
	opRead
	opStat
	opDelete
	opList
	opCopy
	opSignedURL
	numOps
)

var opNames = [numOps]string{"write", "read", "stat", "delete", "list", "copy", "signed_url"}

var errorTypes = []string{"not_exist", "exist", "invalid_name", "permission", "unsupported", "checksum", "invalid_argument", "bucket_not_exist", "canceled", "deadline_exceeded", "other"}

var kindNames = map[error]string{
	storage.ErrNotExist:        "not_exist",
	storage.ErrExist:           "exist",
	storage.ErrInvalidName:     "invalid_name",
	storage.ErrPermission:      "permission",
	storage.ErrUnsupported:     "unsupported",
	storage.ErrChecksum:        "checksum",
	storage.ErrInvalidArgument: "invalid_argument",
	storage.ErrBucketNotExist:  "bucket_not_exist",
}

// Driver is the wrapping driver.
type Driver struct {
	next    storage.Driver
	on      atomic.Bool
	canOn   bool
	storage string

	log   *slog.Logger
	level slog.Level

	tracer trace.Tracer

	calls, errs, bytes metric.Int64Counter
	dur                metric.Float64Histogram

	ops [numOps]opInfo
}

type opInfo struct {
	name     string
	spanName string
	attrs    []attribute.KeyValue
	ok       metric.MeasurementOption
	failed   map[string]metric.MeasurementOption
}

// New wraps d; see [Wrap].
func New(d storage.Driver, opts Options) (*Driver, error) {
	w := &Driver{next: d, storage: opts.Storage, log: opts.Logger, level: opts.Level}
	if opts.TracerProvider != nil {
		w.tracer = opts.TracerProvider.Tracer(ScopeName)
	}
	if mp := opts.MeterProvider; mp != nil {
		m := mp.Meter(ScopeName)
		var err, e error
		w.calls, e = m.Int64Counter("storage.operations", metric.WithUnit("{call}"), metric.WithDescription("Storage operations."))
		err = errors.Join(err, e)
		w.errs, e = m.Int64Counter("storage.errors", metric.WithUnit("{call}"), metric.WithDescription("Failed storage operations."))
		err = errors.Join(err, e)
		w.bytes, e = m.Int64Counter("storage.bytes", metric.WithUnit("By"), metric.WithDescription("Bytes written and read."))
		err = errors.Join(err, e)
		w.dur, e = m.Float64Histogram("storage.operation.duration", metric.WithUnit("s"), metric.WithDescription("Latency of storage operations."))
		if err = errors.Join(err, e); err != nil {
			return nil, err
		}
	}
	for i := range numOps {
		base := []attribute.KeyValue{attribute.String("storage.operation", opNames[i])}
		if opts.Storage != "" {
			base = append(base, attribute.String("storage.name", opts.Storage))
		}
		info := opInfo{
			name:     opNames[i],
			spanName: "storage." + opNames[i],
			attrs:    base,
			ok:       metric.WithAttributeSet(attribute.NewSet(base...)),
			failed:   map[string]metric.MeasurementOption{},
		}
		for _, t := range errorTypes {
			kv := append(append([]attribute.KeyValue(nil), base...), attribute.String("error.type", t))
			info.failed[t] = metric.WithAttributeSet(attribute.NewSet(kv...))
		}
		w.ops[i] = info
	}
	w.canOn = w.log != nil || w.tracer != nil || w.calls != nil
	w.on.Store(w.canOn)
	return w, nil
}

// SetEnabled turns observation on or off at run time; off, each call costs
// one atomic load. It cannot turn on a wrapper given no logger, meter or
// tracer.
func (d *Driver) SetEnabled(on bool) { d.on.Store(on && d.canOn) }

// Enabled reports whether calls are observed.
func (d *Driver) Enabled() bool { return d.on.Load() }

// Unwrap returns the wrapped driver.
func (d *Driver) Unwrap() storage.Driver { return d.next }

type call struct {
	op    op
	name  string
	start time.Time
	span  trace.Span
}

func (d *Driver) begin(ctx context.Context, o op, name string) (context.Context, call) {
	c := call{op: o, name: name, start: time.Now()}
	if d.tracer != nil {
		attrs := append(d.ops[o].attrs[:len(d.ops[o].attrs):len(d.ops[o].attrs)], attribute.String("storage.object", name))
		ctx, c.span = d.tracer.Start(ctx, d.ops[o].spanName, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	}
	return ctx, c
}

// errorType names the kind of err for the error.type attribute.
func (d *Driver) errorType(err error) string {
	switch {
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline_exceeded"
	}
	if n, ok := kindNames[storage.DriverKind(d.next, err)]; ok {
		return n
	}
	return "other"
}

func (d *Driver) end(ctx context.Context, c call, err error, n int64) {
	elapsed := time.Since(c.start)
	info := &d.ops[c.op]
	et := ""
	if err != nil {
		et = d.errorType(err)
	}
	if d.calls != nil {
		attrs := info.ok
		if err != nil {
			attrs = info.failed[et]
			d.errs.Add(ctx, 1, attrs)
		}
		d.calls.Add(ctx, 1, attrs)
		d.dur.Record(ctx, elapsed.Seconds(), attrs)
		if n > 0 {
			d.bytes.Add(ctx, n, info.ok)
		}
	}
	if c.span != nil {
		if n > 0 {
			c.span.SetAttributes(attribute.Int64("storage.bytes", n))
		}
		if err != nil {
			c.span.SetAttributes(attribute.String("error.type", et))
			c.span.RecordError(err)
			c.span.SetStatus(codes.Error, et)
		}
		c.span.End()
	}
	if d.log != nil {
		level := d.level
		if err != nil && et != "not_exist" && level < slog.LevelWarn {
			level = slog.LevelWarn
		}
		if d.log.Enabled(ctx, level) {
			attrs := make([]slog.Attr, 0, 6)
			if d.storage != "" {
				attrs = append(attrs, slog.String("storage", d.storage))
			}
			attrs = append(attrs, slog.String("op", info.name), slog.String("object", c.name), slog.Duration("duration", elapsed))
			if n > 0 {
				attrs = append(attrs, slog.Int64("bytes", n))
			}
			if err != nil {
				attrs = append(attrs, slog.String("error.type", et), slog.String("error", err.Error()))
			}
			d.log.LogAttrs(ctx, level, "storage call", attrs...)
		}
	}
}

// Capabilities implements storage.Driver.
func (d *Driver) Capabilities() storage.Capabilities { return d.next.Capabilities() }

// Write implements storage.Driver.
func (d *Driver) Write(ctx context.Context, name string, r io.Reader, opts *storage.WriteOptions) error {
	if !d.on.Load() {
		return d.next.Write(ctx, name, r, opts)
	}
	ctx, c := d.begin(ctx, opWrite, name)
	in := countInput(r)
	err := d.next.Write(ctx, name, in.r, opts)
	d.end(ctx, c, err, in.written(err, opts))
	return err
}

// WriteRenaming implements storage.RenamingWriter when the driver under it
// does (and returns an error matching storage.ErrUnsupported otherwise).
func (d *Driver) WriteRenaming(ctx context.Context, name string, r io.Reader, opts *storage.WriteOptions, next func(string) (string, error)) (string, error) {
	rw, ok := d.next.(storage.RenamingWriter)
	if !ok {
		return "", storage.ErrUnsupported
	}
	if !d.on.Load() {
		return rw.WriteRenaming(ctx, name, r, opts, next)
	}
	ctx, c := d.begin(ctx, opWrite, name)
	in := countInput(r)
	final, err := rw.WriteRenaming(ctx, name, in.r, opts, next)
	d.end(ctx, c, err, in.written(err, opts))
	return final, err
}

// Read implements storage.Driver.
func (d *Driver) Read(ctx context.Context, name string, req storage.ReadRequest) (io.ReadCloser, *storage.Attributes, error) {
	if !d.on.Load() {
		return d.next.Read(ctx, name, req)
	}
	ctx, c := d.begin(ctx, opRead, name)
	body, attrs, err := d.next.Read(ctx, name, req)
	d.end(ctx, c, err, 0)
	if err != nil {
		return body, attrs, err
	}
	return d.countBody(ctx, body), attrs, nil
}

// Stat implements storage.Driver.
func (d *Driver) Stat(ctx context.Context, name string) (*storage.Attributes, error) {
	if !d.on.Load() {
		return d.next.Stat(ctx, name)
	}
	ctx, c := d.begin(ctx, opStat, name)
	a, err := d.next.Stat(ctx, name)
	d.end(ctx, c, err, 0)
	return a, err
}

// Delete implements storage.Driver.
func (d *Driver) Delete(ctx context.Context, name string) error {
	if !d.on.Load() {
		return d.next.Delete(ctx, name)
	}
	ctx, c := d.begin(ctx, opDelete, name)
	err := d.next.Delete(ctx, name)
	rec := err
	if rec != nil && d.errorType(rec) == "not_exist" {
		rec = nil // deleting a missing object is a success
	}
	d.end(ctx, c, rec, 0)
	return err
}

// List implements storage.Driver.
func (d *Driver) List(ctx context.Context, prefix string, opts storage.ListOptions) iter.Seq2[storage.Entry, error] {
	if !d.on.Load() {
		return d.next.List(ctx, prefix, opts)
	}
	return func(yield func(storage.Entry, error) bool) {
		ctx, c := d.begin(ctx, opList, prefix)
		var failed error
		for e, err := range d.next.List(ctx, prefix, opts) {
			if err != nil {
				failed = err
			}
			if !yield(e, err) || err != nil {
				break
			}
		}
		d.end(ctx, c, failed, 0)
	}
}

// Copy implements storage.Driver.
func (d *Driver) Copy(ctx context.Context, dst, src string, exclusive bool) error {
	if !d.on.Load() {
		return d.next.Copy(ctx, dst, src, exclusive)
	}
	ctx, c := d.begin(ctx, opCopy, dst)
	err := d.next.Copy(ctx, dst, src, exclusive)
	d.end(ctx, c, err, 0)
	return err
}

// SignedURL implements storage.Driver.
func (d *Driver) SignedURL(ctx context.Context, name string, opts storage.SignOptions) (string, error) {
	if !d.on.Load() {
		return d.next.SignedURL(ctx, name, opts)
	}
	ctx, c := d.begin(ctx, opSignedURL, name)
	u, err := d.next.SignedURL(ctx, name, opts)
	d.end(ctx, c, err, 0)
	return u, err
}

// ErrorKind implements storage.Driver.
func (d *Driver) ErrorKind(err error) error { return d.next.ErrorKind(err) }

// ErrorText implements storage.ErrorTexter when the wrapped driver does.
func (d *Driver) ErrorText(err error) string {
	if t, ok := d.next.(storage.ErrorTexter); ok {
		return t.ErrorText(err)
	}
	return ""
}

// Close implements storage.Driver.
func (d *Driver) Close() error { return d.next.Close() }
