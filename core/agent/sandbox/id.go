package sandbox

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// ErrInvalidID is wrapped by every ID validation error.
var ErrInvalidID = errors.New("invalid ID")

// maxIDLength is the longest ID accepted: one path component (NAME_MAX on
// Linux and the BSDs).
const maxIDLength = 255

// ValidateID applies Mesos's rules for agent, framework, executor and task
// IDs (common/validation.cpp): non-empty, no control characters, no '/' or
// '\'. It also refuses what Mesos lets through but a path must not hold:
// "." and ".." (a sandbox named ".." would be its parent) and IDs longer than
// one path component can be.
func ValidateID(id string) error {
	if id == "" {
		return fmt.Errorf("%w: ID must be non-empty", ErrInvalidID)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c < 0x20 || c == 0x7f || c == '/' || c == '\\' {
			return fmt.Errorf("%w: '%s' contains invalid characters", ErrInvalidID, printable(id))
		}
	}
	if id == "." || id == ".." {
		return fmt.Errorf("%w: '%s' is not allowed as an ID", ErrInvalidID, id)
	}
	if len(id) > maxIDLength {
		return fmt.Errorf("%w: ID is longer than %d bytes", ErrInvalidID, maxIDLength)
	}
	return nil
}

// ValidateContainerID applies Mesos's ContainerID rules
// (slave/validation.cpp): those of ValidateID, and no '.' (the string form
// of a nested container ID joins the chain with dots) and no space.
func ValidateContainerID(id string) error {
	if err := ValidateID(id); err != nil {
		return err
	}
	if strings.ContainsAny(id, ". ") {
		return fmt.Errorf("%w: 'ContainerID.value' '%s' contains invalid characters", ErrInvalidID, id)
	}
	return nil
}

// ValidateContainerIDChain validates a ContainerID and each of its parents.
func ValidateContainerIDChain(c *mesospb.ContainerID) error {
	for depth := 0; c != nil; depth++ {
		if err := ValidateContainerID(c.GetValue()); err != nil {
			if depth > 0 {
				return fmt.Errorf("'ContainerID.parent' is invalid: %w", err)
			}
			return err
		}
		c = c.GetParent()
	}
	return nil
}

// printable quotes control characters so an error message never carries
// them into a log line.
func printable(s string) string {
	q := fmt.Sprintf("%q", s)
	return q[1 : len(q)-1]
}
