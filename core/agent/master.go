package agent

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/recordio"
)

// agentAPIPath is where the master speaks agentmaster.proto.
const agentAPIPath = "/internal/v1/agent"

// maxRegistrationBackoff caps the wait between registration attempts
// (Mesos's REGISTER_RETRY_INTERVAL_MAX).
const maxRegistrationBackoff = time.Minute

// defaultPingInterval is assumed until the master says its own.
const defaultPingInterval = 15 * time.Second

// maxMissedPings is how many ping intervals without any event make the
// agent give the master up (Mesos's default --max_agent_ping_timeouts).
const maxMissedPings = 5

// refusedError is a registration the master turned down for good (403):
// the agent was removed or marked gone.
type refusedError struct{ msg string }

func (e *refusedError) Error() string { return "master refused the agent: " + e.msg }

// errNewLeader ends a registration with a master that no longer leads.
var errNewLeader = errors.New("a new leading master was detected")

// maxMasterRedirects bounds how many 307s one registration follows.
const maxMasterRedirects = 5

// masterLoop registers with the master and keeps the registration: after
// a lost connection it registers again, waiting a random part of a
// backoff that doubles (from --registration_backoff_factor up to a
// minute) while the master stays away, as Mesos's
// doReliableRegistration does; a master that answers 503 with a
// Retry-After (still recovering) is retried after that, without doubling
// (registration_backoff.go). With --master=zk://... it registers with
// the leader the detector reports, and when a new leader is detected it
// leaves the old one and registers again with the new one (with the same
// agent id and what it runs, so the new master re-admits it).
func (a *Agent) masterLoop(ctx context.Context) {
	leaders, err := a.watchLeader(ctx)
	if err != nil {
		a.log.Error("cannot follow the master; shutting down", "error", err)
		a.post(func() { a.stop(err) })
		return
	}
	factor := a.cfg.RegistrationBackoffFactor
	backoff := factor
	var pause time.Duration // what the master asked to wait (Retry-After)
	for {
		base, pid, changed, err := leaders.current(ctx)
		if err != nil {
			return
		}
		wait := pause + time.Duration(rand.Int64N(int64(backoff)+1))
		pause = 0
		select {
		case <-time.After(wait):
		case <-changed:
			backoff = factor
			continue
		case <-ctx.Done():
			return
		}
		sctx, cancel := context.WithCancelCause(ctx)
		go func() {
			select {
			case <-changed:
				cancel(errNewLeader)
			case <-sctx.Done():
			}
		}()
		registered, err := a.session(sctx, base)
		cancel(nil)
		if ctx.Err() != nil {
			return
		}
		var refused *refusedError
		if errors.As(err, &refused) {
			a.post(func() { a.registrationRefused(refused) })
			return
		}
		select {
		case <-changed:
			backoff = factor
			a.log.Info("the leading master changed; registering with the new one", "previous", pid, "error", err)
			continue
		default:
		}
		if registered {
			backoff = factor
			a.log.Warn("lost the connection to the master; registering again", "master", pid, "error", err)
			continue
		}
		pause, backoff = registrationRetry(err, backoff)
		a.log.Warn("failed to register with the master; will retry", "master", pid, "error", err,
			"retry_after", pause, "retry_within", pause+backoff)
	}
}

// subscribe posts SUBSCRIBE to the master at base, following a
// non-leading master's 307 to the leader. It returns the answer (200) and
// the base URL of the master that gave it.
func (a *Agent) subscribe(ctx context.Context, base string, body []byte) (*http.Response, string, error) {
	client := *a.cfg.HTTPClient
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for i := 0; ; i++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+agentAPIPath, bytes.NewReader(body))
		if err != nil {
			return nil, "", err
		}
		req.Header.Set("Content-Type", httpapi.MediaProtobuf)
		req.Header.Set("Accept", httpapi.MediaProtobuf)
		a.presentCredential(req)
		resp, err := client.Do(req)
		if err != nil {
			return nil, "", fmt.Errorf("connect to master %s: %w", base, err)
		}
		if resp.StatusCode == http.StatusOK {
			return resp, base, nil
		}
		if resp.StatusCode == http.StatusTemporaryRedirect && i < maxMasterRedirects {
			loc := resp.Header.Get("Location")
			resp.Body.Close()
			next, err := redirectBase(loc)
			if err != nil {
				return nil, "", fmt.Errorf("master %s redirected: %w", base, err)
			}
			a.log.Info("the master is not the leader; following it to the leader", "master", base, "leader", next)
			base = next
			continue
		}
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		text := strings.TrimSpace(string(msg))
		if resp.StatusCode == http.StatusForbidden {
			return nil, "", &refusedError{msg: text}
		}
		if resp.StatusCode == http.StatusUnauthorized {
			return nil, "", a.authenticationRefused(base, text)
		}
		err = fmt.Errorf("master %s answered %s: %s", base, resp.Status, text)
		if after, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok && resp.StatusCode == http.StatusServiceUnavailable {
			return nil, "", &retryLaterError{after: after, msg: err.Error()}
		}
		return nil, "", err
	}
}

// session is one registration: it subscribes, then reads the master's
// events until the stream ends. It reports whether the agent was
// registered during the session.
func (a *Agent) session(ctx context.Context, base string) (bool, error) {
	var call *agentmasterpb.AgentCall
	if err := a.call(ctx, func() { call = a.subscribeCall() }); err != nil {
		return false, err
	}
	body, err := proto.Marshal(call)
	if err != nil {
		return false, fmt.Errorf("encode SUBSCRIBE: %w", err)
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	resp, base, err := a.subscribe(sctx, base, body)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	streamID := resp.Header.Get(httpapi.StreamIDHeader)

	// The watchdog drops a connection that has gone quiet: a cut network
	// does not always end the TCP stream.
	var timedOut atomic.Bool
	silence := maxMissedPings * defaultPingInterval
	watchdog := time.AfterFunc(silence, func() {
		timedOut.Store(true)
		cancel()
	})
	defer watchdog.Stop()

	r := recordio.NewReader(resp.Body, 0)
	first, err := readEvent(r)
	if err != nil {
		return false, fmt.Errorf("read SUBSCRIBED: %w", err)
	}
	if first.GetType() != agentmasterpb.AgentEvent_SUBSCRIBED || first.GetSubscribed() == nil {
		return false, fmt.Errorf("master's first event is %s, not SUBSCRIBED", first.GetType())
	}
	if secs := first.GetSubscribed().GetPingIntervalSeconds(); secs > 0 {
		silence = time.Duration(float64(maxMissedPings) * secs * float64(time.Second))
	}
	conn := newMasterConn(a, sctx, base, streamID, first.GetSubscribed().GetAgentId().GetValue())
	go conn.run()
	a.post(func() { a.registered(conn, first.GetSubscribed()) })
	for {
		watchdog.Reset(silence)
		ev, err := readEvent(r)
		if err != nil {
			reason := err.Error()
			switch {
			case timedOut.Load():
				reason = fmt.Sprintf("no ping from the master within %s", silence)
				err = errors.New(reason)
			case errors.Is(err, io.EOF):
				reason = "the master closed the connection"
				err = errors.New(reason)
			case errors.Is(context.Cause(ctx), errNewLeader):
				reason = errNewLeader.Error()
				err = errNewLeader
			}
			a.post(func() { a.disconnected(conn, reason) })
			return true, err
		}
		a.post(func() { a.handleEvent(conn, ev) })
	}
}

func readEvent(r *recordio.Reader) (*agentmasterpb.AgentEvent, error) {
	rec, err := r.ReadRecord()
	if err != nil {
		return nil, err
	}
	ev := &agentmasterpb.AgentEvent{}
	if err := proto.Unmarshal(rec, ev); err != nil {
		return nil, fmt.Errorf("decode event: %w", err)
	}
	return ev, nil
}

// masterConn is one registration with the master: its stream id and the
// queue of calls the agent sends on it, in order.
type masterConn struct {
	a        *Agent
	ctx      context.Context
	base     string // http://host:port of the master
	streamID string
	agentID  string
	calls    chan *agentmasterpb.AgentCall
	closed   atomic.Bool
}

// masterCallQueue bounds the calls waiting to be sent; status updates
// dropped when it is full are resent by the status update manager.
const masterCallQueue = 4096

func newMasterConn(a *Agent, ctx context.Context, base, streamID, agentID string) *masterConn {
	return &masterConn{a: a, ctx: ctx, base: base, streamID: streamID, agentID: agentID, calls: make(chan *agentmasterpb.AgentCall, masterCallQueue)}
}

// send queues a call; it reports false when the call was dropped.
func (c *masterConn) send(call *agentmasterpb.AgentCall) bool {
	if c.closed.Load() {
		return false
	}
	select {
	case c.calls <- call:
		return true
	default:
		c.a.log.Warn("dropping a call to the master: too many queued", "type", call.GetType().String())
		return false
	}
}

// close ends the registration's stream (and its sender).
func (c *masterConn) close() { c.closed.Store(true) }

// run posts the queued calls one after the other until the session ends.
func (c *masterConn) run() {
	url := c.base + agentAPIPath
	for {
		select {
		case <-c.ctx.Done():
			return
		case call := <-c.calls:
			if c.closed.Load() {
				return
			}
			call.AgentId = agentIDValue(c.agentID)
			if err := c.post(url, call); err != nil && c.ctx.Err() == nil {
				c.a.log.Warn("failed to send a call to the master", "type", call.GetType().String(), "error", err)
			}
		}
	}
}

func (c *masterConn) post(url string, call *agentmasterpb.AgentCall) error {
	body, err := proto.Marshal(call)
	if err != nil {
		return fmt.Errorf("encode %s: %w", call.GetType(), err)
	}
	ctx, cancel := context.WithTimeout(c.ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", httpapi.MediaProtobuf)
	req.Header.Set(httpapi.StreamIDHeader, c.streamID)
	resp, err := c.a.cfg.HTTPClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("master answered %s: %s", resp.Status, strings.TrimSpace(string(msg)))
	}
	return nil
}

// unregister tells the master the agent is gone for good (UNREGISTER),
// waiting a little for the answer.
func (a *Agent) unregister(c *masterConn) {
	call := &agentmasterpb.AgentCall{Type: agentmasterpb.AgentCall_UNREGISTER.Enum(), AgentId: agentIDValue(c.agentID)}
	if err := c.post(c.base+agentAPIPath, call); err != nil {
		a.log.Warn("failed to unregister from the master", "error", err)
		return
	}
	a.log.Info("Unregistered from the master")
}
