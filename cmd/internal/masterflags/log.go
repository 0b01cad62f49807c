package masterflags

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"time"

	"github.com/gomesos/mesos/cmd/internal/cmdutil"
)

// Log is the master's logger: stderr (unless --quiet) and, with
// --log_dir, a log file there, named as glog names Mesos's
// (<program>.<host>.<user>.log.INFO.<date>-<time>.<pid>, with a
// <program>.INFO link to the newest).
type Log struct {
	Logger *slog.Logger
	// File is the log file's path; empty without --log_dir.
	File string
	file *os.File
}

// Close closes the log file.
func (l *Log) Close() error {
	if l.file == nil {
		return nil
	}
	return l.file.Close()
}

// OpenLog makes the master's logger from the logging flags and logs, as
// Mesos does at start-up, the flag warnings and the effective flags.
func (f *Flags) OpenLog(stderr io.Writer) (*Log, error) {
	program := f.fs.Program()
	l := &Log{}
	var handlers []slog.Handler
	if !f.Quiet {
		handlers = append(handlers, f.Logging.Logger(stderr).Handler())
	}
	if f.LogDir != "" {
		file, err := openLogFile(f.LogDir, program)
		if err != nil {
			return nil, err
		}
		l.File, l.file = file.Name(), file
		// --quiet silences stderr only; --logging_level applies to the file.
		fileLogging := f.Logging
		fileLogging.Quiet = false
		handlers = append(handlers, fileLogging.Logger(file).Handler())
	}
	switch len(handlers) {
	case 0:
		l.Logger = slog.New(slog.DiscardHandler)
	case 1:
		l.Logger = slog.New(handlers[0])
	default:
		l.Logger = slog.New(slog.NewMultiHandler(handlers...))
	}
	for _, w := range f.fs.Warnings() {
		l.Logger.Warn(w)
	}
	cmdutil.LogFlags(l.Logger, f.fs)
	if l.File != "" {
		l.Logger.Info("logging to " + l.File)
	}
	return l, nil
}

// openLogFile creates the log file in dir and points <program>.INFO at it.
func openLogFile(dir, program string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("--log_dir: %w", err)
	}
	host, _ := os.Hostname()
	if host == "" {
		host = "unknown"
	}
	who := "unknown"
	if u, err := user.Current(); err == nil {
		who = u.Username
	}
	name := fmt.Sprintf("%s.%s.%s.log.INFO.%s.%d", program, host, who, time.Now().Format("20060102-150405"), os.Getpid())
	path := filepath.Join(dir, name)
	file, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("--log_dir: %w", err)
	}
	link := filepath.Join(dir, program+".INFO")
	_ = os.Remove(link)
	_ = os.Symlink(name, link) // a convenience; the log works without it
	return file, nil
}
