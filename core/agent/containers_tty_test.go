package agent

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

func ttyInfoRecord(t *testing.T, codec httpapi.Codec, info *mesospb.TTYInfo) []byte {
	return inputRecord(t, codec, &agentpb.Call_AttachContainerInput{
		Type: agentpb.Call_AttachContainerInput_PROCESS_IO.Enum(),
		ProcessIo: &agentpb.ProcessIO{Type: agentpb.ProcessIO_CONTROL.Enum(),
			Control: &agentpb.ProcessIO_Control{Type: agentpb.ProcessIO_Control_TTY_INFO.Enum(), TtyInfo: info}}})
}

func windowSize(rows, columns uint32) *mesospb.TTYInfo {
	return &mesospb.TTYInfo{WindowSize: &mesospb.TTYInfo_WindowSize{Rows: proto.Uint32(rows), Columns: proto.Uint32(columns)}}
}

func ttyContainer(info *mesospb.TTYInfo) *mesospb.ContainerInfo {
	return &mesospb.ContainerInfo{Type: mesospb.ContainerInfo_MESOS.Enum(), TtyInfo: info}
}

// inputStream is an ATTACH_CONTAINER_INPUT request written by hand, one
// HTTP chunk per record, so that each reaches the agent at once.
type inputStream struct {
	t    *testing.T
	conn net.Conn
}

func openInputStream(t *testing.T, a *testAgent, codec httpapi.Codec, id *mesospb.ContainerID) *inputStream {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(a.url(""), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "POST /api/v1 HTTP/1.1\r\nHost: agent\r\nContent-Type: application/recordio\r\n"+
		"Message-Content-Type: %s\r\nTransfer-Encoding: chunked\r\n\r\n", codec.MediaType())
	s := &inputStream{t: t, conn: conn}
	s.send(containerIDRecord(t, codec, id))
	return s
}

func (s *inputStream) send(record []byte) {
	s.t.Helper()
	if _, err := fmt.Fprintf(s.conn, "%x\r\n%s\r\n", len(record), record); err != nil {
		s.t.Fatal(err)
	}
}

// end ends the request and returns the agent's answer.
func (s *inputStream) end() (int, string) {
	s.t.Helper()
	if _, err := fmt.Fprintf(s.conn, "0\r\n\r\n"); err != nil {
		s.t.Fatal(err)
	}
	_ = s.conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(s.conn), nil)
	if err != nil {
		s.t.Fatalf("input stream answer: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// collectOutput gathers a streaming call's DATA by type until the stream
// ends or want shows up on STDOUT.
func collectOutput(t *testing.T, out <-chan *agentpb.ProcessIO_Data, got map[agentpb.ProcessIO_Data_Type]*strings.Builder, want string) string {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		stdout := got[agentpb.ProcessIO_Data_STDOUT].String()
		if want != "" && strings.Contains(stdout, want) {
			return stdout
		}
		select {
		case d, ok := <-out:
			if !ok {
				return got[agentpb.ProcessIO_Data_STDOUT].String()
			}
			got[d.GetType()].Write(d.GetData())
		case <-timeout:
			t.Fatalf("stdout so far %q, waiting for %q", stdout, want)
		}
	}
}

func newOutput() map[agentpb.ProcessIO_Data_Type]*strings.Builder {
	return map[agentpb.ProcessIO_Data_Type]*strings.Builder{
		agentpb.ProcessIO_Data_STDOUT: {}, agentpb.ProcessIO_Data_STDERR: {},
	}
}

// startParent runs a task whose container nested containers go below.
func startParent(t *testing.T, name string) (*testAgent, func(), *mesospb.ContainerID) {
	work := t.TempDir()
	m := startMaster(t)
	a := startAgent(t, agentConfig(t, m.addr, work))
	s := subscribeScheduler(t, m.addr, frameworkInfo(name, false))
	o := s.offer()
	s.launch(o, commandTask("parent", "sleep 60", "cpus:0.1;mem:32"))
	s.waitState("parent", mesospb.TaskState_TASK_RUNNING)
	parent := operator(t, a, httpapi.JSON, &agentpb.Call{Type: agentpb.Call_GET_CONTAINERS.Enum()}).GetGetContainers().GetContainers()[0].GetContainerId()
	stop := func() {
		s.send(killCall("parent", o.GetAgentId()))
		s.waitState("parent", mesospb.TaskState_TASK_KILLED)
		a.stop(t)
		checkNoProcesses(t, work)
	}
	return a, stop, parent
}

// TestNestedContainerSessionTTY is `mesos task exec --tty`: a session
// whose ContainerInfo has a TTYInfo runs its command on a pseudo-terminal
// of the given window size. The terminal's output (stdout and stderr
// merged) streams as STDOUT, to the session and to ATTACH_CONTAINER_OUTPUT;
// ATTACH_CONTAINER_INPUT's data is the terminal's input, its TTY_INFO
// resizes the terminal (the command gets SIGWINCH), empty data is not end
// of file but ^D is; WAIT_NESTED_CONTAINER has the exit status.
func TestNestedContainerSessionTTY(t *testing.T) {
	a, stop, parent := startParent(t, "session-tty")
	session := &mesospb.ContainerID{Value: proto.String("tty-session"), Parent: parent}
	script := `trap 'echo winch' WINCH; tty; stty size; echo err >&2; echo ready; ` +
		`x=; until [ -n "$x" ]; do read x; done; echo "got:$x"; stty size; ` +
		`if read y; then echo "more:$y"; else echo eof; fi; exit 3`
	sessionOut := streamProcessIO(t, a, &agentpb.Call{Type: agentpb.Call_LAUNCH_NESTED_CONTAINER_SESSION.Enum(),
		LaunchNestedContainerSession: &agentpb.Call_LaunchNestedContainerSession{ContainerId: session,
			Command: &mesospb.CommandInfo{Value: proto.String(script)}, Container: ttyContainer(windowSize(24, 80))}})
	got := newOutput()
	out := collectOutput(t, sessionOut, got, "ready\r\n")
	if !regexp.MustCompile(`^/dev/pts/[0-9]+\r\n24 80\r\nerr\r\n`).MatchString(out) {
		t.Errorf("session output %q, want the terminal, its size 24 80 and stderr through it", out)
	}
	attachedOut := streamProcessIO(t, a, &agentpb.Call{Type: agentpb.Call_ATTACH_CONTAINER_OUTPUT.Enum(),
		AttachContainerOutput: &agentpb.Call_AttachContainerOutput{ContainerId: session}})

	in := openInputStream(t, a, httpapi.Protobuf, session)
	in.send(heartbeatRecord(t, httpapi.Protobuf))
	in.send(ttyInfoRecord(t, httpapi.Protobuf, windowSize(30, 100)))
	collectOutput(t, sessionOut, got, "winch\r\n")
	in.send(stdinRecord(t, httpapi.Protobuf, "hello\n"))
	collectOutput(t, sessionOut, got, "got:hello\r\n30 100\r\n")
	attached := newOutput()
	collectOutput(t, attachedOut, attached, "got:hello\r\n30 100\r\n")
	// Empty data is not the end of a terminal's input: ^D is.
	in.send(stdinRecord(t, httpapi.Protobuf, ""))
	in.send(stdinRecord(t, httpapi.Protobuf, "\x04"))
	out = collectOutput(t, sessionOut, got, "")
	if !strings.HasSuffix(out, "eof\r\n") {
		t.Errorf("session output %q, want eof last", out)
	}
	if s := got[agentpb.ProcessIO_Data_STDERR].String(); s != "" {
		t.Errorf("STDERR data %q from a terminal, want all of it as STDOUT", s)
	}
	if status, body := in.end(); status != http.StatusOK {
		t.Errorf("input stream: %d %s", status, body)
	}
	collectOutput(t, attachedOut, attached, "eof\r\n")
	w := operator(t, a, httpapi.JSON, &agentpb.Call{Type: agentpb.Call_WAIT_NESTED_CONTAINER.Enum(),
		WaitNestedContainer: &agentpb.Call_WaitNestedContainer{ContainerId: session}}).GetWaitNestedContainer()
	if w.GetExitStatus() != 3<<8 {
		t.Errorf("exit status %#x, want exited 3", w.GetExitStatus())
	}
	stop()
}

// TestAttachContainerInputTTYErrors: TTY_INFO for a container without a
// terminal, or without a window size, is refused (400) as in Mesos; a
// plain LAUNCH_NESTED_CONTAINER with a TTYInfo gets a terminal and an
// input, as in Mesos.
func TestAttachContainerInputTTYErrors(t *testing.T) {
	a, stop, parent := startParent(t, "tty-errors")
	j := httpapi.JSON

	plain := &mesospb.ContainerID{Value: proto.String("plain-session"), Parent: parent}
	plainOut := streamProcessIO(t, a, &agentpb.Call{Type: agentpb.Call_LAUNCH_NESTED_CONTAINER_SESSION.Enum(),
		LaunchNestedContainerSession: &agentpb.Call_LaunchNestedContainerSession{ContainerId: plain,
			Command: &mesospb.CommandInfo{Value: proto.String("cat")}}})
	body := append(containerIDRecord(t, j, plain), ttyInfoRecord(t, j, windowSize(10, 10))...)
	resp := attachInput(t, a, j, bytes.NewReader(body))
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(msg), "Unable to set the window size: the container has no TTY") {
		t.Errorf("TTY_INFO without a terminal: %s %s", resp.Status, msg)
	}

	// A window size no terminal holds is refused at launch, not failed
	// after it.
	huge, _ := j.Marshal(&agentpb.Call{Type: agentpb.Call_LAUNCH_NESTED_CONTAINER.Enum(),
		LaunchNestedContainer: &agentpb.Call_LaunchNestedContainer{
			ContainerId: &mesospb.ContainerID{Value: proto.String("tty-huge"), Parent: parent},
			Command:     &mesospb.CommandInfo{Value: proto.String("true")},
			Container:   ttyContainer(windowSize(24, 1<<16))}})
	req, _ := http.NewRequest(http.MethodPost, a.url("/api/v1"), bytes.NewReader(huge))
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else {
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(msg), "window size 24x65536 is out of range") {
			t.Errorf("launch with a window size out of range: %s %s, want 400", resp.Status, msg)
		}
	}

	tty := &mesospb.ContainerID{Value: proto.String("tty-nested"), Parent: parent}
	launch, _ := j.Marshal(&agentpb.Call{Type: agentpb.Call_LAUNCH_NESTED_CONTAINER.Enum(),
		LaunchNestedContainer: &agentpb.Call_LaunchNestedContainer{ContainerId: tty,
			Command:   &mesospb.CommandInfo{Value: proto.String(`echo ready; read x; echo "got:$x"`)},
			Container: ttyContainer(windowSize(24, 80))}})
	req, _ = http.NewRequest(http.MethodPost, a.url("/api/v1"), bytes.NewReader(launch))
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("launch with a TTYInfo: %v %v", resp, err)
	}
	ttyOut := streamProcessIO(t, a, &agentpb.Call{Type: agentpb.Call_ATTACH_CONTAINER_OUTPUT.Enum(),
		AttachContainerOutput: &agentpb.Call_AttachContainerOutput{ContainerId: tty}})
	for _, c := range []struct {
		name string
		info *mesospb.TTYInfo
		want string
	}{
		{"no tty_info", nil, "Expecting 'process_io.control.tty_info' to be present"},
		{"no window size", &mesospb.TTYInfo{}, "Expecting 'tty_info.window_size' to be present"},
		{"window size out of range", windowSize(1<<16, 80), "Unable to set the window size: window size 65536x80 is out of range"},
	} {
		body := append(containerIDRecord(t, j, tty), ttyInfoRecord(t, j, c.info)...)
		resp := attachInput(t, a, j, bytes.NewReader(body))
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(msg), c.want) {
			t.Errorf("%s: %s %s, want 400 %q", c.name, resp.Status, msg, c.want)
		}
	}
	// The refused streams left the input usable.
	body = append(containerIDRecord(t, j, tty), ttyInfoRecord(t, j, windowSize(40, 120))...)
	body = append(body, stdinRecord(t, j, "hi\n")...)
	resp = attachInput(t, a, j, bytes.NewReader(body))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("input to a LAUNCH_NESTED_CONTAINER with a TTYInfo: %s", resp.Status)
	}
	readStdout(t, ttyOut, "got:hi\r\n")
	w := operator(t, a, j, &agentpb.Call{Type: agentpb.Call_WAIT_NESTED_CONTAINER.Enum(),
		WaitNestedContainer: &agentpb.Call_WaitNestedContainer{ContainerId: tty}}).GetWaitNestedContainer()
	if w.GetExitStatus() != 0 {
		t.Errorf("exit status %#x, want 0", w.GetExitStatus())
	}

	// End the plain session (cat reads end of file).
	resp = attachInput(t, a, j, bytes.NewReader(append(containerIDRecord(t, j, plain), stdinRecord(t, j, "")...)))
	resp.Body.Close()
	for range plainOut {
	}
	stop()
}
