package resources

import "strings"

// Set items are kept in insertion order without duplicates, as Mesos keeps
// them; these helpers never modify their arguments.

// setSmall is the size product below which linear scans beat a map.
const setSmall = 64

// setIndex returns a membership test for items.
func setIndex(items []string, other int) func(string) bool {
	if len(items)*other <= setSmall {
		return func(s string) bool {
			for _, x := range items {
				if x == s {
					return true
				}
			}
			return false
		}
	}
	m := make(map[string]struct{}, len(items))
	for _, x := range items {
		m[x] = struct{}{}
	}
	return func(s string) bool { _, ok := m[s]; return ok }
}

// setAdd appends the items of b not already in a.
func setAdd(a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	has := setIndex(a, len(b))
	out := append(make([]string, 0, len(a)+len(b)), a...)
	for _, x := range b {
		if !has(x) {
			out = append(out, x)
		}
	}
	return out
}

// setSubtract returns the items of a not in b.
func setSubtract(a, b []string) []string {
	if len(a) == 0 || len(b) == 0 {
		return a
	}
	has := setIndex(b, len(a))
	out := make([]string, 0, len(a))
	for _, x := range a {
		if !has(x) {
			out = append(out, x)
		}
	}
	return out
}

// setContains reports whether every item of b is in a.
func setContains(a, b []string) bool {
	if len(b) > len(a) {
		return false
	}
	has := setIndex(a, len(b))
	for _, x := range b {
		if !has(x) {
			return false
		}
	}
	return true
}

// setEqual reports whether a and b hold the same items (in any order).
func setEqual(a, b []string) bool {
	return len(a) == len(b) && setContains(a, b)
}

// formatSet renders items as Mesos does: "{a, b}".
func formatSet(items []string) string {
	return "{" + strings.Join(items, ", ") + "}"
}
