package cgroups

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Cgroup is one cgroup of a Hierarchy: a directory in each v1 hierarchy of
// the isolator's controllers, or one directory of the unified hierarchy.
type Cgroup struct {
	h *Hierarchy
	// Rel is the cgroup's path below the hierarchies' mount points, e.g.
	// "mesos/<container id>".
	Rel string
}

// Cgroup returns the cgroup at rel (it may not exist yet).
func (h *Hierarchy) Cgroup(rel string) *Cgroup { return &Cgroup{h: h, Rel: rel} }

// Path is the cgroup's directory for a controller.
func (c *Cgroup) Path(controller string) string {
	return filepath.Join(c.h.Mounts[controller], c.Rel)
}

// dirs are the cgroup's distinct directories.
func (c *Cgroup) dirs() []string {
	var out []string
	for ctl := range c.h.Mounts {
		if p := c.Path(ctl); !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// Exists reports whether every directory of the cgroup exists.
func (c *Cgroup) Exists() bool {
	for _, d := range c.dirs() {
		if _, err := os.Stat(d); err != nil {
			return false
		}
	}
	return true
}

// Create makes the cgroup's directories. On v2 it first enables the
// isolator's controllers for the children of every ancestor.
func (c *Cgroup) Create() error {
	if c.h.Version == V2 {
		if err := c.enableControllers(); err != nil {
			return err
		}
	}
	for _, d := range c.dirs() {
		if _, err := os.Stat(filepath.Dir(d)); err != nil {
			if err := os.MkdirAll(filepath.Dir(d), 0o755); err != nil {
				return fmt.Errorf("create cgroup: %w", err)
			}
		}
		if err := c.mkdirOne(d); err != nil && !errors.Is(err, os.ErrExist) {
			return fmt.Errorf("create cgroup: %w", err)
		}
	}
	return nil
}

func (c *Cgroup) mkdirOne(dir string) error {
	if c.h.mkdir != nil {
		return c.h.mkdir(dir)
	}
	return os.Mkdir(dir, 0o755)
}

// enableControllers writes +<controller> into cgroup.subtree_control from
// the unified root down to the cgroup's parent.
func (c *Cgroup) enableControllers() error {
	var wanted []string
	for ctl := range c.h.Mounts {
		if n := v2Name(ctl); n != "" && !slices.Contains(wanted, n) {
			wanted = append(wanted, n)
		}
	}
	slices.Sort(wanted)
	var mount string
	for _, m := range c.h.Mounts {
		mount = m
	}
	dir := mount
	parts := strings.Split(filepath.Clean(c.Rel), string(filepath.Separator))
	for i := 0; i < len(parts); i++ {
		if i > 0 {
			dir = filepath.Join(dir, parts[i-1])
			if _, err := os.Stat(dir); err != nil {
				if err := c.mkdirOne(dir); err != nil {
					return fmt.Errorf("create cgroup %s: %w", dir, err)
				}
			}
		}
		enabled, err := readControllers(filepath.Join(dir, "cgroup.subtree_control"))
		if err != nil {
			return err
		}
		for _, w := range wanted {
			if slices.Contains(enabled, w) {
				continue
			}
			if err := writeFile(filepath.Join(dir, "cgroup.subtree_control"), "+"+w); err != nil {
				return fmt.Errorf("enable controller %s below %s: %w", w, dir, err)
			}
		}
	}
	return nil
}

// Attach moves a process (all its threads) into the cgroup.
func (c *Cgroup) Attach(pid int) error {
	for _, d := range c.dirs() {
		if err := writeFile(filepath.Join(d, "cgroup.procs"), strconv.Itoa(pid)); err != nil {
			return fmt.Errorf("move pid %d into cgroup: %w", pid, err)
		}
	}
	return nil
}

// Read reads one of the cgroup's files.
func (c *Cgroup) Read(controller, file string) (string, error) {
	data, err := os.ReadFile(filepath.Join(c.Path(controller), file))
	if err != nil {
		return "", fmt.Errorf("read cgroup file: %w", err)
	}
	return strings.TrimSpace(string(data)), nil
}

// ReadUint reads a file holding one number ("max" reads as ok false).
func (c *Cgroup) ReadUint(controller, file string) (v uint64, ok bool, err error) {
	s, err := c.Read(controller, file)
	if err != nil {
		return 0, false, err
	}
	if s == "max" {
		return 0, false, nil
	}
	v, err = strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("parse %s: %w", file, err)
	}
	return v, true, nil
}

// ReadStat reads a file of "key value" lines (memory.stat, cpu.stat,
// memory.events, ...).
func (c *Cgroup) ReadStat(controller, file string) (map[string]uint64, error) {
	s, err := c.Read(controller, file)
	if err != nil {
		return nil, err
	}
	return parseStat(s), nil
}

// Write writes one of the cgroup's files.
func (c *Cgroup) Write(controller, file, value string) error {
	return writeFile(filepath.Join(c.Path(controller), file), value)
}

// Procs lists the processes in the cgroup.
func (c *Cgroup) Procs() ([]int, error) {
	var out []int
	for _, d := range c.dirs() {
		data, err := os.ReadFile(filepath.Join(d, "cgroup.procs"))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("list cgroup processes: %w", err)
		}
		for _, f := range strings.Fields(string(data)) {
			if pid, err := strconv.Atoi(f); err == nil && !slices.Contains(out, pid) {
				out = append(out, pid)
			}
		}
	}
	return out, nil
}

// Threads counts the threads in the cgroup.
func (c *Cgroup) Threads(controller string) (int, error) {
	file := "tasks"
	if c.h.Version == V2 {
		file = "cgroup.threads"
	}
	s, err := c.Read(controller, file)
	if err != nil {
		return 0, err
	}
	return len(strings.Fields(s)), nil
}

// Destroy kills every process in the cgroup and removes it. It returns
// once the directories are gone (or ctx ends).
func (c *Cgroup) Destroy(ctx context.Context) error {
	delay := 5 * time.Millisecond
	for {
		if err := c.killAll(); err != nil {
			return err
		}
		remaining := 0
		for _, d := range c.dirs() {
			err := os.Remove(d)
			switch {
			case err == nil, errors.Is(err, os.ErrNotExist):
			case errors.Is(err, syscall.EBUSY), errors.Is(err, syscall.ENOTEMPTY):
				remaining++
			default:
				return fmt.Errorf("remove cgroup %s: %w", d, err)
			}
		}
		if remaining == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("remove cgroup %s: %w", c.Rel, ctx.Err())
		case <-time.After(delay):
		}
		if delay < 100*time.Millisecond {
			delay *= 2
		}
	}
}

// killAll sends SIGKILL to everything in the cgroup: through cgroup.kill
// on v2 kernels that have it, else process by process (stopped first so
// none forks away).
func (c *Cgroup) killAll() error {
	if c.h.Version == V2 {
		for _, d := range c.dirs() {
			err := writeFile(filepath.Join(d, "cgroup.kill"), "1")
			if err == nil || errors.Is(err, os.ErrNotExist) {
				continue
			}
			return fmt.Errorf("kill cgroup %s: %w", d, err)
		}
	}
	pids, err := c.Procs()
	if err != nil {
		return err
	}
	for _, pid := range pids {
		_ = syscall.Kill(pid, syscall.SIGSTOP)
	}
	for _, pid := range pids {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	return nil
}

// Children lists the cgroups directly below rel in the hierarchy of a
// controller.
func (h *Hierarchy) Children(controller, rel string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(h.Mounts[controller], rel))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list cgroups: %w", err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

func writeFile(path, value string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(value)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %q to %s: %w", value, path, err)
	}
	return nil
}

func parseStat(s string) map[string]uint64 {
	out := map[string]uint64{}
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		if v, err := strconv.ParseUint(f[1], 10, 64); err == nil {
			out[f[0]] = v
		}
	}
	return out
}
