package main

import (
	"bytes"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/flags"
	"github.com/gomesos/mesos/core/proto/jsoncodec"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// jobFor parses args as mesos-execute does and builds its job.
func jobFor(t *testing.T, args ...string) (*job, error) {
	t.Helper()
	fs, f := newFlags()
	if err := fs.Load(flags.Sources{Args: append([]string{"--master=m:5050"}, args...)}); err != nil {
		t.Fatalf("load %q: %v", args, err)
	}
	if err := f.check(fs); err != nil {
		return nil, err
	}
	return buildJob(f)
}

// The container flags end up in the task's ContainerInfo as Mesos's
// getContainerInfo puts them (they used to be accepted and dropped).
func TestContainerFlags(t *testing.T) {
	j, err := jobFor(t, "--name=x", "--command=true",
		`--volumes=[{"container_path":"/data","host_path":"/srv","mode":"RO"}]`,
		"--networks=net1,net2", `--rlimits={"rlimits":[{"type":"RLMT_CPU","soft":"1","hard":"2"}]}`,
		`--effective_capabilities={"capabilities":["NET_RAW"]}`, `--bounding_capabilities={"capabilities":["SYS_ADMIN"]}`,
		"--tty", "--appc_image=example.com/app")
	if err != nil {
		t.Fatal(err)
	}
	want := &mesospb.ContainerInfo{}
	if err := jsoncodec.Unmarshal([]byte(`{"type":"MESOS",
		"volumes":[{"container_path":"/data","host_path":"/srv","mode":"RO"}],
		"network_infos":[{"name":"net1"},{"name":"net2"}],
		"rlimit_info":{"rlimits":[{"type":"RLMT_CPU","soft":1,"hard":2}]},
		"linux_info":{"effective_capabilities":{"capabilities":["NET_RAW"]},"bounding_capabilities":{"capabilities":["SYS_ADMIN"]}},
		"tty_info":{},
		"mesos":{"image":{"type":"APPC","appc":{"name":"example.com/app","labels":{"labels":[{"key":"os","value":"linux"},{"key":"arch","value":"amd64"}]}}}}}`), want); err != nil {
		t.Fatal(err)
	}
	if got := j.tasks[0].GetContainer(); !proto.Equal(got, want) {
		t.Errorf("container\n got %v\nwant %v", got, want)
	}

	// No container flags: no ContainerInfo (the command executor's host).
	if j, err := jobFor(t, "--name=x", "--command=true"); err != nil || j.tasks[0].Container != nil {
		t.Errorf("plain command: container %v, error %v", j.tasks[0].GetContainer(), err)
	}

	// The docker containerizer: one network becomes a USER network.
	j, err = jobFor(t, "--name=x", "--command=true", "--containerizer=docker", "--docker_image=busybox", "--networks=n1")
	if err != nil {
		t.Fatal(err)
	}
	if c := j.tasks[0].GetContainer(); c.GetType() != mesospb.ContainerInfo_DOCKER || c.GetDocker().GetNetwork() != mesospb.ContainerInfo_DockerInfo_USER ||
		len(c.GetNetworkInfos()) != 1 || c.GetNetworkInfos()[0].GetName() != "n1" {
		t.Errorf("docker container %v", c)
	}

	// A task group's networks are its default executor's.
	j, err = jobFor(t, `--task_group={"tasks":[{"name":"a","task_id":{"value":"a"},"command":{"value":"true"}}]}`, "--networks=n1")
	if err != nil {
		t.Fatal(err)
	}
	if c := j.executor.GetContainer(); c.GetType() != mesospb.ContainerInfo_MESOS || len(c.GetNetworkInfos()) != 1 {
		t.Errorf("the group's executor container %v", c)
	}
}

// Flag combinations Mesos refuses, with its messages.
func TestContainerFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--containerizer=docker"}, "'Docker' containerizer requires docker image name"},
		{[]string{"--docker_image=b", "--networks=a,b"}, "'Docker' containerizer can only support a single network"},
		{[]string{"--docker_image=b", "--containerizer=docker", "--tty"}, "'Docker' containerizer does not allow attaching a TTY"},
		{[]string{"--volumes={}"}, "Failed to convert '--volumes' to protobuf"},
		{[]string{`--volumes=[{"mode":"XX"}]`}, "Failed to convert '--volumes' to protobuf"},
		{[]string{`--rlimits={"rlimits":"x"}`}, "Failed to convert '--rlimits' to protobuf"},
		{[]string{`--effective_capabilities="x"`}, "Failed to convert '--effective_capabilities'"},
		{[]string{"--resources=cpus:x"}, "Failed to parse resources 'cpus:x'"},
		{[]string{"--package=/tmp/p.tgz"}, "--package is not supported"},
	} {
		_, err := jobFor(t, append([]string{"--name=x", "--command=true"}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.args, err, tc.want)
		}
	}
	if _, err := jobFor(t, `--task_group={"tasks":[]}`); err == nil || !strings.Contains(err.Error(), "no tasks") {
		t.Errorf("empty group: %v", err)
	}
}

// The status lines Mesos's mesos-execute prints beyond state and message.
func TestPrintStatusExtras(t *testing.T) {
	var b bytes.Buffer
	printStatus(&b, &mesospb.TaskStatus{
		TaskId:  &mesospb.TaskID{Value: proto.String("t")},
		State:   mesospb.TaskState_TASK_RUNNING.Enum(),
		Healthy: proto.Bool(true),
		CheckStatus: &mesospb.CheckStatusInfo{Type: mesospb.CheckInfo_COMMAND.Enum(),
			Command: &mesospb.CheckStatusInfo_Command{ExitCode: proto.Int32(0)}},
		Limitation: &mesospb.TaskResourceLimitation{Resources: []*mesospb.Resource{{
			Name: proto.String("mem"), Type: mesospb.Value_SCALAR.Enum(), Scalar: &mesospb.Value_Scalar{Value: proto.Float64(64)}}}},
	})
	for _, want := range []string{
		"Received status update TASK_RUNNING for task 't'\n",
		"  healthy?: 1\n",
		`  check status: {"type":"COMMAND","command":{"exit_code":0}}` + "\n",
		"  resource limit violation: mem:64\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, b.String())
		}
	}
}

// FuzzContainerFlags: any JSON in the container flags and --task_group
// gives a job or an error, never a panic.
func FuzzContainerFlags(f *testing.F) {
	f.Add(`[{"container_path":"/a","host_path":"/b","mode":"RW"}]`, `{"rlimits":[{"type":"RLMT_CPU","soft":"1"}]}`,
		`{"capabilities":["NET_RAW"]}`, `{"tasks":[{"name":"a","task_id":{"value":"a"}}]}`)
	f.Add(`[]`, `{}`, `{}`, `{"tasks":null}`)
	f.Add(`[1]`, `[]`, `null`, `[]`)
	f.Fuzz(func(t *testing.T, volumes, rlimits, caps, group string) {
		fl := &executeFlags{Containerizer: "mesos", Role: "*", Resources: "cpus:1", Shell: true,
			Volumes: []byte(volumes), RLimits: []byte(rlimits), EffectiveCapabilities: []byte(caps)}
		_, _ = buildJob(fl)
		fl = &executeFlags{Containerizer: "mesos", Role: "*", TaskGroup: []byte(group), Networks: "n"}
		_, _ = buildJob(fl)
		_ = withAgentID([]byte(group))
	})
}
