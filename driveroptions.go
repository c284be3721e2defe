package storage

import "fmt"

// DriverOptions is implemented by each driver's per-call options type
// (*s3.SaveOptions, *gcs.SaveOptions, *azure.SaveOptions,
// *filesystem.SaveOptions, *gocloud.SaveOptions), which travels in
// [SaveOptions.DriverOptions]. A third-party driver's options type
// implements it too, with a name of its own.
type DriverOptions interface {
	// DriverName names the driver the options are meant for ("s3",
	// "gcs", ...).
	DriverName() string
}

// OptionsFor returns v, a [SaveOptions.DriverOptions] value, as the options
// of the driver named driver, whose options type is T (a pointer type):
//
//   - v itself when it is a T;
//   - the zero T (nil) when v is nil or another driver's options, which are
//     ignored: a service that passes *s3.SaveOptions keeps working when its
//     configuration swaps S3 for another backend;
//   - an error matching ErrInvalidArgument otherwise: a value that is no
//     driver's options (see [DriverOptions]), or options naming this driver
//     of another type (a struct instead of a pointer to it).
//
// Drivers call it in Write; [Storage.Save] already refuses values that are
// no driver's options, so every driver treats them alike.
func OptionsFor[T DriverOptions](driver string, v any) (T, error) {
	var zero T
	switch o := v.(type) {
	case nil:
		return zero, nil
	case T:
		return o, nil
	case DriverOptions:
		if o.DriverName() != driver {
			return zero, nil
		}
	}
	return zero, fmt.Errorf("%w: %s: DriverOptions must be a %T, got %T", ErrInvalidArgument, driver, zero, v)
}

// checkDriverOptions refuses a DriverOptions value that no driver can take.
func checkDriverOptions(v any) error {
	if v == nil {
		return nil
	}
	if _, ok := v.(DriverOptions); !ok {
		return fmt.Errorf("DriverOptions must be a driver's options type (storage.DriverOptions, such as *s3.SaveOptions), got %T", v)
	}
	return nil
}
