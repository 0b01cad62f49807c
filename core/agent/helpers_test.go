package agent

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindHelpers(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// Not given: next to the running binary (a test binary has none), else
	// the running binary itself.
	h, err := findHelpers("")
	if err != nil {
		t.Fatal(err)
	}
	if h.supervisor != "" || h.executor != self {
		t.Errorf("without helpers: %+v, want the running binary", h)
	}

	dir := t.TempDir()
	if _, err := findHelpers(dir); err == nil || !strings.Contains(err.Error(), supervisorProgram) {
		t.Errorf("--launcher_dir without the helpers: %v, want an error naming %s", err, supervisorProgram)
	}
	for _, name := range []string{supervisorProgram, executorProgram} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := findHelpers(dir); err == nil {
		t.Error("--launcher_dir with helpers that are not executable accepted")
	}
	for _, name := range []string{supervisorProgram, executorProgram} {
		if err := os.Chmod(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	h, err = findHelpers(dir)
	if err != nil {
		t.Fatal(err)
	}
	if h.supervisor != filepath.Join(dir, supervisorProgram) || h.executor != filepath.Join(dir, executorProgram) {
		t.Errorf("--launcher_dir %s: %+v", dir, h)
	}
}
