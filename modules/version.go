package modules

import "fmt"

// Versions is a range of a kind's contract versions that one side (the
// host or a module) speaks, Min through Max inclusive.
type Versions struct{ Min, Max int }

// Only is the range holding just v.
func Only(v int) Versions { return Versions{Min: v, Max: v} }

// Contains reports whether v is in the range.
func (v Versions) Contains(n int) bool { return v.Min <= n && n <= v.Max }

// Valid reports whether the range is non-empty and starts at 1 or later.
func (v Versions) Valid() bool { return v.Min >= 1 && v.Min <= v.Max }

func (v Versions) String() string {
	if v.Min == v.Max {
		return fmt.Sprintf("v%d", v.Min)
	}
	return fmt.Sprintf("v%d-v%d", v.Min, v.Max)
}

// Negotiate returns the highest version both the host and the module
// speak. The error wraps ErrAPIVersion and names both ranges.
func Negotiate(host, module Versions) (int, error) {
	if !module.Valid() {
		return 0, fmt.Errorf("%w: module speaks no valid version (%d-%d)", ErrAPIVersion, module.Min, module.Max)
	}
	if hi := min(host.Max, module.Max); hi >= max(host.Min, module.Min) {
		return hi, nil
	}
	return 0, fmt.Errorf("%w: module speaks %v, host speaks %v", ErrAPIVersion, module, host)
}
