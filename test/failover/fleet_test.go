package failover

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/recordio"
	"github.com/gomesos/mesos/core/resources"
)

// agentAPI is where masters speak the agent protocol.
const agentAPI = "/internal/v1/agent"

// maxBackoff caps an agent's registration backoff, as core/agent's does.
const maxBackoff = time.Minute

// fleet is n simulated agents. Each registers as core/agent's masterLoop
// does: with the leader the detector names, after a random wait within a
// backoff that starts at --registration_backoff_factor, doubles after a
// failed attempt (unless the master answered 503 with a Retry-After: then
// that is waited first and the backoff kept) and starts again when a new
// leader is detected; once registered it keeps the master's event stream
// open and answers PINGs.
// It counts, per master, how many agents it accepted and when.
type fleet struct {
	client *http.Client
	factor time.Duration // --registration_backoff_factor
	watch  *leaderWatch
	agents []*simAgent

	mu      sync.Mutex
	tallies map[string]*tally // by master id
	// refused counts SUBSCRIBEs answered with something other than 200,
	// by status ("503", "connect"), since the last reset.
	refused map[string]int
	pongs   atomic.Int64
}

// simAgent is one agent; only its goroutine touches it.
type simAgent struct {
	info       *mesospb.AgentInfo // its id once registered
	address    *mesospb.Address
	lastMaster string // the master id it last registered with
}

// tally is how the agents registered with one master.
type tally struct {
	n           int
	first, last time.Time
	times       []time.Time   // in order
	all         chan struct{} // closed when every agent has
}

func newFleet(tb testing.TB, n int, factor time.Duration, watch *leaderWatch) *fleet {
	tb.Helper()
	rs, err := resources.ParseList("cpus:4;mem:8192;disk:100000;ports:[31000-32000]", "*")
	if err != nil {
		tb.Fatal(err)
	}
	f := &fleet{
		client: &http.Client{Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 512,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		}},
		factor:  factor,
		watch:   watch,
		tallies: map[string]*tally{},
		refused: map[string]int{},
	}
	for i := range n {
		host := fmt.Sprintf("agent-%05d.failover", i)
		f.agents = append(f.agents, &simAgent{
			info: &mesospb.AgentInfo{
				Hostname:  proto.String(host),
				Port:      proto.Int32(5051),
				Resources: rs,
			},
			address: &mesospb.Address{Hostname: proto.String(host), Ip: proto.String("127.0.0.1"), Port: proto.Int32(5051)},
		})
	}
	return f
}

// start runs every agent until ctx ends.
func (f *fleet) start(ctx context.Context) *sync.WaitGroup {
	var wg sync.WaitGroup
	for _, a := range f.agents {
		wg.Go(func() { f.run(ctx, a) })
	}
	return &wg
}

// run is one agent's registration loop (core/agent's masterLoop).
func (f *fleet) run(ctx context.Context, a *simAgent) {
	backoff := f.factor
	var pause time.Duration
	for {
		leader, _, changed := f.watch.current()
		if leader == nil {
			select {
			case <-changed:
				continue
			case <-ctx.Done():
				return
			}
		}
		select {
		case <-time.After(pause + time.Duration(rand.Int64N(int64(backoff)+1))):
		case <-changed:
			backoff = f.factor
			continue
		case <-ctx.Done():
			return
		}
		sctx, cancel := context.WithCancel(ctx)
		go func() {
			select {
			case <-changed:
				cancel()
			case <-sctx.Done():
			}
		}()
		pause = 0
		registered, retryAfter := f.session(sctx, a, leaderAddr(leader))
		cancel()
		if ctx.Err() != nil {
			return
		}
		select {
		case <-changed:
			backoff = f.factor
			continue
		default:
		}
		if registered {
			backoff = f.factor
			continue
		}
		if retryAfter >= 0 {
			pause = retryAfter
			continue
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// leaderAddr is host:port of a master, from its pid (master@ip:port).
func leaderAddr(info *mesospb.MasterInfo) string {
	pid := info.GetPid()
	return pid[strings.LastIndexByte(pid, '@')+1:]
}

// session subscribes with the master at addr and follows its events until
// the stream ends; it reports whether the agent was registered, and the
// Retry-After of a 503 (-1 without one).
func (f *fleet) session(ctx context.Context, a *simAgent, addr string) (bool, time.Duration) {
	call := &agentmasterpb.AgentCall{
		Type: agentmasterpb.AgentCall_SUBSCRIBE.Enum(),
		Subscribe: &agentmasterpb.AgentCall_Subscribe{
			AgentInfo: a.info,
			Capabilities: []*mesospb.AgentInfo_Capability{
				{Type: mesospb.AgentInfo_Capability_MULTI_ROLE.Enum()},
				{Type: mesospb.AgentInfo_Capability_HIERARCHICAL_ROLE.Enum()},
				{Type: mesospb.AgentInfo_Capability_RESERVATION_REFINEMENT.Enum()},
			},
			Version: proto.String("1.11.0"),
			Address: a.address,
		},
	}
	resp, err := f.post(ctx, addr, call, "")
	if err != nil {
		f.countRefusal("connect")
		return false, -1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		f.countRefusal(fmt.Sprint(resp.StatusCode))
		secs, err := strconv.Atoi(resp.Header.Get("Retry-After"))
		if resp.StatusCode != http.StatusServiceUnavailable || err != nil || secs < 0 {
			return false, -1
		}
		return false, min(time.Duration(secs)*time.Second, maxBackoff)
	}
	r := recordio.NewReader(resp.Body, 0)
	first, err := readEvent(r)
	if err != nil || first.GetType() != agentmasterpb.AgentEvent_SUBSCRIBED {
		f.countRefusal("no SUBSCRIBED")
		return false, -1
	}
	if a.info.Id == nil {
		a.info.Id = first.GetSubscribed().GetAgentId()
	}
	f.registered(a, first.GetSubscribed().GetMasterInfo().GetId(), time.Now())
	streamID := resp.Header.Get(httpapi.StreamIDHeader)
	for {
		ev, err := readEvent(r)
		if err != nil {
			return true, -1
		}
		if ev.GetType() == agentmasterpb.AgentEvent_PING {
			f.pong(ctx, a, addr, streamID, ev.GetPing().GetSequence())
		}
	}
}

func (f *fleet) pong(ctx context.Context, a *simAgent, addr, streamID string, seq uint64) {
	resp, err := f.post(ctx, addr, &agentmasterpb.AgentCall{
		Type:    agentmasterpb.AgentCall_PONG.Enum(),
		AgentId: a.info.GetId(),
		Pong:    &agentmasterpb.AgentCall_Pong{Sequence: proto.Uint64(seq)},
	}, streamID)
	if err != nil {
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusAccepted {
		f.pongs.Add(1)
	}
}

func (f *fleet) post(ctx context.Context, addr string, call *agentmasterpb.AgentCall, streamID string) (*http.Response, error) {
	body, err := proto.Marshal(call)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+agentAPI, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", httpapi.MediaProtobuf)
	req.Header.Set("Accept", httpapi.MediaProtobuf)
	if streamID != "" {
		req.Header.Set(httpapi.StreamIDHeader, streamID)
	}
	return f.client.Do(req)
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

// registered counts an agent's first registration with a master.
func (f *fleet) registered(a *simAgent, masterID string, at time.Time) {
	if a.lastMaster == masterID {
		return
	}
	a.lastMaster = masterID
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.tallyLocked(masterID)
	t.n++
	if t.n == 1 {
		t.first = at
	}
	t.last = at
	t.times = append(t.times, at)
	if t.n == len(f.agents) {
		close(t.all)
	}
}

func (f *fleet) tallyLocked(masterID string) *tally {
	t := f.tallies[masterID]
	if t == nil {
		t = &tally{all: make(chan struct{})}
		f.tallies[masterID] = t
	}
	return t
}

func (f *fleet) countRefusal(why string) {
	f.mu.Lock()
	f.refused[why]++
	f.mu.Unlock()
}

// takeRefusals returns the refusals counted since the last call.
func (f *fleet) takeRefusals() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.refused
	f.refused = map[string]int{}
	return out
}

// errTimeout: not every agent registered in time.
var errTimeout = errors.New("not every agent registered in time")

// quantiles are the times since start by which the fractions qs of the
// agents had registered with masterID.
func (f *fleet) quantiles(masterID string, start time.Time, qs ...float64) []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.tallyLocked(masterID)
	var out []time.Duration
	for _, q := range qs {
		i := min(int(q*float64(len(t.times))), len(t.times)-1)
		if i < 0 {
			out = append(out, 0)
			continue
		}
		out = append(out, t.times[i].Sub(start))
	}
	return out
}

// await waits up to d until every agent has registered with the master
// masterID; it returns when the first and the last did.
func (f *fleet) await(masterID string, d time.Duration) (first, last time.Time, err error) {
	f.mu.Lock()
	t := f.tallyLocked(masterID)
	f.mu.Unlock()
	select {
	case <-t.all:
	case <-time.After(d):
		f.mu.Lock()
		n := t.n
		f.mu.Unlock()
		return time.Time{}, time.Time{}, fmt.Errorf("%w: %d of %d after %s", errTimeout, n, len(f.agents), d)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return t.first, t.last, nil
}
