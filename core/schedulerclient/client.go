// Package schedulerclient is a client of the v1 scheduler HTTP API, as a
// framework written for Apache Mesos uses it: SUBSCRIBE opens a RecordIO
// stream of events, every other call is a POST carrying the stream's
// Mesos-Stream-Id, and a non-leading master answers 307 with the leader's
// address. mesos-execute and the end-to-end tests are built on it.
package schedulerclient

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"

	zkdetector "github.com/gomesos/mesos/builtin/detector/zookeeper"
	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/recordio"
)

// maxRedirects bounds how many times a call follows a 307 to the leader.
const maxRedirects = 5

// Config describes how to reach the master.
type Config struct {
	// Master is host:port of any master (calls follow the leader), or
	// zk://host:port,.../path: the leader is found in ZooKeeper.
	Master string
	// Detector, when set, finds the leader with --master=zk://... (one
	// is made and closed for each subscription otherwise).
	Detector *zkdetector.Detector
	// Logger receives the client's log; slog.Default() when nil.
	Logger *slog.Logger
	// Codec is the encoding of calls and events (JSON by default).
	Codec httpapi.Codec
	// HTTP is the client to use (one of the session's own when nil, see
	// newHTTPClient). Its Timeout must be zero: the event stream stays open.
	HTTP *http.Client
}

// idleConnsPerHost is how many idle connections to the master the
// session's own client keeps. http.DefaultTransport keeps 2 per host, so a
// framework making calls from more goroutines than that (acknowledgements
// in parallel with ACCEPTs) closed a connection after most calls and
// dialed a new one for the next: a TCP connect, an accept and a new
// server goroutine with its buffers in the master, per call.
const idleConnsPerHost = 64

// newHTTPClient is the client of a session given none: http.DefaultClient's
// settings with more idle connections per host, closed with the session.
func newHTTPClient() *http.Client {
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return &http.Client{}
	}
	t = t.Clone()
	t.MaxIdleConnsPerHost = idleConnsPerHost
	return &http.Client{Transport: t}
}

// Session is a subscribed framework: its id, its stream and its calls.
type Session struct {
	cfg         Config
	master      string // the leader, after redirects
	frameworkID string
	streamID    string
	events      chan *schedulerpb.Event
	body        io.ReadCloser
	done        chan struct{}
	closeOnce   sync.Once
	err         error // why the stream ended; read after done is closed
	ownClient   bool  // cfg.HTTP was made for this session: Close closes its idle connections
}

// Subscribe opens the event stream. It returns once SUBSCRIBED arrived;
// an ERROR event in its place is returned as an error.
func Subscribe(ctx context.Context, cfg Config, info *mesospb.FrameworkInfo) (*Session, error) {
	ownClient := cfg.HTTP == nil
	if ownClient {
		cfg.HTTP = newHTTPClient()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s, err := subscribe(ctx, cfg, info, ownClient)
	if err != nil && ownClient {
		cfg.HTTP.CloseIdleConnections()
	}
	return s, err
}

func subscribe(ctx context.Context, cfg Config, info *mesospb.FrameworkInfo, ownClient bool) (*Session, error) {
	call := &schedulerpb.Call{
		Type:        schedulerpb.Call_SUBSCRIBE.Enum(),
		FrameworkId: info.GetId(),
		Subscribe:   &schedulerpb.Call_Subscribe{FrameworkInfo: info},
	}
	target, err := cfg.leader(ctx)
	if err != nil {
		return nil, err
	}
	resp, master, err := post(ctx, cfg, target, call, "")
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		return nil, &StatusError{Call: "SUBSCRIBE", Code: resp.StatusCode, err: statusError("SUBSCRIBE", resp)}
	}
	s := &Session{
		cfg: cfg, master: master, streamID: resp.Header.Get(httpapi.StreamIDHeader), ownClient: ownClient,
		events: make(chan *schedulerpb.Event, 256), body: resp.Body, done: make(chan struct{}),
	}
	reader := recordio.NewReader(bufio.NewReader(resp.Body), 0)
	first, err := s.read(reader)
	if err != nil {
		resp.Body.Close()
		return nil, fmt.Errorf("read the first event: %w", err)
	}
	switch first.GetType() {
	case schedulerpb.Event_SUBSCRIBED:
		s.frameworkID = first.GetSubscribed().GetFrameworkId().GetValue()
	case schedulerpb.Event_ERROR:
		resp.Body.Close()
		return nil, fmt.Errorf("subscription refused: %s", first.GetError().GetMessage())
	default:
		resp.Body.Close()
		return nil, fmt.Errorf("expected SUBSCRIBED, got %s", first.GetType())
	}
	s.events <- first
	go s.pump(reader)
	return s, nil
}

// Master is host:port of the master the session is subscribed with.
func (s *Session) Master() string { return s.master }

// FrameworkID is the id the master gave (or accepted for) the framework.
func (s *Session) FrameworkID() string { return s.frameworkID }

// Events delivers every event, SUBSCRIBED first. It is closed when the
// stream ends; Err then says why.
func (s *Session) Events() <-chan *schedulerpb.Event { return s.events }

// Err is why the stream ended (nil while it is open or after Close).
func (s *Session) Err() error {
	select {
	case <-s.done:
		return s.err
	default:
		return nil
	}
}

// Close ends the stream.
func (s *Session) Close() {
	s.closeOnce.Do(func() {
		s.body.Close()
		if s.ownClient {
			s.cfg.HTTP.CloseIdleConnections()
		}
	})
}

func (s *Session) read(r *recordio.Reader) (*schedulerpb.Event, error) {
	rec, err := r.ReadRecord()
	if err != nil {
		return nil, err
	}
	ev := &schedulerpb.Event{}
	if err := s.cfg.Codec.Unmarshal(rec, ev); err != nil {
		return nil, err
	}
	return ev, nil
}

func (s *Session) pump(r *recordio.Reader) {
	defer close(s.events)
	defer close(s.done)
	for {
		ev, err := s.read(r)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				s.err = err
			}
			return
		}
		s.events <- ev
	}
}

// Call sends a non-SUBSCRIBE call; the master answers 202 Accepted. The
// framework id is filled in when the call lacks it.
func (s *Session) Call(ctx context.Context, call *schedulerpb.Call) error {
	if call.FrameworkId == nil {
		call.FrameworkId = &mesospb.FrameworkID{Value: &s.frameworkID}
	}
	resp, _, err := post(ctx, s.cfg, s.master, call, s.streamID)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return statusError(call.GetType().String(), resp)
	}
	return nil
}

// post sends a call, following 307 redirects to the leader. It returns the
// response and the master that answered.
func post(ctx context.Context, cfg Config, master string, call *schedulerpb.Call, streamID string) (*http.Response, string, error) {
	body, err := cfg.Codec.Marshal(call)
	if err != nil {
		return nil, "", fmt.Errorf("encode %s: %w", call.GetType(), err)
	}
	for i := 0; ; i++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+master+"/api/v1/scheduler", bytes.NewReader(body))
		if err != nil {
			return nil, "", err
		}
		req.Header.Set("Content-Type", cfg.Codec.MediaType())
		req.Header.Set("Accept", cfg.Codec.MediaType())
		if streamID != "" {
			req.Header.Set(httpapi.StreamIDHeader, streamID)
		}
		client := *cfg.HTTP
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := client.Do(req)
		if err != nil {
			return nil, "", fmt.Errorf("%s to %s: %w", call.GetType(), master, err)
		}
		if resp.StatusCode != http.StatusTemporaryRedirect || i >= maxRedirects {
			return resp, master, nil
		}
		resp.Body.Close()
		leader, err := leaderFromLocation(resp.Header.Get("Location"))
		if err != nil {
			return nil, "", err
		}
		master = leader
	}
}

// leaderFromLocation reads Mesos's redirect target, //host:port/path.
func leaderFromLocation(loc string) (string, error) {
	if strings.HasPrefix(loc, "//") {
		loc = "http:" + loc
	}
	u, err := url.Parse(loc)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("bad redirect Location %q", loc)
	}
	return u.Host, nil
}

func statusError(what string, resp *http.Response) error {
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return fmt.Errorf("%s: %s: %s", what, resp.Status, strings.TrimSpace(string(msg)))
}
