package launcher

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The pid file is the checkpoint of the container's first process,
//
//	<pid> <start ticks>\n
//
// written by the launcher once the process is forked and before its
// go-ahead: one file where there were two (pid, and pid.start for the
// start time), each written through a temporary file renamed into place.
//
// It is written in place: one write(2) of under a page into a new file,
// which an agent killed meanwhile either made whole or did not make at
// all (the kernel checks for a fatal signal only between pages), and the
// only reader is a later agent, after this one is gone. An empty file is
// a launch that never checkpointed its supervisor, as a missing one was:
// that supervisor, whose go-ahead pipe closed with the agent, exits
// without running the command. (No fsync, as for every file here: a host
// crash ends the processes the file describes.)
//
// The exit status stays in a file of its own: a self-supervised command
// writes it through a descriptor it inherits, while running as the task's
// user, and the file that says which process the agent kills on a
// destroy must stay out of that user's reach.
//
// Containers launched by an earlier agent have the older form, the pid
// alone in the pid file and the start time in pid.start; readPidFile reads
// both.

// pidRecord is what a pid file says.
type pidRecord struct {
	// ok: a pid was checkpointed.
	ok         bool
	pid, start uint64
}

// writePidFile checkpoints the supervisor's pid and start time.
func writePidFile(dir string, pid int, start uint64) error {
	path := filepath.Join(dir, pidFile)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	_, err = f.WriteString(strconv.Itoa(pid) + " " + strconv.FormatUint(start, 10) + "\n")
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// readPidFile reads the pid file of either form; ok is false when none
// (or an empty one) is there.
func readPidFile(dir string) (pidRecord, error) {
	path := filepath.Join(dir, pidFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return pidRecord{}, nil
	}
	if err != nil {
		return pidRecord{}, fmt.Errorf("read %s: %w", path, err)
	}
	line, rest, _ := strings.Cut(string(data), "\n")
	if rest != "" {
		return pidRecord{}, fmt.Errorf("read %s: more than a pid line", path)
	}
	fields := strings.Fields(line)
	var rec pidRecord
	switch len(fields) {
	case 0:
		return pidRecord{}, nil
	case 1: // the older form
		start, _, err := readUint(filepath.Join(dir, legacyPidStartFile))
		if err != nil {
			return pidRecord{}, err
		}
		rec.start = start
	case 2:
		if rec.start, err = strconv.ParseUint(fields[1], 10, 64); err != nil {
			return pidRecord{}, fmt.Errorf("read %s: start time: %w", path, err)
		}
	default:
		return pidRecord{}, fmt.Errorf("read %s: %q is not a pid line", path, line)
	}
	if rec.pid, err = strconv.ParseUint(fields[0], 10, 31); err != nil || rec.pid == 0 {
		return pidRecord{}, fmt.Errorf("read %s: pid %q", path, fields[0])
	}
	rec.ok = true
	return rec, nil
}
