package launcher

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Names of the files in a container's runtime directory.
const (
	specFile   = "launch.json"
	pidFile    = "pid"
	statusFile = "status"
	// legacyPidStartFile held the supervisor's start time beside a pid
	// file holding only the pid, before both went into the pid file; read
	// to recover containers an earlier agent launched.
	legacyPidStartFile = "pid.start"
	supervisorLog      = "supervisor.log"
)

// writeFileAtomic writes data to a temporary file beside path and renames
// it, so a reader (or a restarted agent) never sees half a file. It does
// not fsync: these files describe live processes, which a host crash (the
// only thing fsync protects against) ends anyway; a restarted agent reads
// them from the page cache. The status file's readers take a missing or
// empty file as an unknown status.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// readUint reads a file holding one decimal number; ok is false when the
// file does not exist.
func readUint(path string) (v uint64, ok bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("read %s: %w", path, err)
	}
	s := strings.TrimSpace(string(data))
	if s == "" {
		return 0, false, nil
	}
	v, err = strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("read %s: %w", path, err)
	}
	return v, true, nil
}

// cleanMark follows the wait status in the status file when the
// supervisor saw none of the container's processes left when it exited.
const cleanMark = " clean"

// writeStatus checkpoints the command's wait status; clean says that the
// supervisor killed and reaped everything the command left, so a destroy
// of the ended container has nothing to look for.
func writeStatus(dir string, ws syscall.WaitStatus, clean bool) error {
	data := strconv.FormatUint(uint64(uint32(ws)), 10)
	if clean {
		data += cleanMark
	}
	return writeFileAtomic(filepath.Join(dir, statusFile), []byte(data), 0o644)
}

// readStatus reads the checkpointed wait status, if the command exited,
// and whether the supervisor left nothing behind.
func readStatus(dir string) (st ExitStatus, clean bool, err error) {
	path := filepath.Join(dir, statusFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return ExitStatus{}, false, nil
	}
	if err != nil {
		return ExitStatus{}, false, fmt.Errorf("read %s: %w", path, err)
	}
	s := strings.TrimSpace(string(data))
	s, clean = strings.CutSuffix(s, cleanMark)
	if s == "" {
		return ExitStatus{}, false, nil
	}
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return ExitStatus{}, false, fmt.Errorf("read %s: %w", path, err)
	}
	return ExitStatus{WaitStatus: syscall.WaitStatus(uint32(v)), Known: true}, clean, nil
}
