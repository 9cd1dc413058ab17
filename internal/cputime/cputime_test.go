package cputime

import "testing"

// TestNowAdvances: spinning costs CPU time that Now sees.
func TestNowAdvances(t *testing.T) {
	start := Now()
	x := 0
	for i := 0; Now()-start < 5e6 && i < 1e9; i++ {
		x += i
	}
	if Now() <= start {
		t.Fatalf("CPU time did not advance (%d)", x)
	}
}
