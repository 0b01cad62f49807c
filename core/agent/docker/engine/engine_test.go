package engine

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct{ server, want, err string }{
		{server: "1.41", want: "1.41"},
		{server: "1.30", want: "1.30"},
		{server: "1.47", want: MaxAPIVersion},
		{server: "2.0", want: MaxAPIVersion},
		{server: "1.24", err: "older than 1.25"},
		{server: "x", err: "expected major.minor"},
	} {
		got, err := negotiate(tc.server)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("negotiate(%q) = %q, %v; want error %q", tc.server, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("negotiate(%q) = %q, %v; want %q", tc.server, got, err, tc.want)
		}
	}
}

func TestSplitReference(t *testing.T) {
	for ref, want := range map[string][2]string{
		"busybox":                   {"busybox", "latest"},
		"busybox:1.36":              {"busybox", "1.36"},
		"localhost:5000/a/b":        {"localhost:5000/a/b", "latest"},
		"localhost:5000/a/b:v2":     {"localhost:5000/a/b", "v2"},
		"repo@sha256:0123456789abc": {"repo", "sha256:0123456789abc"},
	} {
		repo, tag := SplitReference(ref)
		if repo != want[0] || tag != want[1] {
			t.Errorf("SplitReference(%q) = %q, %q; want %q", ref, repo, tag, want)
		}
	}
}

func frame(stream byte, payload string) []byte {
	h := make([]byte, 8)
	h[0] = stream
	binary.BigEndian.PutUint32(h[4:], uint32(len(payload)))
	return append(h, payload...)
}

func TestDemux(t *testing.T) {
	var in bytes.Buffer
	in.Write(frame(1, "out1 "))
	in.Write(frame(2, "err1"))
	in.Write(frame(1, "out2"))
	var out, errb bytes.Buffer
	if err := Demux(&in, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if out.String() != "out1 out2" || errb.String() != "err1" {
		t.Errorf("stdout %q stderr %q", out.String(), errb.String())
	}
	bad := append(frame(1, "ok"), frame(7, "x")...)
	if err := Demux(bytes.NewReader(bad), &out, &errb); err == nil || !strings.Contains(err.Error(), "unknown stream 7") {
		t.Errorf("bad stream: %v", err)
	}
	if err := Demux(bytes.NewReader(frame(1, "cut")[:9]), &out, &errb); err == nil {
		t.Error("a truncated frame is not an error")
	}
}

func FuzzDemux(f *testing.F) {
	f.Add(append(frame(1, "a"), frame(2, "b")...))
	f.Add([]byte{1, 0, 0, 0, 255, 255, 255, 255})
	f.Fuzz(func(t *testing.T, data []byte) {
		var out, errb bytes.Buffer
		if err := Demux(bytes.NewReader(data), &out, &errb); err == nil && out.Len()+errb.Len() > len(data) {
			t.Errorf("more output (%d) than input (%d)", out.Len()+errb.Len(), len(data))
		}
	})
}

func dockerSpec(network mesospb.ContainerInfo_DockerInfo_Network) *RunSpec {
	return &RunSpec{
		Name: "mesos-c1",
		Container: &mesospb.ContainerInfo{
			Type:   mesospb.ContainerInfo_DOCKER.Enum(),
			Docker: &mesospb.ContainerInfo_DockerInfo{Image: proto.String("img:1"), Network: network.Enum()},
		},
		Command: &mesospb.CommandInfo{Value: proto.String("echo hi"), Shell: proto.Bool(true),
			Environment: &mesospb.Environment{Variables: []*mesospb.Environment_Variable{
				{Name: proto.String("A"), Value: proto.String("task")},
				{Name: proto.String("B"), Value: proto.String("task")},
			}}},
		Resources: []*mesospb.Resource{
			{Name: proto.String("cpus"), Type: mesospb.Value_SCALAR.Enum(), Scalar: &mesospb.Value_Scalar{Value: proto.Float64(1.5)},
				AllocationInfo: &mesospb.Resource_AllocationInfo{Role: proto.String("web")}},
			{Name: proto.String("mem"), Type: mesospb.Value_SCALAR.Enum(), Scalar: &mesospb.Value_Scalar{Value: proto.Float64(16)}},
			{Name: proto.String("ports"), Type: mesospb.Value_RANGES.Enum(), Ranges: &mesospb.Value_Ranges{Range: []*mesospb.Value_Range{{Begin: proto.Uint64(31000), End: proto.Uint64(31010)}}}},
		},
		SandboxDirectory: "/var/sandbox",
		MappedDirectory:  DefaultMappedDirectory,
		Env:              map[string]string{"A": "agent"},
	}
}

func TestRunSpecCreateConfig(t *testing.T) {
	s := dockerSpec(mesospb.ContainerInfo_DockerInfo_BRIDGE)
	s.Container.Volumes = []*mesospb.Volume{
		{ContainerPath: proto.String("/data"), HostPath: proto.String("/srv/data"), Mode: mesospb.Volume_RO.Enum()},
		{ContainerPath: proto.String("cache"), HostPath: proto.String("/srv/cache"), Mode: mesospb.Volume_RW.Enum()},
		{ContainerPath: proto.String("/rel"), HostPath: proto.String("in-sandbox"), Mode: mesospb.Volume_RW.Enum()},
	}
	s.Container.Docker.PortMappings = []*mesospb.ContainerInfo_DockerInfo_PortMapping{{HostPort: proto.Uint32(31005), ContainerPort: proto.Uint32(80)}}
	s.Container.Docker.Parameters = []*mesospb.Parameter{{Key: proto.String("label"), Value: proto.String("team=a")}, {Key: proto.String("ulimit"), Value: proto.String("nofile=10:20")}}
	s.Container.Docker.Privileged = proto.Bool(true)
	cfg, err := s.CreateConfig()
	if err != nil {
		t.Fatal(err)
	}
	hc := cfg.HostConfig
	if hc.CPUShares != 1536 || hc.Memory != MinMemory || !hc.Privileged || hc.NetworkMode != "bridge" {
		t.Errorf("host config %+v", hc)
	}
	wantBinds := []string{"/srv/data:/data:ro", "/srv/cache:/mnt/mesos/sandbox/cache:rw", "/var/sandbox/in-sandbox:/rel:rw", "/var/sandbox:/mnt/mesos/sandbox"}
	if strings.Join(hc.Binds, " ") != strings.Join(wantBinds, " ") {
		t.Errorf("binds %v, want %v", hc.Binds, wantBinds)
	}
	if b := hc.PortBindings["80/tcp"]; len(b) != 1 || b[0].HostPort != "31005" {
		t.Errorf("port bindings %v", hc.PortBindings)
	}
	if _, ok := cfg.ExposedPorts["80/tcp"]; !ok {
		t.Errorf("exposed ports %v", cfg.ExposedPorts)
	}
	env := strings.Join(cfg.Env, " ")
	for _, want := range []string{"A=agent", "B=task", "MESOS_SANDBOX=/mnt/mesos/sandbox", "MESOS_CONTAINER_NAME=mesos-c1", "MESOS_ALLOCATION_ROLE=web"} {
		if !strings.Contains(env, want) {
			t.Errorf("env %v lacks %s", cfg.Env, want)
		}
	}
	if strings.Join(cfg.Entrypoint, " ") != "/bin/sh" || strings.Join(cfg.Cmd, "|") != "-c|echo hi" {
		t.Errorf("entrypoint %v cmd %v", cfg.Entrypoint, cfg.Cmd)
	}
	if cfg.Labels["team"] != "a" || len(hc.Ulimits) != 1 || hc.Ulimits[0] != (Ulimit{Name: "nofile", Soft: 10, Hard: 20}) {
		t.Errorf("parameters not applied: labels %v ulimits %v", cfg.Labels, hc.Ulimits)
	}
}

func TestRunSpecNotShellAndLimits(t *testing.T) {
	s := dockerSpec(mesospb.ContainerInfo_DockerInfo_HOST)
	s.Command = &mesospb.CommandInfo{Shell: proto.Bool(false), Value: proto.String("/app"), Arguments: []string{"-v", "x"}}
	s.Limits = map[string]*mesospb.Value_Scalar{"cpus": {Value: proto.Float64(2)}, "mem": {Value: proto.Float64(math.Inf(1))}}
	cfg, err := s.CreateConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Entrypoint != nil || strings.Join(cfg.Cmd, " ") != "/app -v x" {
		t.Errorf("entrypoint %v cmd %v", cfg.Entrypoint, cfg.Cmd)
	}
	hc := cfg.HostConfig
	if hc.CPUQuota != 200000 || hc.CPUPeriod != 100000 || hc.Memory != 0 || hc.MemoryReservation != MinMemory {
		t.Errorf("limits: quota %d period %d memory %d reservation %d", hc.CPUQuota, hc.CPUPeriod, hc.Memory, hc.MemoryReservation)
	}
}

// TestRunSpecMounts: the agent's mounts (persistent volumes) come after
// the sandbox, a relative target under the sandbox's path in the
// container, read-only ones so; a relative source is refused.
func TestRunSpecMounts(t *testing.T) {
	s := dockerSpec(mesospb.ContainerInfo_DockerInfo_HOST)
	s.Mounts = []Mount{{Source: "/work/volumes/roles/r/v1", Target: "data"}, {Source: "/work/volumes/roles/r/v2", Target: "/abs", ReadOnly: true}}
	cfg, err := s.CreateConfig()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/var/sandbox:/mnt/mesos/sandbox", "/work/volumes/roles/r/v1:/mnt/mesos/sandbox/data:rw", "/work/volumes/roles/r/v2:/abs:ro"}
	if got := cfg.HostConfig.Binds; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("binds %v, want %v", got, want)
	}
	s.Mounts = []Mount{{Source: "relative", Target: "data"}}
	if _, err := s.CreateConfig(); err == nil || !strings.Contains(err.Error(), "not absolute") {
		t.Errorf("a relative mount source: %v", err)
	}
}

func TestRunSpecErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*RunSpec)
		want string
	}{
		{"no image", func(s *RunSpec) { s.Container.Docker.Image = proto.String("") }, "no docker image"},
		{"ports on host", func(s *RunSpec) {
			s.Container.Docker.Network = mesospb.ContainerInfo_DockerInfo_HOST.Enum()
			s.Container.Docker.PortMappings = []*mesospb.ContainerInfo_DockerInfo_PortMapping{{HostPort: proto.Uint32(31000), ContainerPort: proto.Uint32(1)}}
		}, "only supported for bridge"},
		{"port not offered", func(s *RunSpec) {
			s.Container.Docker.PortMappings = []*mesospb.ContainerInfo_DockerInfo_PortMapping{{HostPort: proto.Uint32(9), ContainerPort: proto.Uint32(1)}}
		}, "port [9] not included in resources"},
		{"user without network", func(s *RunSpec) { s.Container.Docker.Network = mesospb.ContainerInfo_DockerInfo_USER.Enum() }, "no network info"},
		{"hostname on host", func(s *RunSpec) {
			s.Container.Docker.Network = mesospb.ContainerInfo_DockerInfo_HOST.Enum()
			s.Container.Hostname = proto.String("h")
		}, "unable to set hostname"},
		{"relative volume", func(s *RunSpec) {
			s.Container.Volumes = []*mesospb.Volume{{ContainerPath: proto.String("a"), HostPath: proto.String("b")}}
		}, "are relative"},
		{"shell without value", func(s *RunSpec) { s.Command.Value = nil }, "no command value"},
		{"unknown parameter", func(s *RunSpec) {
			s.Container.Docker.Parameters = []*mesospb.Parameter{{Key: proto.String("gpus"), Value: proto.String("all")}}
		}, "unsupported docker parameter 'gpus'"},
		{"bad parameter", func(s *RunSpec) {
			s.Container.Docker.Parameters = []*mesospb.Parameter{{Key: proto.String("shm-size"), Value: proto.String("lots")}}
		}, "invalid size"},
	} {
		s := dockerSpec(mesospb.ContainerInfo_DockerInfo_BRIDGE)
		tc.edit(s)
		if _, err := s.CreateConfig(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

func FuzzParameters(f *testing.F) {
	for _, k := range SupportedParameters() {
		f.Add(k, "1")
	}
	f.Add("ulimit", "nofile=1:2")
	f.Add("device", "/dev/null:/dev/x:rw")
	f.Add("shm-size", "64m")
	f.Fuzz(func(t *testing.T, key, value string) {
		cfg := &CreateConfig{Labels: map[string]string{}}
		params := []*mesospb.Parameter{{Key: proto.String(key), Value: proto.String(value)}}
		if err := applyParameters(cfg, params); err != nil && err.Error() == "" {
			t.Error("an error without a message")
		}
	})
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"64m": 64 << 20, "1G": 1 << 30, "512": 512, "2kb": 2048, "-1": -1} {
		if got, err := ParseBytes(in); err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "m", "-5", "1x", "1e30g"} {
		if _, err := ParseBytes(in); err == nil {
			t.Errorf("ParseBytes(%q) accepted", in)
		}
	}
}
