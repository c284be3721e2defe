package instrument_test

import (
	"context"
	"log/slog"
	"os"
	"strings"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
	"github.com/go-storages/storage/wrap/instrument"
)

func Example() {
	ctx := context.Background()
	// Drop the time and duration so the output is stable.
	log := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "duration" {
				return slog.Attr{}
			}
			return a
		},
	}))
	st, _ := memory.New()
	// Add MeterProvider and TracerProvider (otel.GetMeterProvider(), ...)
	// for metrics and traces.
	st = st.Wrap(instrument.Wrap(instrument.Options{Storage: "media", Logger: log}))
	st.Save(ctx, "a.txt", strings.NewReader("hello"), storage.SaveOptions{})
	st.Exists(ctx, "b.txt")
	// Output:
	// level=INFO msg="storage call" storage=media op=write object=a.txt bytes=5
	// level=INFO msg="storage call" storage=media op=stat object=b.txt error.type=not_exist error="storage: object does not exist"
}
