package resources

import (
	"math"
	"testing"
)

func TestScalarFixedPoint(t *testing.T) {
	sum := ScalarFromFloat(0.1).Add(ScalarFromFloat(0.2))
	if sum.Float() != 0.3 {
		t.Errorf("0.1+0.2 = %v, want exactly 0.3", sum.Float())
	}
	if ScalarFromFloat(0.3).Sub(ScalarFromFloat(0.1)).Float() != 0.2 {
		t.Errorf("0.3-0.1 != 0.2")
	}
	tests := []struct {
		in   float64
		want Scalar
	}{
		{0, 0}, {1, 1000}, {0.0004, 0}, {0.0005, 1}, {-0.0005, -1}, {0.0015, 2},
		{1.2345, 1235}, {4096, 4096000}, {math.NaN(), 0},
		{1e300, math.MaxInt64}, {-1e300, math.MinInt64},
	}
	for _, tc := range tests {
		if got := ScalarFromFloat(tc.in); got != tc.want {
			t.Errorf("ScalarFromFloat(%v) = %d, want %d", tc.in, got, tc.want)
		}
	}
	if got := Scalar(math.MaxInt64).Add(1); got != math.MaxInt64 {
		t.Errorf("saturating add = %d", got)
	}
	if got := Scalar(math.MinInt64).Sub(1); got != math.MinInt64 {
		t.Errorf("saturating sub = %d", got)
	}
	if got := Scalar(0).Sub(math.MinInt64); got != math.MaxInt64 {
		t.Errorf("0 - MinInt64 = %d", got)
	}
}

func TestScalarString(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{4, "4"}, {0.1, "0.1"}, {4096, "4096"}, {0.3, "0.3"}, {1.5, "1.5"},
		{0.001, "0.001"}, {123456789.123, "123456789.123"}, {1e15, "1e+15"}, {1.0001, "1"},
	}
	for _, tc := range tests {
		if got := ScalarFromFloat(tc.in).String(); got != tc.want {
			t.Errorf("String(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
