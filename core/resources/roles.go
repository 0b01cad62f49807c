package resources

import (
	"fmt"
	"strings"
)

// roleInvalidChars are the characters a role component may not contain:
// tab, line feed, vertical tab, form feed, carriage return, space, DEL.
const roleInvalidChars = "\x09\x0a\x0b\x0c\x0d\x20\x7f"

// ValidateRole checks a role name with Mesos's rules: "*" is valid; other
// roles are '/'-separated paths whose components are not empty, ".", "..",
// or "*", do not start with '-', and contain no whitespace or DEL.
func ValidateRole(role string) error {
	if role == "*" {
		return nil
	}
	if strings.HasPrefix(role, "/") {
		return fmt.Errorf("Role '%s' cannot start with a slash", role)
	}
	if strings.HasSuffix(role, "/") {
		return fmt.Errorf("Role '%s' cannot end with a slash", role)
	}
	if strings.Contains(role, "//") {
		return fmt.Errorf("Role '%s' cannot contain two adjacent slashes", role)
	}
	if role == "" {
		return fmt.Errorf("Role names cannot be the empty string")
	}
	for c := range strings.SplitSeq(role, "/") {
		switch {
		case c == ".":
			return fmt.Errorf("Role '%s' cannot include '.' as a component", role)
		case c == "..":
			return fmt.Errorf("Role '%s' cannot include '..' as a component", role)
		case c == "*":
			return fmt.Errorf("Role '%s' cannot include '*' as a component", role)
		case strings.HasPrefix(c, "-"):
			return fmt.Errorf("Role component '%s' is invalid because it starts with a dash", c)
		case strings.ContainsAny(c, roleInvalidChars):
			return fmt.Errorf("Role component '%s' is invalid because it contains backspace or whitespace", c)
		}
	}
	return nil
}

// IsStrictSubrole reports whether child is a strict descendant of parent in
// the role hierarchy: "eng/frontend" is a strict subrole of "eng".
func IsStrictSubrole(child, parent string) bool {
	return len(child) > len(parent) && child[len(parent)] == '/' && strings.HasPrefix(child, parent)
}

// RoleAncestors returns the ancestors of role, nearest first:
// "a/b/c" gives ["a/b", "a"].
func RoleAncestors(role string) []string {
	var out []string
	for i := len(role) - 1; i >= 0; i-- {
		if role[i] == '/' {
			out = append(out, role[:i])
		}
	}
	return out
}
