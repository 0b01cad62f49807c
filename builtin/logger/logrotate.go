package logger

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"

	"github.com/gomesos/mesos/modules/kinds/containerlogger"
)

// Logrotate is Mesos's LogrotateContainerLogger
// (org_apache_mesos_LogrotateContainerLogger): each of a container's
// stdout and stderr goes to the sandbox file of that name, rotated when it
// would grow past its maximum size and kept to a number of rotated files.
//
// Mesos pipes the output into a mesos-logrotate-logger process per
// container that runs the logrotate program. Here the agent forwards the
// output (FORWARD streams) and this module writes and rotates the files
// itself, in Go; the logrotate options it understands are those of
// ParseRotateOptions. Unlike Mesos's separate logger processes, forwarded
// output is not read while the agent is down: it waits in the container's
// pipe, and the next agent's logger (after Recover) rotates it on.
type Logrotate struct {
	cfg LogrotateConfig

	mu         sync.Mutex
	containers map[string]*rotated
}

// rotated is one container's two streams.
type rotated struct {
	streams [3]*Rotator // by containerlogger.Stream
	open    int
}

var _ containerlogger.ContainerLogger = (*Logrotate)(nil)

// NewLogrotate makes the logrotate logger from its parameters (see
// ParseLogrotateParams).
func NewLogrotate(params map[string]string) (containerlogger.ContainerLogger, error) {
	cfg, err := ParseLogrotateParams(params, slog.Default())
	if err != nil {
		return nil, err
	}
	return NewLogrotateLogger(cfg), nil
}

// NewLogrotateLogger makes the logrotate logger from cfg.
func NewLogrotateLogger(cfg LogrotateConfig) *Logrotate {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Logrotate{cfg: cfg, containers: map[string]*rotated{}}
}

// Recover takes over the containers an agent restart recovered: their
// streams are set up again as Prepare set them up (the same sizes and
// options, from the same executor), so that the output the new agent
// forwards goes on rotating; each file carries on from its current size
// and the rotated ones stay. A container already known keeps its streams.
// One that cannot be set up is left out, named in the error, and the
// others are recovered.
func (l *Logrotate) Recover(_ context.Context, req *containerlogger.RecoverRequest) (*containerlogger.RecoverResponse, error) {
	var errs []error
	recovered := 0
	for _, c := range req.GetContainers() {
		r, err := l.rotate(c)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		id := c.GetContainerId().GetValue()
		l.mu.Lock()
		_, known := l.containers[id]
		if !known {
			l.containers[id] = r
			recovered++
		}
		l.mu.Unlock()
	}
	l.cfg.Logger.Info("logrotate container logger: recovered containers", "containers", recovered, "failed", len(errs))
	return &containerlogger.RecoverResponse{}, errors.Join(errs...)
}

// Prepare sets up the rotation of the container's two streams.
func (l *Logrotate) Prepare(_ context.Context, req *containerlogger.PrepareRequest) (*containerlogger.PrepareResponse, error) {
	c := req.GetContainer()
	id := c.GetContainerId().GetValue()
	r, err := l.rotate(c)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	old := l.containers[id]
	l.containers[id] = r
	l.mu.Unlock()
	if old != nil {
		l.cfg.Logger.Warn("logrotate container logger: container prepared twice; dropping its earlier streams", "container", id)
		old.closeAll()
	}
	return &containerlogger.PrepareResponse{Stdout: containerlogger.Forward(), Stderr: containerlogger.Forward()}, nil
}

// rotate makes the rotators of a container's two streams, with the
// settings of its executor. They open their files at the first Write.
func (l *Logrotate) rotate(c *containerlogger.Container) (*rotated, error) {
	id := c.GetContainerId().GetValue()
	if id == "" || !filepath.IsAbs(c.GetDirectory()) {
		return nil, fmt.Errorf("logrotate container logger: container %q has no absolute sandbox directory (%q)", id, c.GetDirectory())
	}
	cfg, err := l.cfg.ForExecutor(c.GetExecutorInfo(), c.GetTaskInfo())
	if err != nil {
		return nil, fmt.Errorf("logrotate container logger: container %s: %w", id, err)
	}
	r := &rotated{open: 2}
	for s, sc := range map[containerlogger.Stream]StreamConfig{containerlogger.Stream_STDOUT: cfg.Stdout, containerlogger.Stream_STDERR: cfg.Stderr} {
		path := filepath.Join(c.GetDirectory(), containerlogger.FileName(s))
		rot, err := NewRotator(path, sc.MaxSize, sc.Options, l.cfg.Logger)
		if err != nil {
			return nil, fmt.Errorf("logrotate container logger: container %s: %w", id, err)
		}
		r.streams[s] = rot
	}
	return r, nil
}

func (l *Logrotate) stream(id string, s containerlogger.Stream) (*Rotator, error) {
	if s != containerlogger.Stream_STDOUT && s != containerlogger.Stream_STDERR {
		return nil, fmt.Errorf("logrotate container logger: container %s: no stream %v", id, s)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	r, ok := l.containers[id]
	if !ok || r.streams[s] == nil {
		return nil, fmt.Errorf("logrotate container logger: container %s: %s is not open", id, containerlogger.FileName(s))
	}
	return r.streams[s], nil
}

// Write appends to the stream's file, rotating as needed.
func (l *Logrotate) Write(_ context.Context, req *containerlogger.WriteRequest) (*containerlogger.WriteResponse, error) {
	rot, err := l.stream(req.GetContainerId().GetValue(), req.GetStream())
	if err != nil {
		return nil, err
	}
	if _, err := rot.Write(req.GetData()); err != nil {
		return nil, fmt.Errorf("logrotate container logger: %w", err)
	}
	return &containerlogger.WriteResponse{}, nil
}

// Close closes the stream's file, and forgets the container once both are
// closed. Closing a stream that is not open succeeds.
func (l *Logrotate) Close(_ context.Context, req *containerlogger.CloseRequest) (*containerlogger.CloseResponse, error) {
	id, s := req.GetContainerId().GetValue(), req.GetStream()
	l.mu.Lock()
	var rot *Rotator
	if r, ok := l.containers[id]; ok && (s == containerlogger.Stream_STDOUT || s == containerlogger.Stream_STDERR) && r.streams[s] != nil {
		rot, r.streams[s] = r.streams[s], nil
		if r.open--; r.open == 0 {
			delete(l.containers, id)
		}
	}
	l.mu.Unlock()
	if rot == nil {
		return &containerlogger.CloseResponse{}, nil
	}
	if err := rot.Close(); err != nil {
		return nil, fmt.Errorf("logrotate container logger: container %s: close %s: %w", id, containerlogger.FileName(s), err)
	}
	return &containerlogger.CloseResponse{}, nil
}

func (r *rotated) closeAll() {
	for _, rot := range r.streams {
		if rot != nil {
			_ = rot.Close()
		}
	}
}
