package resources

import (
	"math"
	"strconv"
)

// Scalar is a scalar resource amount in Mesos's fixed-point form: an integer
// number of thousandths of a unit. Mesos keeps only three decimal digits of a
// scalar so that clients see predictable arithmetic; Scalar does the same.
type Scalar int64

// scalarMilli is the number of fixed-point steps per unit.
const scalarMilli = 1000

// twoTo63 is 2^63 as a float64, the first value past the int64 range.
const twoTo63 = 9223372036854775808.0

// ScalarFromFloat converts v to fixed point, rounding half away from zero
// (as C's llround does). Values outside the representable range saturate;
// NaN converts to zero. Validate rejects such inputs before they get here.
func ScalarFromFloat(v float64) Scalar {
	x := math.Round(v * scalarMilli)
	switch {
	case x != x:
		return 0
	case x >= twoTo63:
		return math.MaxInt64
	case x < -twoTo63:
		return math.MinInt64
	}
	return Scalar(x)
}

// scalarFits reports whether v converts to fixed point without saturating.
func scalarFits(v float64) bool {
	x := v * scalarMilli
	return x < twoTo63 && x > -twoTo63
}

// Float converts back to float64. Integer and fractional parts are converted
// separately, as Mesos does, so the division only sees values below 1000 and
// the result is the same double Mesos produces.
func (s Scalar) Float() float64 {
	return float64(int64(s)/scalarMilli) + float64(int64(s)%scalarMilli)/scalarMilli
}

// String renders s the way Mesos writes a scalar to a stream: 15 significant
// digits, trailing zeros dropped, exponent form only for very large or small
// magnitudes ("4", "0.1", "4096", "1e+20").
func (s Scalar) String() string {
	return formatScalar(s.Float())
}

func formatScalar(v float64) string {
	return strconv.FormatFloat(v, 'g', 15, 64)
}

// Add returns s+o, saturating at the int64 bounds.
func (s Scalar) Add(o Scalar) Scalar { return Scalar(satAdd(int64(s), int64(o))) }

// Sub returns s-o, saturating at the int64 bounds.
func (s Scalar) Sub(o Scalar) Scalar {
	if o == math.MinInt64 {
		if s >= 0 {
			return math.MaxInt64
		}
		return s - o
	}
	return Scalar(satAdd(int64(s), -int64(o)))
}

func satAdd(a, b int64) int64 {
	c := a + b
	if (a >= 0) == (b >= 0) && (c >= 0) != (a >= 0) {
		if a >= 0 {
			return math.MaxInt64
		}
		return math.MinInt64
	}
	return c
}

// scalarFromCount converts an item count (set items, range elements) to a
// fixed-point scalar, saturating.
func scalarFromCount(n uint64) Scalar {
	if n > math.MaxInt64/scalarMilli {
		return math.MaxInt64
	}
	return Scalar(n * scalarMilli)
}
