package containerlogger_test

import (
	"errors"
	"testing"

	"github.com/gomesos/mesos/modules/kinds/containerlogger"
)

func TestCheck(t *testing.T) {
	ok := []*containerlogger.PrepareResponse{
		{Stdout: containerlogger.Path("/sandbox/stdout"), Stderr: containerlogger.Path("/sandbox/stderr")},
		{Stdout: containerlogger.Forward(), Stderr: containerlogger.Path("/dev/null")},
	}
	for _, r := range ok {
		if err := containerlogger.Check(r); err != nil {
			t.Errorf("Check(%v) = %v", r, err)
		}
	}
	bad := []*containerlogger.PrepareResponse{
		{},
		{Stdout: containerlogger.Forward()},
		{Stdout: containerlogger.Path("stdout"), Stderr: containerlogger.Forward()},
		{Stdout: &containerlogger.IO{}, Stderr: containerlogger.Forward()},
	}
	for _, r := range bad {
		if err := containerlogger.Check(r); !errors.Is(err, containerlogger.ErrInvalidIO) {
			t.Errorf("Check(%v) = %v, want ErrInvalidIO", r, err)
		}
	}
	if containerlogger.FileName(containerlogger.Stream_STDOUT) != "stdout" || containerlogger.FileName(containerlogger.Stream_STDERR) != "stderr" ||
		containerlogger.FileName(containerlogger.Stream_STREAM_UNSPECIFIED) != "" {
		t.Error("FileName")
	}
}
