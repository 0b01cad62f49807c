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

	"github.com/gomesos/mesos/core/proto/executorpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/recordio"
	"github.com/gomesos/mesos/core/uuid"
)

// Client speaks the v1 executor API to the agent (Mesos's executor
// library): it subscribes, delivers the agent's events, sends updates and
// messages, keeps updates and tasks until the agent acknowledges them, and
// after losing the agent subscribes again with them, if the framework
// checkpoints, until the recovery timeout.
type Client struct {
	env    Env
	url    string
	http   *http.Client
	log    *slog.Logger
	events chan *executorpb.Event
	calls  chan *executorpb.Call

	mu sync.Mutex
	// updates not yet acknowledged, in the order sent; tasks launched but
	// not yet acknowledged (the agent learns of both again on SUBSCRIBE).
	updates []*executorpb.Call_Update
	tasks   map[string]*mesospb.TaskInfo
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

// NewClient returns a client; Run connects it.
func NewClient(env Env, log *slog.Logger) *Client {
	return &Client{
		env:    env,
		url:    "http://" + env.AgentEndpoint + "/api/v1/executor",
		http:   &http.Client{},
		log:    log,
		events: make(chan *executorpb.Event, 256),
		calls:  make(chan *executorpb.Call, 1024),
		tasks:  map[string]*mesospb.TaskInfo{},
		acked:  make(chan struct{}, 1),
	}
}

// Events are the agent's events, in order (ACKNOWLEDGED included, after
// the client has taken it into account).
func (c *Client) Events() <-chan *executorpb.Event { return c.events }

// Acked is signalled whenever an acknowledgement arrives.
func (c *Client) Acked() <-chan struct{} { return c.acked }

// Run keeps the executor subscribed until ctx ends (nil) or the executor
// must give up (ErrDisconnected).
func (c *Client) Run(ctx context.Context) error {
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
func (c *Client) subscribe(ctx context.Context) (bool, error) {
	call := c.newCall(executorpb.Call_SUBSCRIBE)
	c.mu.Lock()
	sub := &executorpb.Call_Subscribe{}
	for _, u := range c.updates {
		sub.UnacknowledgedUpdates = append(sub.UnacknowledgedUpdates, proto.Clone(u).(*executorpb.Call_Update))
	}
	for _, t := range c.tasks {
		sub.UnacknowledgedTasks = append(sub.UnacknowledgedTasks, proto.Clone(t).(*mesospb.TaskInfo))
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
		ev := &executorpb.Event{}
		if err := proto.Unmarshal(rec, ev); err != nil {
			return subscribed, fmt.Errorf("decode event: %w", err)
		}
		switch ev.GetType() {
		case executorpb.Event_SUBSCRIBED:
			subscribed = true
		case executorpb.Event_ACKNOWLEDGED:
			c.acknowledged(ev.GetAcknowledged())
		case executorpb.Event_LAUNCH:
			c.rememberTasks(ev.GetLaunch().GetTask())
		case executorpb.Event_LAUNCH_GROUP:
			c.rememberTasks(ev.GetLaunchGroup().GetTaskGroup().GetTasks()...)
		}
		select {
		case c.events <- ev:
		case <-ctx.Done():
			return subscribed, ctx.Err()
		}
	}
}

func (c *Client) rememberTasks(tasks ...*mesospb.TaskInfo) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range tasks {
		c.tasks[t.GetTaskId().GetValue()] = t
	}
}

// acknowledged forgets an acknowledged update (and its task, which the
// agent then surely knows).
func (c *Client) acknowledged(ack *executorpb.Event_Acknowledged) {
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
func (c *Client) Unacknowledged() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.updates)
}

// Update sends a task status (the client fills source, executor, uuid
// and timestamp) and keeps it until acknowledged.
func (c *Client) Update(status *mesospb.TaskStatus) {
	status.Source = mesospb.TaskStatus_SOURCE_EXECUTOR.Enum()
	status.ExecutorId = &mesospb.ExecutorID{Value: proto.String(c.env.ExecutorID)}
	status.Uuid = uuid.New().Bytes()
	if status.Timestamp == nil {
		status.Timestamp = proto.Float64(float64(time.Now().UnixNano()) / 1e9)
	}
	u := &executorpb.Call_Update{Status: status}
	c.mu.Lock()
	c.updates = append(c.updates, u)
	c.mu.Unlock()
	call := c.newCall(executorpb.Call_UPDATE)
	call.Update = u
	c.enqueue(call)
}

// Message sends data to the executor's scheduler.
func (c *Client) Message(data []byte) {
	call := c.newCall(executorpb.Call_MESSAGE)
	call.Message = &executorpb.Call_Message{Data: data}
	c.enqueue(call)
}

func (c *Client) newCall(t executorpb.Call_Type) *executorpb.Call {
	return &executorpb.Call{
		Type:        t.Enum(),
		FrameworkId: &mesospb.FrameworkID{Value: proto.String(c.env.FrameworkID)},
		ExecutorId:  &mesospb.ExecutorID{Value: proto.String(c.env.ExecutorID)},
	}
}

func (c *Client) enqueue(call *executorpb.Call) {
	select {
	case c.calls <- call:
	default:
		c.log.Warn("dropping a call: too many queued", "type", call.GetType().String())
	}
}

// sendCalls posts calls one after the other, so the agent sees updates in
// order. A failed UPDATE stays unacknowledged and goes with the next
// SUBSCRIBE.
func (c *Client) sendCalls(ctx context.Context) {
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

func (c *Client) post(ctx context.Context, call *executorpb.Call) error {
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
