package agent

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// TestDockerCgroupsEnableCFSCapsTheContainer: with --cgroups_enable_cfs a
// Docker task's container gets a CFS quota for its cpus (the task's and
// its executor's 0.1), as Mesos's Docker containerizer gives `docker run`
// --cpu-quota; without the flag it gets shares only.
func TestDockerCgroupsEnableCFSCapsTheContainer(t *testing.T) {
	for _, cfs := range []bool{true, false} {
		env := newDockerEnv(t)
		env.cfg.Docker.EnableCFS = cfs
		startAgent(t, env.cfg)
		s := subscribeScheduler(t, env.master.addr, frameworkInfo("docker-cfs", false))
		s.launch(s.offer(), env.task("capped", "sleep 30", "cpus:0.5;mem:64"))
		s.waitState("capped", mesospb.TaskState_TASK_RUNNING)
		list := env.containers(t)
		if len(list) != 1 {
			t.Fatalf("containers: %+v", list)
		}
		info, err := env.client.InspectContainer(context.Background(), list[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		hc := info.HostConfig
		if cfs && (hc.CPUPeriod != 100000 || hc.CPUQuota != 60000) {
			t.Errorf("--cgroups_enable_cfs: CpuPeriod %d CpuQuota %d, want 100000 and 60000 (0.6 cpus)", hc.CPUPeriod, hc.CPUQuota)
		}
		if !cfs && hc.CPUQuota != 0 {
			t.Errorf("without --cgroups_enable_cfs: CpuQuota %d, want none", hc.CPUQuota)
		}
		if hc.CPUShares != 614 {
			t.Errorf("CpuShares %d, want 614", hc.CPUShares)
		}
	}
}

// TestDockerExecutorRefusesNestedContainers: a nested container under a
// Docker containerizer's executor is refused with an error naming why, as
// Mesos's Docker containerizer does not launch nested containers either;
// the task keeps running.
func TestDockerExecutorRefusesNestedContainers(t *testing.T) {
	env := newDockerEnv(t)
	a := startAgent(t, env.cfg)
	s := subscribeScheduler(t, env.master.addr, frameworkInfo("docker-nested", false))
	s.launch(s.offer(), env.task("parent", "sleep 30", "cpus:0.2;mem:64"))
	s.waitState("parent", mesospb.TaskState_TASK_RUNNING)
	containers := operator(t, a, httpapi.JSON, &agentpb.Call{Type: agentpb.Call_GET_CONTAINERS.Enum()}).GetGetContainers().GetContainers()
	if len(containers) != 1 {
		t.Fatalf("containers %v", containers)
	}
	body, _ := httpapi.JSON.Marshal(&agentpb.Call{Type: agentpb.Call_LAUNCH_NESTED_CONTAINER.Enum(),
		LaunchNestedContainer: &agentpb.Call_LaunchNestedContainer{
			ContainerId: &mesospb.ContainerID{Value: proto.String("child"), Parent: containers[0].GetContainerId()},
			Command:     &mesospb.CommandInfo{Value: proto.String("true")}}})
	resp, err := http.Post(a.url("/api/v1"), "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(string(msg), "does not run nested containers") {
		t.Errorf("nested launch under a Docker executor: %s %q", resp.Status, msg)
	}
	if list := env.containers(t); len(list) != 1 || list[0].State != "running" {
		t.Errorf("the task's container after the refused launch: %+v", list)
	}
}
