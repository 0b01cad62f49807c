// Package statusupdate is the agent's status update manager (Mesos's
// TaskStatusUpdateManager): it makes task status updates reach the master
// reliably and in order.
//
// Each task has a stream of updates. An update is checkpointed (appended to
// the task's update log, when its framework checkpoints) before it is
// queued, and only the head of a stream is sent to the master: the next
// update of a task waits until the previous one is acknowledged. The head
// is sent again, with exponential backoff, until its acknowledgement
// arrives. Acknowledgements are checkpointed too; a stream whose terminal
// update is acknowledged is done and removed. While the agent has no
// master the manager is paused and sends nothing; Resume sends every head
// at once.
//
// A Manager is not safe for concurrent use: the agent drives it from its
// event loop, and its retry timers call back through the same loop.
package statusupdate

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/checkpoint"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/uuid"
)

// Update is a task status update as the agent sends it to the master.
type Update = agentmasterpb.AgentCall_StatusUpdate

// Mesos's retry bounds (STATUS_UPDATE_RETRY_INTERVAL_MIN and _MAX).
const (
	DefaultRetryMin = 10 * time.Second
	DefaultRetryMax = 10 * time.Minute
)

// Options configure a Manager.
type Options struct {
	// Forward sends an update to the master. It gets a copy it may keep.
	Forward func(*Update)
	// After runs fn after d on the caller's loop and returns a function
	// that cancels it. Required.
	After func(d time.Duration, fn func()) (cancel func())
	// RetryMin and RetryMax bound the resend backoff.
	RetryMin, RetryMax time.Duration
	Logger             *slog.Logger
}

// Manager holds the status update streams of every task of the agent.
type Manager struct {
	opts    Options
	log     *slog.Logger
	paused  bool
	streams map[string]map[string]*stream // framework id -> task id
}

// stream is one task's queue of updates.
type stream struct {
	frameworkID, taskID string
	// path is the task's update log; empty when its framework does not
	// checkpoint.
	path         string
	pending      []*Update
	received     map[string]bool
	acknowledged map[string]bool
	// terminated is set once a terminal update was acknowledged.
	terminated bool

	cancel   func()
	interval time.Duration
}

// New returns a paused Manager: it sends nothing until Resume.
func New(opts Options) *Manager {
	if opts.RetryMin <= 0 {
		opts.RetryMin = DefaultRetryMin
	}
	if opts.RetryMax < opts.RetryMin {
		opts.RetryMax = max(DefaultRetryMax, opts.RetryMin)
	}
	if opts.Forward == nil {
		opts.Forward = func(*Update) {}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Manager{opts: opts, log: opts.Logger, paused: true, streams: map[string]map[string]*stream{}}
}

// ErrNoStream means an acknowledgement names a task without updates.
var ErrNoStream = errors.New("no status update stream")

// Update checkpoints u (when path, the task's update log, is not empty),
// queues it and sends it if it is the head of its task's stream. It
// reports whether u was new: a duplicate (same uuid) is ignored.
func (m *Manager) Update(u *Update, path string) (bool, error) {
	id := u.GetStatus().GetUuid()
	if len(id) == 0 {
		return false, errors.New("status update is missing 'uuid'")
	}
	fwID, taskID := u.GetFrameworkId().GetValue(), u.GetStatus().GetTaskId().GetValue()
	s := m.stream(fwID, taskID)
	if s == nil {
		s = &stream{frameworkID: fwID, taskID: taskID, path: path, received: map[string]bool{}, acknowledged: map[string]bool{}}
		if m.streams[fwID] == nil {
			m.streams[fwID] = map[string]*stream{}
		}
		m.streams[fwID][taskID] = s
	}
	key := string(id)
	if s.acknowledged[key] {
		m.log.Warn("Ignoring status update that has already been acknowledged", "update", describe(u))
		return false, nil
	}
	if s.received[key] {
		m.log.Warn("Ignoring duplicate status update", "update", describe(u))
		return false, nil
	}
	if s.path != "" {
		if err := checkpoint.AppendRecord(s.path, checkpoint.Record{Type: checkpoint.RecordUpdate, Update: u}); err != nil {
			return false, fmt.Errorf("checkpoint status update %s: %w", describe(u), err)
		}
	}
	s.received[key] = true
	s.pending = append(s.pending, proto.Clone(u).(*Update))
	m.log.Info("Received status update", "update", describe(u))
	if len(s.pending) == 1 && !m.paused {
		m.forward(s)
	}
	return true, nil
}

// Acknowledge handles the master's acknowledgement of a task's update. It
// reports whether the update was terminal (the task is done with): the
// stream is then removed.
func (m *Manager) Acknowledge(frameworkID, taskID string, id []byte) (terminal bool, err error) {
	s := m.stream(frameworkID, taskID)
	if s == nil {
		return false, fmt.Errorf("%w for task %s of framework %s", ErrNoStream, taskID, frameworkID)
	}
	if s.acknowledged[string(id)] {
		m.log.Warn("Duplicate status update acknowledgement", "uuid", uuidString(id), "task", taskID, "framework", frameworkID)
		return false, nil
	}
	if len(s.pending) == 0 {
		return false, fmt.Errorf("unexpected status update acknowledgement (received %s) for task %s of framework %s", uuidString(id), taskID, frameworkID)
	}
	head := s.pending[0]
	if !bytes.Equal(head.GetStatus().GetUuid(), id) {
		return false, fmt.Errorf("unexpected status update acknowledgement (received %s, expecting %s) for task %s of framework %s",
			uuidString(id), uuidString(head.GetStatus().GetUuid()), taskID, frameworkID)
	}
	if s.path != "" {
		if err := checkpoint.AppendRecord(s.path, checkpoint.Record{Type: checkpoint.RecordAck, UUID: id}); err != nil {
			return false, fmt.Errorf("checkpoint acknowledgement of %s: %w", describe(head), err)
		}
	}
	s.acknowledged[string(id)] = true
	s.pending = s.pending[1:]
	s.stopTimer()
	terminal = isTerminal(head.GetStatus().GetState())
	m.log.Info("Processed status update acknowledgement", "uuid", uuidString(id), "task", taskID, "framework", frameworkID)
	if terminal {
		s.terminated = true
		if len(s.pending) > 0 {
			m.log.Warn("Acknowledged a terminal status update but updates are still pending", "task", taskID, "framework", frameworkID)
		}
		m.remove(s)
		return true, nil
	}
	if len(s.pending) > 0 && !m.paused {
		m.forward(s)
	}
	return false, nil
}

// Recover rebuilds a task's stream from its update log after an agent
// restart: updates in their order, acks the set of acknowledged uuids. A
// task whose terminal update was acknowledged has no stream. Nothing is
// sent until Resume.
func (m *Manager) Recover(frameworkID, taskID, path string, updates []*Update, acks map[string]bool) {
	s := &stream{frameworkID: frameworkID, taskID: taskID, path: path, received: map[string]bool{}, acknowledged: map[string]bool{}}
	for _, u := range updates {
		key := string(u.GetStatus().GetUuid())
		if len(key) == 0 || s.received[key] {
			continue
		}
		s.received[key] = true
		if acks[key] {
			s.acknowledged[key] = true
			if isTerminal(u.GetStatus().GetState()) {
				s.terminated = true
			}
			continue
		}
		s.pending = append(s.pending, proto.Clone(u).(*Update))
	}
	if s.terminated || len(s.received) == 0 {
		return
	}
	if m.streams[frameworkID] == nil {
		m.streams[frameworkID] = map[string]*stream{}
	}
	m.streams[frameworkID][taskID] = s
}

// Pause stops sending (the agent lost its master).
func (m *Manager) Pause() {
	m.paused = true
	for _, tasks := range m.streams {
		for _, s := range tasks {
			s.stopTimer()
		}
	}
}

// Resume sends the head of every stream at once (the agent registered).
func (m *Manager) Resume() {
	m.paused = false
	for _, tasks := range m.streams {
		for _, s := range tasks {
			if len(s.pending) > 0 {
				s.stopTimer()
				s.interval = 0
				m.forward(s)
			}
		}
	}
}

// Cleanup drops every stream of a framework (it is shut down).
func (m *Manager) Cleanup(frameworkID string) {
	for _, s := range m.streams[frameworkID] {
		s.stopTimer()
	}
	delete(m.streams, frameworkID)
}

// Pending returns the unacknowledged head of every stream.
func (m *Manager) Pending() []*Update {
	var out []*Update
	for _, tasks := range m.streams {
		for _, s := range tasks {
			if len(s.pending) > 0 {
				out = append(out, proto.Clone(s.pending[0]).(*Update))
			}
		}
	}
	return out
}

// Latest returns the newest update queued for a task (nil if none is
// pending): the task's latest state as the agent knows it.
func (m *Manager) Latest(frameworkID, taskID string) *Update {
	s := m.stream(frameworkID, taskID)
	if s == nil || len(s.pending) == 0 {
		return nil
	}
	return s.pending[len(s.pending)-1]
}

func (m *Manager) stream(frameworkID, taskID string) *stream {
	return m.streams[frameworkID][taskID]
}

func (m *Manager) remove(s *stream) {
	s.stopTimer()
	delete(m.streams[s.frameworkID], s.taskID)
	if len(m.streams[s.frameworkID]) == 0 {
		delete(m.streams, s.frameworkID)
	}
}

// forward sends the head of s and arms its resend timer.
func (m *Manager) forward(s *stream) {
	head := s.pending[0]
	if s.interval <= 0 {
		s.interval = m.opts.RetryMin
	}
	m.opts.Forward(proto.Clone(head).(*Update))
	id := head.GetStatus().GetUuid()
	s.stopTimer()
	s.cancel = m.opts.After(s.interval, func() { m.retry(s, id) })
}

// retry resends the head of s if it is still the update id.
func (m *Manager) retry(s *stream, id []byte) {
	s.cancel = nil
	if m.paused || m.stream(s.frameworkID, s.taskID) != s || len(s.pending) == 0 ||
		!bytes.Equal(s.pending[0].GetStatus().GetUuid(), id) {
		return
	}
	s.interval = min(2*s.interval, m.opts.RetryMax)
	m.log.Info("Resending status update", "update", describe(s.pending[0]), "next_in", s.interval)
	m.forward(s)
}

func (s *stream) stopTimer() {
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
}

func isTerminal(s mesospb.TaskState) bool {
	switch s {
	case mesospb.TaskState_TASK_FINISHED, mesospb.TaskState_TASK_FAILED, mesospb.TaskState_TASK_KILLED,
		mesospb.TaskState_TASK_ERROR, mesospb.TaskState_TASK_LOST, mesospb.TaskState_TASK_DROPPED,
		mesospb.TaskState_TASK_GONE, mesospb.TaskState_TASK_GONE_BY_OPERATOR:
		return true
	}
	return false
}

// describe prints an update as Mesos logs it.
func describe(u *Update) string {
	return fmt.Sprintf("%s (Status UUID: %s) for task %s of framework %s",
		u.GetStatus().GetState(), uuidString(u.GetStatus().GetUuid()),
		u.GetStatus().GetTaskId().GetValue(), u.GetFrameworkId().GetValue())
}

func uuidString(b []byte) string {
	if id, err := uuid.FromBytes(b); err == nil {
		return id.String()
	}
	return fmt.Sprintf("%x", b)
}
