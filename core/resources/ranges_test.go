package resources

import (
	"math"
	"testing"
)

func rs(pairs ...uint64) Ranges {
	var out Ranges
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, Range{pairs[i], pairs[i+1]})
	}
	return out
}

func TestNormalizeRanges(t *testing.T) {
	tests := []struct{ in, want Ranges }{
		{nil, Ranges{}},
		{rs(5, 10, 1, 2), rs(1, 2, 5, 10)},
		{rs(1, 2, 3, 4), rs(1, 4)},   // adjacent coalesce
		{rs(1, 5, 3, 8), rs(1, 8)},   // overlapping coalesce
		{rs(1, 10, 2, 3), rs(1, 10)}, // nested
		{rs(1, 1, 1, 1), rs(1, 1)},   // duplicates
		{rs(5, 1), Ranges{}},         // inverted dropped
		{rs(0, math.MaxUint64, 5, 6), rs(0, math.MaxUint64)},
		{rs(math.MaxUint64, math.MaxUint64, 0, 0), rs(0, 0, math.MaxUint64, math.MaxUint64)},
	}
	for _, tc := range tests {
		if got := NormalizeRanges(tc.in); !got.Equal(tc.want) {
			t.Errorf("Normalize(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestRangesArithmetic(t *testing.T) {
	add := []struct{ a, b, want Ranges }{
		{rs(1, 5), rs(6, 10), rs(1, 10)},
		{rs(1, 5), rs(7, 10), rs(1, 5, 7, 10)},
		{rs(1, 5, 20, 30), rs(4, 21), rs(1, 30)},
		{nil, rs(1, 2), rs(1, 2)},
		{rs(0, math.MaxUint64), rs(3, 4), rs(0, math.MaxUint64)},
	}
	for _, tc := range add {
		if got := tc.a.Add(tc.b); !got.Equal(tc.want) {
			t.Errorf("%v + %v = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
	sub := []struct{ a, b, want Ranges }{
		{rs(31000, 32000), rs(31001, 31004), rs(31000, 31000, 31005, 32000)}, // split
		{rs(1, 10), rs(1, 10), Ranges{}},
		{rs(1, 10), rs(0, 3), rs(4, 10)},
		{rs(1, 10), rs(8, 20), rs(1, 7)},
		{rs(1, 10), rs(20, 30), rs(1, 10)},
		{rs(1, 10, 20, 30), rs(5, 25), rs(1, 4, 26, 30)},
		{rs(1, 10), rs(2, 2, 4, 4, 6, 6), rs(1, 1, 3, 3, 5, 5, 7, 10)},
		{rs(0, math.MaxUint64), rs(0, 0), rs(1, math.MaxUint64)},
		{rs(0, math.MaxUint64), rs(math.MaxUint64, math.MaxUint64), rs(0, math.MaxUint64-1)},
	}
	for _, tc := range sub {
		if got := tc.a.Subtract(tc.b); !got.Equal(tc.want) {
			t.Errorf("%v - %v = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
	contains := []struct {
		a, b Ranges
		want bool
	}{
		{rs(1, 10), rs(2, 3, 5, 9), true},
		{rs(1, 10), rs(0, 3), false},
		{rs(1, 5, 7, 10), rs(4, 8), false},
		{rs(1, 5), nil, true},
		{nil, rs(1, 1), false},
	}
	for _, tc := range contains {
		if got := tc.a.Contains(tc.b); got != tc.want {
			t.Errorf("%v contains %v = %v", tc.a, tc.b, got)
		}
	}
	if got := rs(31000, 31000, 31005, 31010).String(); got != "[31000-31000, 31005-31010]" {
		t.Errorf("String = %q", got)
	}
	if got := rs(1, 10, 20, 20).Count(); got != 11 {
		t.Errorf("Count = %d", got)
	}
	if got := rs(0, math.MaxUint64).Count(); got != math.MaxUint64 {
		t.Errorf("Count saturates: %d", got)
	}
}
