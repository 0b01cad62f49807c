// Package procfs reads what the containerizer and the posix isolators need
// of Linux's /proc: each process's parent, process group, session, start
// time, CPU times and resident memory, and the trees they form.
package procfs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// ClockTicks is USER_HZ, the unit of the times in /proc/<pid>/stat. Linux
// fixes it at 100 on every architecture Go supports.
const ClockTicks = 100

// Process is one line of /proc/<pid>/stat, the fields we use.
type Process struct {
	Pid     int
	Comm    string
	State   byte
	Ppid    int
	Pgrp    int
	Session int
	// UserTicks and SystemTicks are CPU times in ClockTicks.
	UserTicks   uint64
	SystemTicks uint64
	Threads     int
	// StartTicks is when the process started, in ClockTicks after boot; with
	// the pid it names a process uniquely (pids are reused, this is not).
	StartTicks uint64
	// RSSPages is the resident set size in pages.
	RSSPages uint64
}

// Zombie reports whether the process has exited and waits to be reaped.
func (p Process) Zombie() bool { return p.State == 'Z' || p.State == 'X' }

// RSSBytes is the resident set size in bytes.
func (p Process) RSSBytes() uint64 { return p.RSSPages * uint64(os.Getpagesize()) }

// ErrNotExist is returned for a pid that has no process.
var ErrNotExist = errors.New("no such process")

// Reader reads the proc filesystem mounted at Root ("/proc" normally).
type Reader struct{ Root string }

// Stat reads one process.
func (r Reader) Stat(pid int) (Process, error) {
	data, err := os.ReadFile(filepath.Join(r.Root, strconv.Itoa(pid), "stat"))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ESRCH) {
			return Process{}, fmt.Errorf("pid %d: %w", pid, ErrNotExist)
		}
		return Process{}, fmt.Errorf("read stat of pid %d: %w", pid, err)
	}
	p, err := ParseStat(string(data))
	if err != nil {
		return Process{}, fmt.Errorf("pid %d: %w", pid, err)
	}
	return p, nil
}

// Stat reads one process from /proc.
func Stat(pid int) (Process, error) { return Reader{Root: "/proc"}.Stat(pid) }

// ParseStat parses the contents of /proc/<pid>/stat.
func ParseStat(line string) (Process, error) {
	// The command name is in parentheses and may itself contain spaces and
	// parentheses: it ends at the last ')'.
	open := strings.IndexByte(line, '(')
	closing := strings.LastIndexByte(line, ')')
	if open < 0 || closing < open {
		return Process{}, fmt.Errorf("malformed stat line %q", line)
	}
	var p Process
	var err error
	if p.Pid, err = strconv.Atoi(strings.TrimSpace(line[:open])); err != nil {
		return Process{}, fmt.Errorf("malformed pid in stat line: %w", err)
	}
	p.Comm = line[open+1 : closing]
	// Fields after the command, numbered as in proc(5) from 3 (state).
	f := strings.Fields(line[closing+1:])
	if len(f) < 22 {
		return Process{}, fmt.Errorf("stat line has %d fields after the command, want at least 22", len(f))
	}
	field := func(n int) string { return f[n-3] }
	if len(field(3)) > 0 {
		p.State = field(3)[0]
	}
	ints := []struct {
		n   int
		dst *int
	}{{4, &p.Ppid}, {5, &p.Pgrp}, {6, &p.Session}, {20, &p.Threads}}
	for _, i := range ints {
		if *i.dst, err = strconv.Atoi(field(i.n)); err != nil {
			return Process{}, fmt.Errorf("stat field %d: %w", i.n, err)
		}
	}
	uints := []struct {
		n   int
		dst *uint64
	}{{14, &p.UserTicks}, {15, &p.SystemTicks}, {22, &p.StartTicks}, {24, &p.RSSPages}}
	for _, u := range uints {
		if u.n-3 >= len(f) {
			continue
		}
		v, err := strconv.ParseInt(field(u.n), 10, 64)
		if err != nil {
			return Process{}, fmt.Errorf("stat field %d: %w", u.n, err)
		}
		if v > 0 {
			*u.dst = uint64(v)
		}
	}
	return p, nil
}

// All reads every process. Processes that exit while being read are
// skipped.
func (r Reader) All() ([]Process, error) {
	entries, err := os.ReadDir(r.Root)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", r.Root, err)
	}
	var out []Process
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		p, err := r.Stat(pid)
		if err != nil {
			if errors.Is(err, ErrNotExist) {
				continue
			}
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// All reads every process in /proc.
func All() ([]Process, error) { return Reader{Root: "/proc"}.All() }

// Descendants returns root and every process below it, root first.
func Descendants(all []Process, root int) []Process {
	children := make(map[int][]Process, len(all))
	var self *Process
	for i := range all {
		children[all[i].Ppid] = append(children[all[i].Ppid], all[i])
		if all[i].Pid == root {
			self = &all[i]
		}
	}
	if self == nil {
		return nil
	}
	out := []Process{*self}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i].Pid]...)
	}
	return out
}
