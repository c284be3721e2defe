package benchmetrics

import "io"

// Drain reads r to its end into io.Discard and closes it, returning the
// bytes read: the body of a download benchmark, written as
// Drain(st.Open(ctx, name)) or Drain(bucket.NewReader(ctx, key, nil)).
// When err is not nil it returns err and leaves r alone.
func Drain(r io.ReadCloser, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	defer r.Close()
	return io.Copy(io.Discard, r)
}
