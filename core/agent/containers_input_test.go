package agent

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/recordio"
)

// inputRecord is one record of an ATTACH_CONTAINER_INPUT stream.
func inputRecord(t *testing.T, codec httpapi.Codec, aci *agentpb.Call_AttachContainerInput) []byte {
	t.Helper()
	payload, err := codec.Marshal(&agentpb.Call{Type: agentpb.Call_ATTACH_CONTAINER_INPUT.Enum(), AttachContainerInput: aci})
	if err != nil {
		t.Fatal(err)
	}
	return recordio.Append(nil, payload)
}

func containerIDRecord(t *testing.T, codec httpapi.Codec, id *mesospb.ContainerID) []byte {
	return inputRecord(t, codec, &agentpb.Call_AttachContainerInput{
		Type: agentpb.Call_AttachContainerInput_CONTAINER_ID.Enum(), ContainerId: id})
}

func stdinRecord(t *testing.T, codec httpapi.Codec, data string) []byte {
	return inputRecord(t, codec, &agentpb.Call_AttachContainerInput{
		Type: agentpb.Call_AttachContainerInput_PROCESS_IO.Enum(),
		ProcessIo: &agentpb.ProcessIO{Type: agentpb.ProcessIO_DATA.Enum(),
			Data: &agentpb.ProcessIO_Data{Type: agentpb.ProcessIO_Data_STDIN.Enum(), Data: []byte(data)}}})
}

func heartbeatRecord(t *testing.T, codec httpapi.Codec) []byte {
	return inputRecord(t, codec, &agentpb.Call_AttachContainerInput{
		Type: agentpb.Call_AttachContainerInput_PROCESS_IO.Enum(),
		ProcessIo: &agentpb.ProcessIO{Type: agentpb.ProcessIO_CONTROL.Enum(),
			Control: &agentpb.ProcessIO_Control{Type: agentpb.ProcessIO_Control_HEARTBEAT.Enum(),
				Heartbeat: &agentpb.ProcessIO_Control_Heartbeat{Interval: &mesospb.DurationInfo{Nanoseconds: proto.Int64(int64(30 * time.Second))}}}}})
}

// attachInput posts an ATTACH_CONTAINER_INPUT stream read from body.
func attachInput(t *testing.T, a *testAgent, codec httpapi.Codec, body io.Reader) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, a.url("/api/v1"), body)
	req.Header.Set("Content-Type", "application/recordio")
	req.Header.Set("Message-Content-Type", codec.MediaType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// streamProcessIO posts a streaming call (a session or
// ATTACH_CONTAINER_OUTPUT) and sends each record's DATA to the channel
// until the stream ends, then closes it.
func streamProcessIO(t *testing.T, a *testAgent, call *agentpb.Call) <-chan *agentpb.ProcessIO_Data {
	t.Helper()
	body, _ := httpapi.JSON.Marshal(call)
	req, _ := http.NewRequest(http.MethodPost, a.url("/api/v1"), bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/recordio")
	req.Header.Set("Message-Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Fatalf("%s: %s %s", call.GetType(), resp.Status, msg)
	}
	out := make(chan *agentpb.ProcessIO_Data, 64)
	go func() {
		defer close(out)
		defer resp.Body.Close()
		r := recordio.NewReader(bufio.NewReader(resp.Body), 0)
		for {
			rec, err := r.ReadRecord()
			if err != nil {
				return
			}
			var pio agentpb.ProcessIO
			if httpapi.JSON.Unmarshal(rec, &pio) == nil && pio.GetType() == agentpb.ProcessIO_DATA {
				out <- pio.GetData()
			}
		}
	}()
	return out
}

// readStdout collects STDOUT data from the stream until it holds want or
// the stream ends or time is up.
func readStdout(t *testing.T, out <-chan *agentpb.ProcessIO_Data, want string) string {
	t.Helper()
	var got strings.Builder
	timeout := time.After(20 * time.Second)
	for !strings.Contains(got.String(), want) {
		select {
		case d, ok := <-out:
			if !ok {
				return got.String()
			}
			if d.GetType() == agentpb.ProcessIO_Data_STDOUT {
				got.Write(d.GetData())
			}
		case <-timeout:
			t.Fatalf("stdout so far %q, waiting for %q", got.String(), want)
		}
	}
	return got.String()
}

// TestAttachContainerInput runs a real nested container session under a
// running task: what ATTACH_CONTAINER_INPUT sends reaches the process's
// stdin, and what it answers comes back through both the session and
// ATTACH_CONTAINER_OUTPUT; end of file ends it.
func TestAttachContainerInput(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	a := startAgent(t, agentConfig(t, m.addr, work))
	s := subscribeScheduler(t, m.addr, frameworkInfo("attach-input", false))
	o := s.offer()
	s.launch(o, commandTask("parent", "sleep 60", "cpus:0.1;mem:32"))
	s.waitState("parent", mesospb.TaskState_TASK_RUNNING)
	parent := operator(t, a, httpapi.JSON, &agentpb.Call{Type: agentpb.Call_GET_CONTAINERS.Enum()}).GetGetContainers().GetContainers()[0].GetContainerId()
	session := &mesospb.ContainerID{Value: proto.String("session"), Parent: parent}

	sessionOut := streamProcessIO(t, a, &agentpb.Call{Type: agentpb.Call_LAUNCH_NESTED_CONTAINER_SESSION.Enum(),
		LaunchNestedContainerSession: &agentpb.Call_LaunchNestedContainerSession{ContainerId: session,
			Command: &mesospb.CommandInfo{Value: proto.String(`while read line; do echo "got:$line"; done; echo eof`)}}})
	attachedOut := streamProcessIO(t, a, &agentpb.Call{Type: agentpb.Call_ATTACH_CONTAINER_OUTPUT.Enum(),
		AttachContainerOutput: &agentpb.Call_AttachContainerOutput{ContainerId: session}})

	// A first client, protobuf, streams a line and stays attached. It
	// writes its chunked request by hand, one chunk per record, so that
	// each reaches the agent at once.
	conn, err := net.Dial("tcp", strings.TrimPrefix(a.url(""), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	chunk := func(data []byte) {
		t.Helper()
		if _, err := fmt.Fprintf(conn, "%x\r\n%s\r\n", len(data), data); err != nil {
			t.Fatal(err)
		}
	}
	fmt.Fprintf(conn, "POST /api/v1 HTTP/1.1\r\nHost: agent\r\nContent-Type: application/recordio\r\n"+
		"Message-Content-Type: application/x-protobuf\r\nTransfer-Encoding: chunked\r\n\r\n")
	chunk(containerIDRecord(t, httpapi.Protobuf, session))
	chunk(stdinRecord(t, httpapi.Protobuf, "hello\n"))
	readStdout(t, sessionOut, "got:hello\n")
	readStdout(t, attachedOut, "got:hello\n")

	// Only one client at a time.
	resp := attachInput(t, a, httpapi.JSON, bytes.NewReader(containerIDRecord(t, httpapi.JSON, session)))
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("second client while one is attached: %s, want 409", resp.Status)
	}

	// The first leaves without end of file: the process reads on.
	chunk(heartbeatRecord(t, httpapi.Protobuf))
	chunk(nil)
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "HTTP/1.1 200") {
		t.Fatalf("first client's stream: %q %v", status, err)
	}

	// A second client, JSON, sends a line and end of file.
	var body []byte
	body = append(body, containerIDRecord(t, httpapi.JSON, session)...)
	body = append(body, heartbeatRecord(t, httpapi.JSON)...)
	body = append(body, stdinRecord(t, httpapi.JSON, "world\n")...)
	body = append(body, stdinRecord(t, httpapi.JSON, "")...)
	resp = attachInput(t, a, httpapi.JSON, bytes.NewReader(body))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("second client: %s", resp.Status)
	}
	if got := readStdout(t, sessionOut, "eof\n"); !strings.Contains(got, "got:world\n") {
		t.Errorf("session output %q, want the second line and then eof", got)
	}
	readStdout(t, attachedOut, "eof\n")

	s.send(killCall("parent", o.GetAgentId()))
	s.waitState("parent", mesospb.TaskState_TASK_KILLED)
	a.stop(t)
	checkNoProcesses(t, work)
}

// TestAttachContainerInputErrors: bad streams are refused with a clear
// status and leave the container as it was.
func TestAttachContainerInputErrors(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	a := startAgent(t, agentConfig(t, m.addr, work))
	s := subscribeScheduler(t, m.addr, frameworkInfo("attach-input-errors", false))
	o := s.offer()
	s.launch(o, commandTask("parent", "sleep 60", "cpus:0.1;mem:32"))
	s.waitState("parent", mesospb.TaskState_TASK_RUNNING)
	parent := operator(t, a, httpapi.JSON, &agentpb.Call{Type: agentpb.Call_GET_CONTAINERS.Enum()}).GetGetContainers().GetContainers()[0].GetContainerId()
	plain := &mesospb.ContainerID{Value: proto.String("plain"), Parent: parent}
	launch, _ := httpapi.JSON.Marshal(&agentpb.Call{Type: agentpb.Call_LAUNCH_NESTED_CONTAINER.Enum(),
		LaunchNestedContainer: &agentpb.Call_LaunchNestedContainer{ContainerId: plain, Command: &mesospb.CommandInfo{Value: proto.String("sleep 60")}}})
	req, _ := http.NewRequest(http.MethodPost, a.url("/api/v1"), bytes.NewReader(launch))
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("launch: %v %v", resp, err)
	}

	j := httpapi.JSON
	for _, c := range []struct {
		name string
		body []byte
		want int
	}{
		{"empty stream", nil, http.StatusBadRequest},
		{"garbage", []byte("5\nnope!"), http.StatusBadRequest},
		{"first record not CONTAINER_ID", stdinRecord(t, j, "x"), http.StatusBadRequest},
		{"unknown container", containerIDRecord(t, j, &mesospb.ContainerID{Value: proto.String("nope"), Parent: parent}), http.StatusNotFound},
		{"container without an input stream", containerIDRecord(t, j, plain), http.StatusBadRequest},
	} {
		resp := attachInput(t, a, j, bytes.NewReader(c.body))
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s: %s %s, want %d", c.name, resp.Status, msg, c.want)
		}
	}
	// Not a recordio stream at all.
	req, _ = http.NewRequest(http.MethodPost, a.url("/api/v1"), bytes.NewReader(containerIDRecord(t, j, plain)))
	req.Header.Set("Content-Type", "application/recordio")
	req.Header.Set("Message-Content-Type", "text/plain")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("bad Message-Content-Type: %v %v", resp, err)
	}

	s.send(killCall("parent", o.GetAgentId()))
	s.waitState("parent", mesospb.TaskState_TASK_KILLED)
	a.stop(t)
	checkNoProcesses(t, work)
}
