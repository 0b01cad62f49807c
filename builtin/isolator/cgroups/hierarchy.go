package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Version is a cgroups version.
type Version int

// The cgroups versions.
const (
	V1 Version = 1
	V2 Version = 2
)

func (v Version) String() string { return fmt.Sprintf("v%d", int(v)) }

// Mounts is where the cgroup hierarchies of a machine are mounted.
type Mounts struct {
	// V1 maps each v1 controller to the mount point of its hierarchy.
	V1 map[string]string
	// V2 is the mount point of the unified hierarchy, if any.
	V2 string
}

// ReadMounts reads the cgroup mounts of this process's mount namespace.
func ReadMounts() (Mounts, error) {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return Mounts{}, fmt.Errorf("read mountinfo: %w", err)
	}
	return ParseMountinfo(string(data)), nil
}

// ParseMountinfo finds the cgroup mounts in the contents of a
// /proc/<pid>/mountinfo file. The first mount of a hierarchy wins.
func ParseMountinfo(data string) Mounts {
	m := Mounts{V1: map[string]string{}}
	for _, line := range strings.Split(data, "\n") {
		pre, post, ok := strings.Cut(line, " - ")
		if !ok {
			continue
		}
		f, g := strings.Fields(pre), strings.Fields(post)
		if len(f) < 5 || len(g) < 3 {
			continue
		}
		point := unescapeMount(f[4])
		switch g[0] {
		case "cgroup2":
			if m.V2 == "" {
				m.V2 = point
			}
		case "cgroup":
			for _, opt := range strings.Split(g[2], ",") {
				if opt == "" || opt == "rw" || opt == "ro" || strings.Contains(opt, "=") || isMountOption(opt) {
					continue
				}
				if _, dup := m.V1[opt]; !dup {
					m.V1[opt] = point
				}
			}
		}
	}
	return m
}

// isMountOption tells cgroup v1 mount options from controller names.
func isMountOption(opt string) bool {
	switch opt {
	case "noprefix", "clone_children", "xattr", "cpuset_v2_mode", "nsdelegate", "memory_recursiveprot", "memory_localevents":
		return true
	}
	return false
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			var v int
			if _, err := fmt.Sscanf(s[i+1:i+4], "%3o", &v); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Hierarchy is where one isolator's controllers live.
type Hierarchy struct {
	Version Version
	// Mounts maps each of the isolator's controllers to its mount point:
	// its v1 hierarchy, or the unified hierarchy for all of them.
	Mounts map[string]string
	// mkdir makes a cgroup directory; tests replace it to fake what the
	// kernel puts in a new cgroup.
	mkdir func(dir string) error
}

// ErrUnavailable means the controllers an isolator needs are mounted
// nowhere usable.
var ErrUnavailable = errors.New("cgroup controllers unavailable")

// Resolve picks the hierarchy for controllers: v1 when all of them are
// mounted as v1 hierarchies, else v2 when all are available in the unified
// hierarchy. want forces a version (0: either).
func Resolve(m Mounts, want Version, controllers ...string) (*Hierarchy, error) {
	if want != V2 {
		h := &Hierarchy{Version: V1, Mounts: map[string]string{}}
		for _, c := range controllers {
			if p, ok := m.V1[c]; ok {
				h.Mounts[c] = p
			}
		}
		if len(h.Mounts) == len(controllers) {
			return h, nil
		}
	}
	if want != V1 && m.V2 != "" {
		available, err := readControllers(filepath.Join(m.V2, "cgroup.controllers"))
		if err != nil {
			return nil, err
		}
		h := &Hierarchy{Version: V2, Mounts: map[string]string{}}
		var missing []string
		for _, c := range controllers {
			h.Mounts[c] = m.V2
			if n := v2Name(c); n != "" && !slices.Contains(available, n) {
				missing = append(missing, c)
			}
		}
		if len(missing) == 0 {
			return h, nil
		}
		return nil, fmt.Errorf("%w: %s not enabled in the cgroup v2 hierarchy at %s (it has %q)",
			ErrUnavailable, strings.Join(missing, ","), m.V2, strings.Join(available, " "))
	}
	return nil, fmt.Errorf("%w: %s mounted neither as cgroup v1 nor in a cgroup v2 hierarchy",
		ErrUnavailable, strings.Join(controllers, ","))
}

// v2Name is the v2 controller that does a v1 controller's job; "" when
// v2 needs none (cpuacct's accounting is in cpu.stat of every cgroup).
func v2Name(c string) string {
	if c == "cpuacct" {
		return ""
	}
	return c
}

func readControllers(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return strings.Fields(string(data)), nil
}
