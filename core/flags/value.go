package flags

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"

	"github.com/gomesos/mesos/core/units"
)

// Value is the interface to a flag's value, so that later code can add
// types (resources, URLs, JSON messages) without touching this package.
// Set receives the value after any file:// (or structured /path) contents
// have been read; String returns the value in the same grammar Set accepts,
// as --help, Values and the /flags endpoint show it.
type Value interface {
	Set(string) error
	String() string
}

// boolFlag is implemented by values that are booleans in Mesos's sense:
// they may be given as --name and --no-name without a value.
type boolFlag interface {
	Value
	IsBoolFlag() bool
}

type stringValue struct{ p *string }

func (v stringValue) Set(s string) error { *v.p = s; return nil }
func (v stringValue) String() string     { return *v.p }

type boolValue struct{ p *bool }

// Set accepts exactly what stout accepts: true, false, 1 and 0. Go's
// strconv.ParseBool would also take "t", "T" and "TRUE", which Mesos
// rejects; matching Mesos keeps configurations portable both ways.
func (v boolValue) Set(s string) error {
	switch s {
	case "true", "1":
		*v.p = true
	case "false", "0":
		*v.p = false
	default:
		return errors.New("Expecting a boolean (e.g., true or false)")
	}
	return nil
}
func (v boolValue) String() string   { return strconv.FormatBool(*v.p) }
func (v boolValue) IsBoolFlag() bool { return true }

type intValue struct{ p *int }

func (v intValue) Set(s string) error {
	n, err := strconv.ParseInt(s, 10, strconv.IntSize)
	if err != nil {
		return numError(s, err)
	}
	*v.p = int(n)
	return nil
}
func (v intValue) String() string { return strconv.Itoa(*v.p) }

type uintValue struct{ p *uint }

func (v uintValue) Set(s string) error {
	n, err := strconv.ParseUint(s, 10, strconv.IntSize)
	if err != nil {
		return numError(s, err)
	}
	*v.p = uint(n)
	return nil
}
func (v uintValue) String() string { return strconv.FormatUint(uint64(*v.p), 10) }

type uint64Value struct{ p *uint64 }

func (v uint64Value) Set(s string) error {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return numError(s, err)
	}
	*v.p = n
	return nil
}
func (v uint64Value) String() string { return strconv.FormatUint(*v.p, 10) }

type float64Value struct{ p *float64 }

// Set refuses NaN and infinities: no Mesos flag means them, and a NaN
// weight or headroom would poison every comparison downstream.
func (v float64Value) Set(s string) error {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return numError(s, err)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return errors.New("Expecting a finite number")
	}
	*v.p = f
	return nil
}
func (v float64Value) String() string { return strconv.FormatFloat(*v.p, 'g', -1, 64) }

type durationValue struct{ p *units.Duration }

func (v durationValue) Set(s string) error {
	d, err := units.ParseDuration(s)
	if err != nil {
		return err
	}
	*v.p = d
	return nil
}
func (v durationValue) String() string { return v.p.String() }

type bytesValue struct{ p *units.Bytes }

func (v bytesValue) Set(s string) error {
	b, err := units.ParseBytes(s)
	if err != nil {
		return err
	}
	*v.p = b
	return nil
}
func (v bytesValue) String() string { return v.p.String() }

type jsonValue struct{ p *json.RawMessage }

// Set checks that the value is one JSON document and keeps its bytes; the
// code that owns the flag decodes it into its own type. Checking here means
// a typo in --modules fails at start-up naming the flag.
func (v jsonValue) Set(s string) error {
	if !json.Valid([]byte(s)) {
		var x any
		err := json.Unmarshal([]byte(s), &x)
		if err == nil {
			err = errors.New("invalid JSON")
		}
		return errors.New("Failed to parse JSON: " + err.Error())
	}
	*v.p = append(json.RawMessage(nil), bytes.TrimSpace([]byte(s))...)
	return nil
}
func (v jsonValue) String() string { return string(*v.p) }

// numError phrases a strconv error the way stout's numify does, with the
// range case spelt out because "Failed to convert" alone is puzzling for a
// number that merely is too large.
func numError(s string, err error) error {
	var ne *strconv.NumError
	if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
		return errors.New("Failed to convert '" + s + "' to number: out of range")
	}
	return errors.New("Failed to convert '" + s + "' to number")
}
