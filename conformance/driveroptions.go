package conformance

import (
	"bytes"

	"github.com/go-storages/storage"
)

// otherDriverOptions are the per-call options of a driver that is not the
// one under test.
type otherDriverOptions struct{ StorageClass string }

func (*otherDriverOptions) DriverName() string { return "conformance-other-driver" }

// driverOptionCases check SaveOptions.DriverOptions (see storage.OptionsFor):
// another driver's options are ignored, so a service keeps working when
// configuration swaps its backend; a value that is no driver's options is
// ErrInvalidArgument and stores nothing. They run in the "save" group.
func driverOptionCases() []testCase {
	return []testCase{
		{"driver-options-of-another-driver-ignored", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			data := []byte("saved whatever backend the configuration chose")
			got, err := save(t, st, ctx, "other.txt", bytes.NewReader(data),
				storage.SaveOptions{DriverOptions: &otherDriverOptions{StorageClass: "GLACIER"}})
			if err != nil {
				t.Fatalf("Save with another driver's options: %v, want them ignored", err)
			}
			expectBytes(t, st, got, data)
		}},
		{"driver-options-of-no-driver-invalid", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			for _, v := range []any{42, "STANDARD_IA", otherDriverOptions{}, struct{}{}} {
				_, err := st.Save(ctx, "invalid.txt", bytes.NewReader([]byte("x")), storage.SaveOptions{DriverOptions: v})
				expectErr(t, "Save with DriverOptions that are no driver's options", err, storage.ErrInvalidArgument)
				expectMissing(t, st, "invalid.txt")
			}
		}},
	}
}
