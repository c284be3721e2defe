// Package wrap is the home of driver wrappers: each sub-package returns a
// func(storage.Driver) storage.Driver to pass to (*storage.Storage).Wrap, so
// wrappers compose around any storage, in any order:
//
//		st = st.Wrap(readonly.Wrap).
//			Wrap(instrument.Wrap(instrument.Options{Logger: slog.Default()}))
//
//	  - [github.com/go-storages/storage/wrap/readonly]: refuse every write with ErrPermission.
//	  - [github.com/go-storages/storage/wrap/instrument]: log/slog request logs and
//	    OpenTelemetry metrics and traces per operation, free when off (see BENCHMARKS.md).
//
// A wrapper sees the names the storage gives its driver: already validated
// and already carrying the storage's location prefix. A prefix is no
// wrapper: storage.WithLocation, or (*storage.Storage).Sub on an existing
// storage, keeps objects under one, and public URLs include it.
package wrap
