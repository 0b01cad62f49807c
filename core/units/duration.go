package units

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Duration is a span of time in nanoseconds, like time.Duration (and
// convertible to it), but parsed and printed in Mesos's format: a number
// followed by one of ns, us, ms, secs, mins, hrs, days, weeks.
type Duration time.Duration

// The units Mesos understands. Days and weeks are fixed lengths (24 hours,
// 7 days), as in stout.
const (
	Nanosecond  Duration = 1
	Microsecond          = 1000 * Nanosecond
	Millisecond          = 1000 * Microsecond
	Second               = 1000 * Millisecond
	Minute               = 60 * Second
	Hour                 = 60 * Minute
	Day                  = 24 * Hour
	Week                 = 7 * Day
)

// durationUnits lists the units from the smallest up; String relies on the
// order (each unit's predecessor is the next unit down).
var durationUnits = [...]struct {
	name string
	size Duration
}{
	{"ns", Nanosecond},
	{"us", Microsecond},
	{"ms", Millisecond},
	{"secs", Second},
	{"mins", Minute},
	{"hrs", Hour},
	{"days", Day},
	{"weeks", Week},
}

func durationUnit(name string) (Duration, bool) {
	for _, u := range durationUnits {
		if u.name == name {
			return u.size, true
		}
	}
	return 0, false
}

// ParseDuration parses a Mesos duration such as "5secs", "1.5hrs" or
// "100ms". Like stout's Duration::parse it takes a run of digits and dots
// followed by exactly one unit name, with no sign, spaces or exponent, and
// the error texts are stout's.
//
// Two deliberate differences from stout, both only visible at the edges:
// an integer count is multiplied exactly (stout goes through a double and
// loses precision above 2^53ns), and a fractional count is rounded to the
// nearest nanosecond rather than truncated (so "0.3secs" is 300ms even where
// the double product falls a hair short). Values beyond what an int64 of
// nanoseconds holds are rejected instead of overflowing.
func ParseDuration(s string) (Duration, error) {
	i := 0
	for i < len(s) && (isDigit(s[i]) || s[i] == '.') {
		i++
	}
	if i == len(s) {
		// No unit at all (this includes the empty string).
		return 0, fmt.Errorf("Invalid duration '%s'", s)
	}
	number, unitName := s[:i], s[i:]

	// stout converts the number before it looks at the unit; keep that
	// order so the same input gives the same complaint.
	var (
		whole    uint64
		fraction float64
		integral = true
	)
	for j := 0; j < len(number); j++ {
		if number[j] == '.' {
			integral = false
			break
		}
	}
	if integral {
		n, err := strconv.ParseUint(number, 10, 64)
		if err != nil {
			if number != "" && isRangeErr(err) {
				return 0, fmt.Errorf("Duration '%s' is out of range", s)
			}
			return 0, fmt.Errorf("Failed to convert '%s' to number", number)
		}
		whole = n
	} else {
		f, err := strconv.ParseFloat(number, 64)
		if err != nil {
			return 0, fmt.Errorf("Failed to convert '%s' to number", number)
		}
		fraction = f
	}

	unit, ok := durationUnit(unitName)
	if !ok {
		return 0, fmt.Errorf("Unknown duration unit '%s'; supported units are"+
			" 'ns', 'us', 'ms', 'secs', 'mins', 'hrs', 'days', and 'weeks'", unitName)
	}

	if integral {
		if whole > uint64(math.MaxInt64)/uint64(unit) {
			return 0, fmt.Errorf("Duration '%s' is out of range", s)
		}
		return Duration(whole) * unit, nil
	}
	ns := math.Round(fraction * float64(unit))
	// float64(math.MaxInt64) rounds up to 2^63, which does not fit.
	if ns >= float64(math.MaxInt64) {
		return 0, fmt.Errorf("Duration '%s' is out of range", s)
	}
	return Duration(ns), nil
}

// String formats d exactly as stout's operator<< does: it finds the largest
// unit not exceeding d, and prints d in that unit unless d is not a whole
// number of that unit but is a whole number of the next unit down, in
// which case the smaller unit reads better ("90secs", not "1.5mins";
// "1500ms", not "1.5secs"). Numbers are printed with 15 significant digits
// and no trailing zeros, like C++'s default stream format at precision
// digits10.
func (d Duration) String() string {
	sign := ""
	if d < 0 {
		sign = "-"
		if d == math.MinInt64 {
			// -MinInt64 does not fit; stout prints max() here too.
			d = math.MaxInt64
		} else {
			d = -d
		}
	}
	ns := int64(d)

	// Find the bucket: the largest unit that d reaches (ns if none).
	k := 0
	for k+1 < len(durationUnits) && d >= durationUnits[k+1].size {
		k++
	}
	if k > 0 {
		unit := int64(durationUnits[k].size)
		lower := int64(durationUnits[k-1].size)
		if ns%unit != 0 && ns%lower == 0 {
			k--
		}
	}
	u := durationUnits[k]
	if u.size == Nanosecond {
		return sign + strconv.FormatInt(ns, 10) + u.name
	}
	value := float64(ns) / float64(u.size)
	return sign + strconv.FormatFloat(value, 'g', 15, 64) + u.name
}

// Std returns d as a time.Duration, for timers and contexts.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// MarshalText writes d in Mesos's format, so that a Duration inside a
// JSON document (for example the /flags endpoint) reads "5secs".
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses Mesos's format (see ParseDuration).
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := ParseDuration(string(text))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}
