package agent

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// TestAttachContainerInputAfterRestart: a session without a TTY keeps its
// stdin across an agent restart (--recover=reconnect), as Mesos's I/O
// switchboard keeps it: input sent before the restart and after it
// reaches the command, which saw no end of file meanwhile; end of file
// sent to the new agent ends the command's input (it exits 0), and its
// output streams through the new agent's ATTACH_CONTAINER_OUTPUT.
func TestAttachContainerInputAfterRestart(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("input-restart", true))
	o := s.offer()
	s.launch(o, commandTask("parent", "sleep 60", "cpus:0.1;mem:32"))
	s.waitState("parent", mesospb.TaskState_TASK_RUNNING)
	j := httpapi.JSON
	parent := operator(t, a, j, &agentpb.Call{Type: agentpb.Call_GET_CONTAINERS.Enum()}).GetGetContainers().GetContainers()[0].GetContainerId()
	session := &mesospb.ContainerID{Value: proto.String("session"), Parent: parent}
	sessionOut := streamProcessIO(t, a, &agentpb.Call{Type: agentpb.Call_LAUNCH_NESTED_CONTAINER_SESSION.Enum(),
		LaunchNestedContainerSession: &agentpb.Call_LaunchNestedContainerSession{ContainerId: session,
			Command: &mesospb.CommandInfo{Value: proto.String(`while read line; do echo "got:$line"; done; echo eof; exit 0`)}}})

	// A client stays attached over the restart: the agent going away is
	// not end of file.
	in := openInputStream(t, a, httpapi.Protobuf, session)
	in.send(stdinRecord(t, httpapi.Protobuf, "before\n"))
	readStdout(t, sessionOut, "got:before\n")
	b := restartAgent(t, a, cfg)
	attachedOut := streamProcessIO(t, b, &agentpb.Call{Type: agentpb.Call_ATTACH_CONTAINER_OUTPUT.Enum(),
		AttachContainerOutput: &agentpb.Call_AttachContainerOutput{ContainerId: session}})
	in = openInputStream(t, b, httpapi.Protobuf, session)
	in.send(stdinRecord(t, httpapi.Protobuf, "after\n"))
	if got := readStdout(t, attachedOut, "got:after\n"); got != "got:after\n" {
		t.Fatalf("output after the restart %q, want the line (and no end of file)", got)
	}
	in.send(stdinRecord(t, httpapi.Protobuf, ""))
	if status, body := in.end(); status != http.StatusOK {
		t.Errorf("input stream after the restart: %d %s", status, body)
	}
	readStdout(t, attachedOut, "eof\n")
	w := operator(t, b, j, &agentpb.Call{Type: agentpb.Call_WAIT_NESTED_CONTAINER.Enum(),
		WaitNestedContainer: &agentpb.Call_WaitNestedContainer{ContainerId: session}}).GetWaitNestedContainer()
	if w.GetExitStatus() != 0 {
		t.Errorf("exit status %#x, want exited 0", w.GetExitStatus())
	}

	// The input is over: a new client is refused.
	resp := attachInput(t, b, j, bytes.NewReader(append(containerIDRecord(t, j, session), stdinRecord(t, j, "more\n")...)))
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Errorf("input after end of file and the command's exit: %s %s, want an error", resp.Status, msg)
	}

	s.send(killCall("parent", o.GetAgentId()))
	s.waitState("parent", mesospb.TaskState_TASK_KILLED)
	b.stop(t)
	checkNoProcesses(t, work)
}
