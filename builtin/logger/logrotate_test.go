package logger_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/logger"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/containerlogger"
	"github.com/gomesos/mesos/modules/kinds/containerlogger/containerloggertest"
)

func logrotate(t *testing.T, params map[string]string) *logger.Logrotate {
	t.Helper()
	cfg, err := logger.ParseLogrotateParams(params, quiet)
	if err != nil {
		t.Fatal(err)
	}
	return logger.NewLogrotateLogger(cfg)
}

// readRotated reads a stream's files, oldest first.
func readRotated(t *testing.T, c *containerlogger.Container, s containerlogger.Stream) []byte {
	path := filepath.Join(c.GetDirectory(), containerlogger.FileName(s))
	var out []byte
	for n := 20; n >= 1; n-- {
		for _, name := range []string{path + "." + strconv.Itoa(n), path + "." + strconv.Itoa(n) + ".gz"} {
			out = append(out, readLog(t, name)...)
		}
	}
	return append(out, readLog(t, path)...)
}

func TestConformance(t *testing.T) {
	t.Run("sandbox", func(t *testing.T) {
		containerloggertest.Run(t, containerloggertest.Fixture{
			New: func(t *testing.T) containerlogger.ContainerLogger {
				l, _ := logger.NewSandbox(nil)
				return l
			},
			Read: readRotated,
		})
	})
	t.Run("logrotate", func(t *testing.T) {
		containerloggertest.Run(t, containerloggertest.Fixture{
			New: func(t *testing.T) containerlogger.ContainerLogger {
				return logrotate(t, map[string]string{"max_stdout_size": "8KB", "logrotate_stdout_options": "rotate 20\ncompress\ndelaycompress"})
			},
			Read: readRotated,
		})
	})
}

func env(vars map[string]string) *mesospb.Environment {
	e := &mesospb.Environment{}
	for k, v := range vars {
		e.Variables = append(e.Variables, &mesospb.Environment_Variable{Name: proto.String(k), Value: proto.String(v)})
	}
	return e
}

func write(t *testing.T, l containerlogger.ContainerLogger, c *containerlogger.Container, s containerlogger.Stream, data []byte) {
	t.Helper()
	if _, err := l.Write(context.Background(), &containerlogger.WriteRequest{ContainerId: c.GetContainerId(), Stream: s, Data: data}); err != nil {
		t.Fatal(err)
	}
}

func TestLogrotateSettings(t *testing.T) {
	pg := os.Getpagesize()
	l := logrotate(t, map[string]string{
		"max_stdout_size":          strconv.Itoa(pg) + "B",
		"logrotate_stdout_options": "rotate 1",
		"max_stderr_size":          strconv.Itoa(2*pg) + "B",
		"logrotate_stderr_options": "rotate 3",
	})
	c := containerloggertest.NewContainer(t, "settings")
	resp, err := l.Prepare(context.Background(), &containerlogger.PrepareRequest{Container: c})
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetStdout().GetType() != containerlogger.IO_FORWARD || resp.GetStderr().GetType() != containerlogger.IO_FORWARD {
		t.Fatalf("Prepare = %v, want both forwarded", resp)
	}
	for i := range 6 {
		write(t, l, c, containerlogger.Stream_STDOUT, page(byte('a'+i)))
		write(t, l, c, containerlogger.Stream_STDERR, page(byte('a'+i)))
	}
	if got, want := files(t, c.GetDirectory()), []string{"stderr", "stderr.1", "stderr.2", "stdout", "stdout.1"}; !slices.Equal(got, want) {
		t.Errorf("files = %v, want %v", got, want)
	}
	if got := readLog(t, filepath.Join(c.GetDirectory(), "stdout.1")); !bytes.Equal(got, page('e')) {
		t.Error("stdout.1 does not hold the fifth page")
	}
}

func TestLogrotateExecutorOverrides(t *testing.T) {
	pg := os.Getpagesize()
	l := logrotate(t, map[string]string{"logrotate_stdout_options": "rotate 5"})
	c := containerloggertest.NewContainer(t, "overrides")
	c.ExecutorInfo.Command.Environment = env(map[string]string{
		"CONTAINER_LOGGER_MAX_STDOUT_SIZE":          strconv.Itoa(pg) + "B",
		"CONTAINER_LOGGER_LOGROTATE_STDOUT_OPTIONS": "rotate 1",
		"OTHER": "x",
	})
	if _, err := l.Prepare(context.Background(), &containerlogger.PrepareRequest{Container: c}); err != nil {
		t.Fatal(err)
	}
	for _, ch := range []byte("abc") {
		write(t, l, c, containerlogger.Stream_STDOUT, page(ch))
	}
	if got, want := files(t, c.GetDirectory()), []string{"stdout", "stdout.1"}; !slices.Equal(got, want) {
		t.Errorf("files = %v, want %v (the executor's settings)", got, want)
	}

	for _, bad := range []map[string]string{
		{"CONTAINER_LOGGER_MAX_STDOUT_SIZE": "1B"},
		{"CONTAINER_LOGGER_MAX_STDERR_SIZE": "lots"},
		{"CONTAINER_LOGGER_LOGROTATE_STDERR_OPTIONS": "postrotate"},
		{"CONTAINER_LOGGER_COLOUR": "blue"},
	} {
		c := containerloggertest.NewContainer(t, "bad")
		c.ExecutorInfo.Command.Environment = env(bad)
		if _, err := l.Prepare(context.Background(), &containerlogger.PrepareRequest{Container: c}); err == nil {
			t.Errorf("Prepare with %v succeeded", bad)
		}
	}

	// Another prefix.
	l = logrotate(t, map[string]string{"environment_variable_prefix": "LOGS_"})
	c = containerloggertest.NewContainer(t, "prefix")
	c.ExecutorInfo.Command.Environment = env(map[string]string{"CONTAINER_LOGGER_COLOUR": "blue", "LOGS_MAX_STDERR_SIZE": "1MB"})
	if _, err := l.Prepare(context.Background(), &containerlogger.PrepareRequest{Container: c}); err != nil {
		t.Errorf("Prepare with another prefix = %v", err)
	}
}

func TestLogrotateParameters(t *testing.T) {
	if _, err := logger.NewLogrotate(nil); err != nil {
		t.Errorf("NewLogrotate(defaults) = %v", err)
	}
	if _, err := logger.NewLogrotate(map[string]string{"launcher_dir": "/usr/libexec/mesos", "logrotate_path": "logrotate", "libprocess_num_worker_threads": "8"}); err != nil {
		t.Errorf("NewLogrotate(Mesos's parameters) = %v", err)
	}
	for _, bad := range []map[string]string{
		{"max_stdout_size": "100B"},
		{"max_stderr_size": "10"},
		{"max_stdout_size": "-1MB"},
		{"logrotate_stderr_options": "mail root"},
		{"colour": "blue"},
	} {
		if _, err := logger.NewLogrotate(bad); err == nil {
			t.Errorf("NewLogrotate(%v) succeeded", bad)
		}
	}
}

func TestLogrotateStreams(t *testing.T) {
	l := logrotate(t, nil)
	ctx := context.Background()
	c := containerloggertest.NewContainer(t, "streams")
	if _, err := l.Write(ctx, &containerlogger.WriteRequest{ContainerId: c.GetContainerId(), Stream: containerlogger.Stream_STDOUT, Data: []byte("x")}); err == nil {
		t.Error("Write before Prepare succeeded")
	}
	if _, err := l.Prepare(ctx, &containerlogger.PrepareRequest{Container: c}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Write(ctx, &containerlogger.WriteRequest{ContainerId: c.GetContainerId(), Data: []byte("x")}); err == nil {
		t.Error("Write to an unspecified stream succeeded")
	}
	write(t, l, c, containerlogger.Stream_STDERR, []byte("err\n"))
	for range 2 {
		if _, err := l.Close(ctx, &containerlogger.CloseRequest{ContainerId: c.GetContainerId(), Stream: containerlogger.Stream_STDERR}); err != nil {
			t.Errorf("Close = %v", err)
		}
	}
	if _, err := l.Write(ctx, &containerlogger.WriteRequest{ContainerId: c.GetContainerId(), Stream: containerlogger.Stream_STDERR, Data: []byte("x")}); err == nil {
		t.Error("Write after Close succeeded")
	}
	write(t, l, c, containerlogger.Stream_STDOUT, []byte("out\n"))
	if got := readLog(t, filepath.Join(c.GetDirectory(), "stderr")); string(got) != "err\n" {
		t.Errorf("stderr = %q", got)
	}
	bad := containerloggertest.NewContainer(t, "relative")
	bad.Directory = "relative/dir"
	if _, err := l.Prepare(ctx, &containerlogger.PrepareRequest{Container: bad}); err == nil {
		t.Error("Prepare with a relative sandbox succeeded")
	}
}

func TestSandbox(t *testing.T) {
	l, _ := logger.NewSandbox(nil)
	c := containerloggertest.NewContainer(t, "sandbox")
	resp, err := l.Prepare(context.Background(), &containerlogger.PrepareRequest{Container: c})
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetStdout().GetPath() != filepath.Join(c.GetDirectory(), "stdout") || resp.GetStderr().GetPath() != filepath.Join(c.GetDirectory(), "stderr") {
		t.Errorf("Prepare = %v", resp)
	}
	c.Directory = ""
	if _, err := l.Prepare(context.Background(), &containerlogger.PrepareRequest{Container: c}); err == nil {
		t.Error("Prepare without a sandbox succeeded")
	}
}

func TestCatalog(t *testing.T) {
	for name, mk := range logger.Catalog() {
		if l, err := mk(nil); err != nil || l == nil {
			t.Errorf("%s: %v, %v", name, l, err)
		}
	}
}

// An agent restart while a container runs: the first logger is left
// without any Close, as a stopping agent leaves it, and a new one recovers
// the container from its checkpointed executor. Its output goes on
// rotating in the same files, at the executor's own settings, from where
// the files were.
func TestLogrotateRecoveredContainerKeepsRotating(t *testing.T) {
	pg := os.Getpagesize()
	params := map[string]string{"max_stdout_size": "1MB", "logrotate_stdout_options": "rotate 9"}
	c := containerloggertest.NewContainer(t, "restarted")
	c.ExecutorInfo.Command.Environment = env(map[string]string{
		"CONTAINER_LOGGER_MAX_STDOUT_SIZE":          strconv.Itoa(2*pg) + "B",
		"CONTAINER_LOGGER_LOGROTATE_STDOUT_OPTIONS": "rotate 2",
	})
	before := logrotate(t, params)
	if _, err := before.Prepare(context.Background(), &containerlogger.PrepareRequest{Container: c}); err != nil {
		t.Fatal(err)
	}
	for _, ch := range []byte("abc") { // "ab" rotated to stdout.1, "c" in stdout
		write(t, before, c, containerlogger.Stream_STDOUT, page(ch))
	}
	write(t, before, c, containerlogger.Stream_STDERR, []byte("err before\n"))

	after := logrotate(t, params)
	lost := containerloggertest.NewContainer(t, "unrecoverable")
	lost.Directory = "relative/sandbox"
	_, err := after.Recover(context.Background(), &containerlogger.RecoverRequest{Containers: []*containerlogger.Container{lost, c}})
	if err == nil || !strings.Contains(err.Error(), "unrecoverable") {
		t.Errorf("Recover = %v, want an error naming the container it could not recover", err)
	}
	// "c" and "d" share stdout (the file carries on from its size), "e"
	// starts a new one; rotate 2 keeps stdout.1 ("cd") and stdout.2 ("ab").
	for _, ch := range []byte("de") {
		write(t, after, c, containerlogger.Stream_STDOUT, page(ch))
	}
	write(t, after, c, containerlogger.Stream_STDERR, []byte("err after\n"))

	if got, want := files(t, c.GetDirectory()), []string{"stderr", "stdout", "stdout.1", "stdout.2"}; !slices.Equal(got, want) {
		t.Errorf("files = %v, want %v", got, want)
	}
	for name, want := range map[string][]byte{
		"stdout.2": slices.Concat(page('a'), page('b')),
		"stdout.1": slices.Concat(page('c'), page('d')),
		"stdout":   page('e'),
		"stderr":   []byte("err before\nerr after\n"),
	} {
		if got := readLog(t, filepath.Join(c.GetDirectory(), name)); !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes starting %.8q, want %d bytes starting %.8q", name, len(got), got, len(want), want)
		}
	}
	if _, err := after.Write(context.Background(), &containerlogger.WriteRequest{
		ContainerId: lost.GetContainerId(), Stream: containerlogger.Stream_STDOUT, Data: []byte("x"),
	}); err == nil {
		t.Error("Write for a container Recover could not take over succeeded")
	}
}
