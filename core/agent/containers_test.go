package agent

import (
	"bufio"
	"bytes"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/recordio"
)

// TestNestedContainers launches containers below a running executor's
// through the operator API: launch, wait, kill, a session streaming its
// output, and their end with their executor.
func TestNestedContainers(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	a := startAgent(t, agentConfig(t, m.addr, work))
	s := subscribeScheduler(t, m.addr, frameworkInfo("nested", false))
	o := s.offer()
	s.launch(o, commandTask("parent", "sleep 60", "cpus:0.1;mem:32"))
	s.waitState("parent", mesospb.TaskState_TASK_RUNNING)
	containers := operator(t, a, httpapi.JSON, &agentpb.Call{Type: agentpb.Call_GET_CONTAINERS.Enum()}).GetGetContainers().GetContainers()
	if len(containers) != 1 {
		t.Fatalf("containers %v", containers)
	}
	parent := containers[0].GetContainerId()
	child := func(name string) *mesospb.ContainerID {
		return &mesospb.ContainerID{Value: proto.String(name), Parent: parent}
	}
	shell := func(cmd string) *mesospb.CommandInfo { return &mesospb.CommandInfo{Value: proto.String(cmd)} }
	do := func(call *agentpb.Call, want int) {
		t.Helper()
		body, _ := httpapi.JSON.Marshal(call)
		req, _ := http.NewRequest(http.MethodPost, a.url("/api/v1"), bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("%s: %s, want %d", call.GetType(), resp.Status, want)
		}
	}
	launch := func(id *mesospb.ContainerID, cmd string) *agentpb.Call {
		return &agentpb.Call{Type: agentpb.Call_LAUNCH_NESTED_CONTAINER.Enum(),
			LaunchNestedContainer: &agentpb.Call_LaunchNestedContainer{ContainerId: id, Command: shell(cmd)}}
	}
	wait := func(id *mesospb.ContainerID) *agentpb.Response_WaitNestedContainer {
		return operator(t, a, httpapi.JSON, &agentpb.Call{Type: agentpb.Call_WAIT_NESTED_CONTAINER.Enum(),
			WaitNestedContainer: &agentpb.Call_WaitNestedContainer{ContainerId: id}}).GetWaitNestedContainer()
	}

	do(launch(child("exits"), "exit 3"), http.StatusOK)
	do(launch(child("exits"), "exit 3"), http.StatusAccepted)
	if w := wait(child("exits")); w.GetExitStatus() != 3<<8 {
		t.Errorf("exit status %d", w.GetExitStatus())
	}
	do(&agentpb.Call{Type: agentpb.Call_REMOVE_NESTED_CONTAINER.Enum(),
		RemoveNestedContainer: &agentpb.Call_RemoveNestedContainer{ContainerId: child("exits")}}, http.StatusOK)
	do(&agentpb.Call{Type: agentpb.Call_WAIT_NESTED_CONTAINER.Enum(),
		WaitNestedContainer: &agentpb.Call_WaitNestedContainer{ContainerId: child("exits")}}, http.StatusNotFound)

	do(launch(child("sleeps"), "sleep 30"), http.StatusOK)
	do(&agentpb.Call{Type: agentpb.Call_KILL_NESTED_CONTAINER.Enum(),
		KillNestedContainer: &agentpb.Call_KillNestedContainer{ContainerId: child("sleeps"), Signal: proto.Int32(int32(syscall.SIGTERM))}}, http.StatusOK)
	if w := wait(child("sleeps")); syscall.WaitStatus(w.GetExitStatus()).Signal() != syscall.SIGTERM {
		t.Errorf("killed nested container: status %#x", w.GetExitStatus())
	}
	do(launch(&mesospb.ContainerID{Value: proto.String("orphan"), Parent: &mesospb.ContainerID{Value: proto.String("nope")}}, "true"), http.StatusBadRequest)

	// A session streams the container's output until it ends.
	body, _ := httpapi.JSON.Marshal(&agentpb.Call{Type: agentpb.Call_LAUNCH_NESTED_CONTAINER_SESSION.Enum(),
		LaunchNestedContainerSession: &agentpb.Call_LaunchNestedContainerSession{ContainerId: child("session"), Command: shell("echo out; echo err >&2")}})
	req, _ := http.NewRequest(http.MethodPost, a.url("/api/v1"), bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/recordio")
	req.Header.Set("Message-Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/recordio" || resp.Header.Get("Message-Content-Type") != "application/json" {
		t.Fatalf("session: %s %v", resp.Status, resp.Header)
	}
	out := map[agentpb.ProcessIO_Data_Type]string{}
	r := recordio.NewReader(bufio.NewReader(resp.Body), 0)
	for {
		rec, err := r.ReadRecord()
		if err != nil {
			break
		}
		var pio agentpb.ProcessIO
		if err := httpapi.JSON.Unmarshal(rec, &pio); err != nil {
			t.Fatal(err)
		}
		out[pio.GetData().GetType()] += string(pio.GetData().GetData())
	}
	resp.Body.Close()
	if out[agentpb.ProcessIO_Data_STDOUT] != "out\n" || !strings.Contains(out[agentpb.ProcessIO_Data_STDERR], "err\n") {
		t.Errorf("session output %q", out)
	}

	// Nested containers end with their executor.
	do(launch(child("lingers"), "sleep 60"), http.StatusOK)
	s.send(killCall("parent", o.GetAgentId()))
	s.waitState("parent", mesospb.TaskState_TASK_KILLED)
	a.stop(t)
	checkNoProcesses(t, work)
}
