package units

import (
	"math"
	"testing"
)

// closeEnough reports whether got is within what printing d with 15
// significant digits can lose. stout's format is exact whenever d is a
// whole number of the unit it picks; otherwise (say 1weeks+1ns) it prints a
// 15-digit fraction and the round trip is only approximate.
func closeEnough(d, got Duration) bool {
	if d == got {
		return true
	}
	diff := math.Abs(float64(d) - float64(got))
	return diff <= math.Abs(float64(d))*1e-14+1
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"5secs", "1.5secs", "15mins", "2hrs", "100ms", "0ns", "1weeks",
		".5us", "1.2.3secs", "", "secs", "9223372036854775807ns", "15250.2844524715weeks", "1e3secs"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("ParseDuration(%q) = %d, negative", s, int64(d))
		}
		out := d.String()
		back, err := ParseDuration(out)
		if err != nil {
			t.Fatalf("ParseDuration(%q) = %d prints %q which does not parse: %v", s, int64(d), out, err)
		}
		if !closeEnough(d, back) {
			t.Fatalf("round trip %q -> %d -> %q -> %d", s, int64(d), out, int64(back))
		}
	})
}

func FuzzDurationString(f *testing.F) {
	for _, n := range []int64{0, 1, 999, 1000, 1500000, 90e9, 3600e9, 604800e9 + 1, math.MaxInt64} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n int64) {
		d := Duration(n)
		out := d.String()
		if d < 0 {
			// Negative durations print (with a sign) but do not parse,
			// as in stout.
			if _, err := ParseDuration(out); err == nil {
				t.Fatalf("negative %q parsed", out)
			}
			return
		}
		back, err := ParseDuration(out)
		if err != nil {
			t.Fatalf("%d prints %q which does not parse: %v", n, out, err)
		}
		if !closeEnough(d, back) {
			t.Fatalf("round trip %d -> %q -> %d", n, out, int64(back))
		}
	})
}

func FuzzParseBytes(f *testing.F) {
	for _, s := range []string{"512MB", "1GB", "2gb", "0B", "1024", "1.5GB", "", "18446744073709551615B", "16777216TB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseBytes(s)
		if err != nil {
			return
		}
		out := b.String()
		back, err := ParseBytes(out)
		if err != nil {
			t.Fatalf("ParseBytes(%q) = %d prints %q which does not parse: %v", s, uint64(b), out, err)
		}
		if back != b {
			t.Fatalf("round trip %q -> %d -> %q -> %d", s, uint64(b), out, uint64(back))
		}
		if back.String() != out {
			t.Fatalf("format not stable: %q then %q", out, back.String())
		}
	})
}
