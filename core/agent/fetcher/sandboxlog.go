package fetcher

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"
)

// fetchLog writes the fetch's account to the sandbox's stderr as glog
// lines ("I0102 15:04:05.000000  4242 fetcher.go] Fetching URI '...'"),
// the way the mesos-fetcher's log ended up there, and to the agent's
// logger with the container's attributes.
type fetchLog struct {
	mu     sync.Mutex
	stderr io.WriteCloser // nil when the sandbox file could not be opened
	now    func() time.Time
	log    *slog.Logger
	pid    int
}

// openFetchLog truncates the sandbox's stdout and stderr (creating them,
// mode 0644) and keeps stderr open for the fetch's lines.
func openFetchLog(root *os.Root, now func() time.Time, log *slog.Logger) (*fetchLog, error) {
	l := &fetchLog{now: now, log: log, pid: os.Getpid()}
	for _, name := range []string{"stdout", "stderr"} {
		f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, sandboxFileMode)
		if err != nil {
			if l.stderr != nil {
				l.stderr.Close()
			}
			return nil, fmt.Errorf("failed to create '%s' file: %w", name, err)
		}
		if name == "stderr" {
			l.stderr = f
		} else {
			f.Close()
		}
	}
	return l, nil
}

func (l *fetchLog) info(msg string, args ...any) { l.write('I', slog.LevelInfo, msg, args...) }
func (l *fetchLog) warn(msg string, args ...any) { l.write('W', slog.LevelWarn, msg, args...) }
func (l *fetchLog) error(msg string, args ...any) {
	l.write('E', slog.LevelError, msg, args...)
}

// write formats msg with args for the sandbox; the agent's log gets the
// same text.
func (l *fetchLog) write(severity byte, level slog.Level, msg string, args ...any) {
	text := fmt.Sprintf(msg, args...)
	l.log.Log(context.Background(), level, text)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stderr == nil {
		return
	}
	line := fmt.Sprintf("%c%s %7d fetcher.go] %s\n", severity, l.now().Format("0102 15:04:05.000000"), l.pid, text)
	_, _ = io.WriteString(l.stderr, line)
}

func (l *fetchLog) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stderr != nil {
		l.stderr.Close()
		l.stderr = nil
	}
}
