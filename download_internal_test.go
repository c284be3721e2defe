package storage

import "testing"

// The read budget hands out whole parts, never more than it holds.
func TestReadBudgetParts(t *testing.T) {
	a := takeParts(4, 4<<20)
	b := takeParts(4, 4<<20)
	c := takeParts(64, 2<<20)
	d := takeParts(3, ReadBudget)
	if a != 4 || b != 0 || c != 0 || d != 0 {
		t.Fatalf("parts taken: %d, %d, %d, %d; want 4, 0, 0, 0", a, b, c, d)
	}
	giveParts(a, 4<<20)
	if c = takeParts(64, 2<<20); c != ReadBudget/(2<<20) {
		t.Fatalf("parts of 2 MiB taken: %d, want %d", c, ReadBudget/(2<<20))
	}
	if e := takeParts(2, 1<<20); e != 0 {
		t.Fatalf("parts taken from a spent budget: %d", e)
	}
	giveParts(c, 2<<20)
	if readBudget.used != 0 {
		t.Fatalf("%d bytes of the budget still taken", readBudget.used)
	}
}
