package agent

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/recordio"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// The streaming operator calls answer application/recordio; the records'
// own encoding comes from Message-Accept (Message-Content-Type in the
// response).
const (
	mediaRecordIO      = "application/recordio"
	messageAccept      = "Message-Accept"
	messageContentType = "Message-Content-Type"
)

// outputPoll is how often a streamed container's output files are read
// when no write woke the stream before (watchWrites).
const outputPoll = 50 * time.Millisecond

// streamCodec checks a streaming call's Accept (application/recordio) and
// picks the records' codec from Message-Accept.
func streamCodec(h http.Header) (httpapi.Codec, error) {
	accept := h.Values("Accept")
	ok := len(accept) == 0
	for _, v := range accept {
		if v == mediaRecordIO || v == "*/*" || v == "application/*" {
			ok = true
		}
	}
	if !ok {
		return 0, &operatorError{status: http.StatusNotAcceptable, msg: "Expecting 'Accept' to allow '" + mediaRecordIO + "'"}
	}
	inner := http.Header{}
	for _, v := range h.Values(messageAccept) {
		inner.Add("Accept", v)
	}
	codec, err := httpapi.ResponseCodec(inner)
	if err != nil {
		return 0, &operatorError{status: http.StatusNotAcceptable, msg: "Expecting 'Message-Accept' to allow JSON or protobuf"}
	}
	return codec, nil
}

// serveSession is LAUNCH_NESTED_CONTAINER_SESSION: the container lives as
// long as the connection, which streams its stdout and stderr, or, when
// the agent stops first, until its command exits. Its stdin is written
// with ATTACH_CONTAINER_INPUT. (There is no I/O switchboard process here:
// the output is read from the container's sandbox files, the input goes
// through a FIFO the agent holds and the container's supervisor relays
// to the command, so that it outlives the agent.) With a TTYInfo in its
// ContainerInfo the command runs on a pseudo-terminal whose master the
// container's supervisor holds: what the terminal writes (stdout and
// stderr merged) goes to the sandbox's stdout, and so comes out as STDOUT
// data, as in Mesos.
func (a *Agent) serveSession(w http.ResponseWriter, r *http.Request, c *agentpb.Call_LaunchNestedContainerSession) {
	codec, err := streamCodec(r.Header)
	if err != nil {
		writeOperatorError(w, err)
		return
	}
	if err := a.launchNested(r.Context(), c.GetContainerId(), c.GetCommand(), c.GetContainer(), isolator.ContainerClass_CONTAINER_CLASS_DEBUG, true); err != nil {
		var oe *operatorError
		if errors.As(err, &oe) && oe.status == http.StatusAccepted {
			err = &operatorError{status: http.StatusBadRequest, msg: "Container " + containerKey(c.GetContainerId()) + " already exists"}
		}
		writeOperatorError(w, err)
		return
	}
	n, err := a.nestedOf(r.Context(), c.GetContainerId())
	if err != nil {
		writeOperatorError(w, err)
		return
	}
	a.streamOutput(r.Context(), w, codec, n, 0)
	if a.runCtx.Err() != nil {
		// The agent is stopping (its server closes the connection):
		// the container outlives it, as the agent's other containers
		// do, and as Mesos's I/O switchboard keeps a session's: the
		// next agent recovers it, and clients attach to its input and
		// output again.
		return
	}
	// The session is over: so is its container.
	_, _ = a.containerizer.Destroy(context.Background(), n.id)
}

// serveAttachOutput is ATTACH_CONTAINER_OUTPUT: it streams what a nested
// container writes from now on, until it terminates.
func (a *Agent) serveAttachOutput(w http.ResponseWriter, r *http.Request, id *mesospb.ContainerID) {
	codec, err := streamCodec(r.Header)
	if err != nil {
		writeOperatorError(w, err)
		return
	}
	n, err := a.nestedOf(r.Context(), id)
	if err != nil {
		writeOperatorError(w, err)
		return
	}
	a.streamOutput(r.Context(), w, codec, n, -1)
}

// streamOutput writes a container's stdout and stderr as ProcessIO DATA
// records (from the start of the files, or from their current end when
// from is -1) until the container terminates or the client leaves, with a
// CONTROL heartbeat every --http_heartbeat_interval.
func (a *Agent) streamOutput(ctx context.Context, w http.ResponseWriter, codec httpapi.Codec, n *nestedContainer, from int64) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	outputs := []*tail{
		{path: filepath.Join(n.dir, "stdout"), kind: agentpb.ProcessIO_Data_STDOUT, offset: from},
		{path: filepath.Join(n.dir, "stderr"), kind: agentpb.ProcessIO_Data_STDERR, offset: from},
	}
	// "From now on" is now, before the client learns it is attached (and
	// sends input whose answer it expects to see).
	for _, t := range outputs {
		t.startAtEnd()
	}
	w.Header().Set("Content-Type", mediaRecordIO)
	w.Header().Set(messageContentType, codec.MediaType())
	w.WriteHeader(http.StatusOK)
	flusher.Flush()
	var frame []byte
	send := func(m proto.Message) error {
		payload, err := codec.Marshal(m)
		if err != nil {
			return err
		}
		frame = recordio.Append(frame[:0], payload)
		if _, err := w.Write(frame); err != nil {
			return err
		}
		flusher.Flush()
		return nil
	}
	done := make(chan struct{})
	go func() {
		_, _ = a.containerizer.Wait(ctx, n.id)
		close(done)
	}()
	heartbeat := time.NewTicker(httpHeartbeatInterval(a.cfg.Flags))
	defer heartbeat.Stop()
	poll := time.NewTicker(a.outputPollInterval())
	defer poll.Stop()
	written, unwatch := watchWrites(a.log, n.dir)
	defer unwatch()
	drain := func() error {
		for _, t := range outputs {
			if err := t.read(func(data []byte) error {
				return send(&agentpb.ProcessIO{
					Type: agentpb.ProcessIO_DATA.Enum(),
					Data: &agentpb.ProcessIO_Data{Type: t.kind.Enum(), Data: data},
				})
			}); err != nil {
				return err
			}
		}
		return nil
	}
	// What was written before the watch existed woke nobody: read it now,
	// after the watch is in place, so that nothing waits for the poll.
	if drain() != nil {
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-done:
			_ = drain()
			return
		case <-written:
			if drain() != nil {
				return
			}
		case <-poll.C:
			if drain() != nil {
				return
			}
		case <-heartbeat.C:
			interval := httpHeartbeatInterval(a.cfg.Flags)
			if send(&agentpb.ProcessIO{
				Type: agentpb.ProcessIO_CONTROL.Enum(),
				Control: &agentpb.ProcessIO_Control{
					Type: agentpb.ProcessIO_Control_HEARTBEAT.Enum(),
					Heartbeat: &agentpb.ProcessIO_Control_Heartbeat{
						Interval: &mesospb.DurationInfo{Nanoseconds: proto.Int64(int64(interval))},
					},
				},
			}) != nil {
				return
			}
		}
	}
}

// outputPollInterval is outputPoll, unless a test set another.
func (a *Agent) outputPollInterval() time.Duration {
	if d := a.outputPollOverride.Load(); d > 0 {
		return time.Duration(d)
	}
	return outputPoll
}

// tail follows one output file.
type tail struct {
	path   string
	kind   agentpb.ProcessIO_Data_Type
	offset int64 // -1: start at the current end
}

// startAtEnd resolves an offset of -1 to the file's current size (0 for
// a file not created yet).
func (t *tail) startAtEnd() {
	if t.offset >= 0 {
		return
	}
	t.offset = 0
	if st, err := os.Stat(t.path); err == nil {
		t.offset = st.Size()
	}
}

// read hands what was appended since the last read to send, in chunks.
func (t *tail) read(send func([]byte) error) error {
	f, err := os.Open(t.path)
	if err != nil {
		return nil // not created yet
	}
	defer f.Close()
	if _, err := f.Seek(t.offset, io.SeekStart); err != nil {
		return nil
	}
	buf := make([]byte, 64<<10)
	for {
		n, err := f.Read(buf)
		if n > 0 {
			t.offset += int64(n)
			if sendErr := send(append([]byte(nil), buf[:n]...)); sendErr != nil {
				return sendErr
			}
		}
		if err != nil {
			return nil
		}
	}
}

// httpHeartbeatInterval is --http_heartbeat_interval (30secs).
func httpHeartbeatInterval(flags map[string]string) time.Duration {
	if v, ok := flags["http_heartbeat_interval"]; ok {
		if d, err := parseMesosDuration(v); err == nil && d > 0 {
			return d
		}
	}
	return 30 * time.Second
}
