package executors

import (
	"strings"
	"testing"

	"github.com/gomesos/mesos/core/agent/docker/engine"
)

// TestParseDockerFlagsVolumesAndExecutorContainer: the flags the Docker
// containerizer adds to Mesos's read back, and a bad --persistent_volumes
// is an error.
func TestParseDockerFlagsVolumesAndExecutorContainer(t *testing.T) {
	base := []string{"--container=mesos-c1", "--sandbox_directory=/s", "--mapped_directory=/mnt/mesos/sandbox"}
	f, err := parseDockerFlags(append(base,
		`--persistent_volumes=[{"source":"/w/volumes/roles/r/v1","target":"data","read_only":true}]`,
		"--executor_container=/run/docker/executor_containers/c1.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := engine.Mount{Source: "/w/volumes/roles/r/v1", Target: "data", ReadOnly: true}
	if len(f.volumes) != 1 || f.volumes[0] != want {
		t.Errorf("volumes %+v, want [%+v]", f.volumes, want)
	}
	if f.executorContainer != "/run/docker/executor_containers/c1.json" {
		t.Errorf("executor container %q", f.executorContainer)
	}
	if _, err := parseDockerFlags(append(base, "--persistent_volumes={")); err == nil || !strings.Contains(err.Error(), "--persistent_volumes") {
		t.Errorf("a bad --persistent_volumes: %v", err)
	}
}
