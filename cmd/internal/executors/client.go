package executors

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	pb "github.com/gomesos/mesos/core/proto/executorlitepb"
	"github.com/gomesos/mesos/core/recordio"
	"github.com/gomesos/mesos/core/uuid"
)

// client speaks the v1 executor API to the agent (Mesos's executor
// library): it subscribes, delivers the agent's events, sends updates and
// messages, keeps updates and tasks until the agent acknowledges them, and
// after losing the agent subscribes again with them, if the framework
// checkpoints, until the recovery timeout.
//
// It reads and writes the executor API's messages with the small types of
// executorlitepb, wire-compatible with executorpb's and mesospb's: their
// protobuf set-up on first use costs a fraction of the full types', which
// every command task's executor pays (docs/PERFORMANCE.md). Fields those
// types do not declare pass through unchanged. The docker executor, which
// needs the full types, uses Client (client_full.go) around it.
type client struct {
	env    Env
	url    string
	http   *http.Client
	log    *slog.Logger
	events chan *pb.Event
	calls  chan *pb.Call

	mu sync.Mutex
	// updates not yet acknowledged, in the order sent; tasks launched but
	// not yet acknowledged (the agent learns of both again on SUBSCRIBE).
	updates []*pb.Call_Update
	tasks   map[string]*pb.TaskInfo
	acked   chan struct{}
}

// mediaProtobuf is the v1 API's protobuf media type (httpapi.MediaProtobuf,
// which a test keeps equal). The executor does not import httpapi: its JSON
// codec brings the descriptor packages' init and size into every task's
// executor start.
const mediaProtobuf = "application/x-protobuf"

// ErrDisconnected ends a client that lost the agent and may not wait for
// it (the framework does not checkpoint), or waited longer than the
// recovery timeout.
var ErrDisconnected = errors.New("disconnected from the agent")

// newClient returns a client; Run connects it.
func newClient(env Env, log *slog.Logger) *client {
	return &client{
		env:    env,
		url:    "http://" + env.AgentEndpoint + "/api/v1/executor",
		http:   &http.Client{},
		log:    log,
		events: make(chan *pb.Event, 256),
		calls:  make(chan *pb.Call, 1024),
		tasks:  map[string]*pb.TaskInfo{},
		acked:  make(chan struct{}, 1),
	}
}

// Events are the agent's events, in order (ACKNOWLEDGED included, after
// the client has taken it into account).
func (c *client) Events() <-chan *pb.Event { return c.events }

// Acked is signalled whenever an acknowledgement arrives.
func (c *client) Acked() <-chan struct{} { return c.acked }

// Run keeps the executor subscribed until ctx ends (nil) or the executor
// must give up (ErrDisconnected).
func (c *client) Run(ctx context.Context) error {
	go c.sendCalls(ctx)
	everSubscribed := false
	var lostAt time.Time
	for {
		subscribed, err := c.subscribe(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if subscribed {
			everSubscribed = true
			lostAt = time.Now()
			c.log.Warn("lost the connection to the agent", "error", err)
		} else {
			c.log.Info("failed to subscribe to the agent", "error", err)
		}
		if everSubscribed {
			if !c.env.Checkpoint {
				return fmt.Errorf("%w: the framework does not checkpoint", ErrDisconnected)
			}
			if time.Since(lostAt) > c.env.RecoveryTimeout {
				return fmt.Errorf("%w: the agent did not come back within %s", ErrDisconnected, c.env.RecoveryTimeout)
			}
		}
		wait := time.Duration(rand.Int64N(int64(c.env.BackoffMax) + 1))
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil
		}
	}
}

// subscribe is one subscription: it reads events until the stream ends.
// It reports whether the agent accepted the subscription.
func (c *client) subscribe(ctx context.Context) (bool, error) {
	call := c.newCall(pb.Call_SUBSCRIBE)
	c.mu.Lock()
	sub := &pb.Call_Subscribe{}
	for _, u := range c.updates {
		sub.UnacknowledgedUpdates = append(sub.UnacknowledgedUpdates, proto.Clone(u).(*pb.Call_Update))
	}
	for _, t := range c.tasks {
		sub.UnacknowledgedTasks = append(sub.UnacknowledgedTasks, proto.Clone(t).(*pb.TaskInfo))
	}
	c.mu.Unlock()
	call.Subscribe = sub
	body, err := proto.Marshal(call)
	if err != nil {
		return false, fmt.Errorf("encode SUBSCRIBE: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", mediaProtobuf)
	req.Header.Set("Accept", mediaProtobuf)
	c.authorize(req)
	resp, err := c.http.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return false, fmt.Errorf("agent answered %s: %s", resp.Status, strings.TrimSpace(string(msg)))
	}
	r := recordio.NewReader(resp.Body, 0)
	subscribed := false
	for {
		rec, err := r.ReadRecord()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = errors.New("the agent closed the stream")
			}
			return subscribed, err
		}
		ev := &pb.Event{}
		if err := proto.Unmarshal(rec, ev); err != nil {
			return subscribed, fmt.Errorf("decode event: %w", err)
		}
		switch ev.GetType() {
		case pb.Event_SUBSCRIBED:
			subscribed = true
		case pb.Event_ACKNOWLEDGED:
			c.acknowledged(ev.GetAcknowledged())
		case pb.Event_LAUNCH:
			c.rememberTasks(ev.GetLaunch().GetTask())
		case pb.Event_LAUNCH_GROUP:
			c.rememberTasks(ev.GetLaunchGroup().GetTaskGroup().GetTasks()...)
		}
		select {
		case c.events <- ev:
		case <-ctx.Done():
			return subscribed, ctx.Err()
		}
	}
}

func (c *client) rememberTasks(tasks ...*pb.TaskInfo) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range tasks {
		c.tasks[t.GetTaskId().GetValue()] = t
	}
}

// acknowledged forgets an acknowledged update (and its task, which the
// agent then surely knows).
func (c *client) acknowledged(ack *pb.Event_Acknowledged) {
	c.mu.Lock()
	for i, u := range c.updates {
		if bytes.Equal(u.GetStatus().GetUuid(), ack.GetUuid()) {
			c.updates = append(c.updates[:i:i], c.updates[i+1:]...)
			break
		}
	}
	delete(c.tasks, ack.GetTaskId().GetValue())
	c.mu.Unlock()
	select {
	case c.acked <- struct{}{}:
	default:
	}
}

// Unacknowledged is the number of updates the agent has not acknowledged.
func (c *client) Unacknowledged() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.updates)
}

// Update sends a task status (the client fills source, executor, uuid
// and timestamp) and keeps it until acknowledged.
func (c *client) Update(status *pb.TaskStatus) {
	status.Source = pb.TaskStatus_SOURCE_EXECUTOR.Enum()
	status.ExecutorId = &pb.ExecutorID{Value: proto.String(c.env.ExecutorID)}
	status.Uuid = uuid.New().Bytes()
	if status.Timestamp == nil {
		status.Timestamp = proto.Float64(float64(time.Now().UnixNano()) / 1e9)
	}
	u := &pb.Call_Update{Status: status}
	c.mu.Lock()
	c.updates = append(c.updates, u)
	c.mu.Unlock()
	call := c.newCall(pb.Call_UPDATE)
	call.Update = u
	c.enqueue(call)
}

// Message sends data to the executor's scheduler.
func (c *client) Message(data []byte) {
	call := c.newCall(pb.Call_MESSAGE)
	call.Message = &pb.Call_Message{Data: data}
	c.enqueue(call)
}

func (c *client) newCall(t pb.Call_Type) *pb.Call {
	return &pb.Call{
		Type:        t.Enum(),
		FrameworkId: &pb.FrameworkID{Value: proto.String(c.env.FrameworkID)},
		ExecutorId:  &pb.ExecutorID{Value: proto.String(c.env.ExecutorID)},
	}
}

func (c *client) enqueue(call *pb.Call) {
	select {
	case c.calls <- call:
	default:
		c.log.Warn("dropping a call: too many queued", "type", call.GetType().String())
	}
}

// sendCalls posts calls one after the other, so the agent sees updates in
// order. A failed UPDATE stays unacknowledged and goes with the next
// SUBSCRIBE.
func (c *client) sendCalls(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case call := <-c.calls:
			if err := c.post(ctx, call); err != nil {
				c.log.Warn("failed to send a call to the agent", "type", call.GetType().String(), "error", err)
			}
		}
	}
}

// authorize presents the executor's token, when the agent gave one
// (executor authentication, authentication.md).
func (c *client) authorize(req *http.Request) {
	if c.env.AuthToken != "" {
		req.Header.Set("Authorization", "Bearer "+c.env.AuthToken)
	}
}

func (c *client) post(ctx context.Context, call *pb.Call) error {
	body, err := proto.Marshal(call)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", mediaProtobuf)
	c.authorize(req)
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("agent answered %s: %s", resp.Status, strings.TrimSpace(string(msg)))
	}
	return nil
}
