package logger_test

import (
	"os"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/logger"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

func FuzzParseRotateOptions(f *testing.F) {
	for _, seed := range []string{"rotate 9", "rotate 5\ncompress\ndelaycompress", "# x\nsize 1M", "rotate 99999999999999999999", "\x00"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		o, err := logger.ParseRotateOptions(text)
		if err == nil && (o.Rotations < 0 || o.Rotations > 10000) {
			t.Fatalf("ParseRotateOptions(%q) = %+v", text, o)
		}
	})
}

// FuzzExecutorOverrides feeds an executor's CONTAINER_LOGGER_* variables.
func FuzzExecutorOverrides(f *testing.F) {
	f.Add("MAX_STDOUT_SIZE", "10MB")
	f.Add("LOGROTATE_STDERR_OPTIONS", "rotate 3\ncompress")
	f.Add("max_stderr_size", "1B")
	cfg, err := logger.ParseLogrotateParams(nil, quiet)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		exec := &mesospb.ExecutorInfo{Command: &mesospb.CommandInfo{Environment: &mesospb.Environment{
			Variables: []*mesospb.Environment_Variable{{Name: proto.String("CONTAINER_LOGGER_" + name), Value: proto.String(value)}},
		}}}
		out, err := cfg.ForExecutor(exec, nil)
		if err != nil {
			return
		}
		for _, s := range []logger.StreamConfig{out.Stdout, out.Stderr} {
			if s.MaxSize < int64(os.Getpagesize()) {
				t.Fatalf("%s=%q gave max size %d", name, value, s.MaxSize)
			}
		}
	})
}
