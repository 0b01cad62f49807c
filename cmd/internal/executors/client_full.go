package executors

import (
	"context"
	"fmt"
	"log/slog"

	"google.golang.org/protobuf/proto"

	pb "github.com/gomesos/mesos/core/proto/executorlitepb"
	"github.com/gomesos/mesos/core/proto/executorpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// Client is client with the full v1 types (executorpb, mesospb), for the
// docker executor, which reads ExecutorInfo and ContainerInfo and reports
// container statuses that the small types leave out. Messages cross
// between the two by their encoding, which is the same: nothing is lost,
// fields the small types do not declare travel as unknown fields.
type Client struct {
	c      *client
	log    *slog.Logger
	events chan *executorpb.Event
}

// NewClient returns a client; Run connects it.
func NewClient(env Env, log *slog.Logger) *Client {
	return &Client{c: newClient(env, log), log: log, events: make(chan *executorpb.Event, 256)}
}

// Run keeps the executor subscribed until ctx ends (nil) or the executor
// must give up (ErrDisconnected); see client.Run.
func (c *Client) Run(ctx context.Context) error {
	go c.convertEvents(ctx)
	return c.c.Run(ctx)
}

// convertEvents hands the agent's events on as full types, in order.
func (c *Client) convertEvents(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-c.c.Events():
			full, err := toFullEvent(ev)
			if err != nil {
				c.log.Error("dropping an event", "type", ev.GetType().String(), "error", err)
				continue
			}
			select {
			case c.events <- full:
			case <-ctx.Done():
				return
			}
		}
	}
}

// Events are the agent's events, in order (ACKNOWLEDGED included, after
// the client has taken it into account).
func (c *Client) Events() <-chan *executorpb.Event { return c.events }

// Acked is signalled whenever an acknowledgement arrives.
func (c *Client) Acked() <-chan struct{} { return c.c.Acked() }

// Unacknowledged is the number of updates the agent has not acknowledged.
func (c *Client) Unacknowledged() int { return c.c.Unacknowledged() }

// Update sends a task status (the client fills source, executor, uuid
// and timestamp) and keeps it until acknowledged.
func (c *Client) Update(status *mesospb.TaskStatus) {
	lite, err := toLiteStatus(status)
	if err != nil {
		// Only a status that cannot be encoded gets here; the agent
		// would refuse it too.
		c.log.Error("dropping a status update", "task", status.GetTaskId().GetValue(), "error", err)
		return
	}
	c.c.Update(lite)
}

// Message sends data to the executor's scheduler.
func (c *Client) Message(data []byte) { c.c.Message(data) }

func toFullEvent(ev *pb.Event) (*executorpb.Event, error) {
	b, err := proto.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("encode event: %w", err)
	}
	full := &executorpb.Event{}
	// Partial, as the client's own decoding: the small types have no
	// required fields.
	if err := (proto.UnmarshalOptions{AllowPartial: true}).Unmarshal(b, full); err != nil {
		return nil, fmt.Errorf("decode event as executorpb.Event: %w", err)
	}
	return full, nil
}

func toLiteStatus(status *mesospb.TaskStatus) (*pb.TaskStatus, error) {
	b, err := proto.Marshal(status)
	if err != nil {
		return nil, fmt.Errorf("encode status: %w", err)
	}
	lite := &pb.TaskStatus{}
	if err := proto.Unmarshal(b, lite); err != nil {
		return nil, fmt.Errorf("decode status: %w", err)
	}
	return lite, nil
}
