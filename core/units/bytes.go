package units

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Bytes is a size in bytes, parsed and printed in Mesos's format: a whole
// number followed by B, KB, MB, GB or TB, where each unit is 1024 times the
// one before (as in stout; Mesos never uses powers of 1000).
type Bytes uint64

// The units Mesos understands.
const (
	Byte     Bytes = 1
	Kilobyte       = 1024 * Byte
	Megabyte       = 1024 * Kilobyte
	Gigabyte       = 1024 * Megabyte
	Terabyte       = 1024 * Gigabyte
)

// ParseBytes parses a Mesos byte size such as "512MB" or "2GB". Like
// stout's Bytes::parse it takes a run of digits followed by a unit, the
// unit in any case ("512mb" is accepted), with no fraction, sign or spaces,
// and a bare number without unit is refused; the error texts are stout's.
// Unlike stout, a size that does not fit in 64 bits is an error rather
// than silently wrapping.
func ParseBytes(s string) (Bytes, error) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '.' {
		return 0, fmt.Errorf("Fractional bytes '%s'", s)
	}
	if i == len(s) {
		return 0, fmt.Errorf("Invalid bytes '%s'", s)
	}
	number := s[:i]
	n, err := strconv.ParseUint(number, 10, 64)
	if err != nil {
		if number != "" && isRangeErr(err) {
			return 0, fmt.Errorf("Bytes '%s' is out of range", s)
		}
		return 0, fmt.Errorf("Failed to convert '%s' to number", number)
	}

	var unit Bytes
	switch u := strings.ToUpper(s[i:]); u {
	case "B":
		unit = Byte
	case "KB":
		unit = Kilobyte
	case "MB":
		unit = Megabyte
	case "GB":
		unit = Gigabyte
	case "TB":
		unit = Terabyte
	default:
		return 0, fmt.Errorf("Unknown bytes unit '%s'", u)
	}
	if n > math.MaxUint64/uint64(unit) {
		return 0, fmt.Errorf("Bytes '%s' is out of range", s)
	}
	return Bytes(n) * unit, nil
}

// String formats b as stout does: in the largest unit that divides it
// exactly, so no information is lost ("1GB", "1536MB", "1000B"). Zero is
// "0B"; anything from 1024TB up stays in TB.
func (b Bytes) String() string {
	n := uint64(b)
	switch {
	case n == 0 || n%1024 != 0:
		return strconv.FormatUint(n, 10) + "B"
	case (n/uint64(Kilobyte))%1024 != 0:
		return strconv.FormatUint(n/uint64(Kilobyte), 10) + "KB"
	case (n/uint64(Megabyte))%1024 != 0:
		return strconv.FormatUint(n/uint64(Megabyte), 10) + "MB"
	case (n/uint64(Gigabyte))%1024 != 0:
		return strconv.FormatUint(n/uint64(Gigabyte), 10) + "GB"
	default:
		return strconv.FormatUint(n/uint64(Terabyte), 10) + "TB"
	}
}

// MarshalText writes b in Mesos's format ("2GB").
func (b Bytes) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// UnmarshalText parses Mesos's format (see ParseBytes).
func (b *Bytes) UnmarshalText(text []byte) error {
	v, err := ParseBytes(string(text))
	if err != nil {
		return err
	}
	*b = v
	return nil
}
