package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/agent/docker/dockertest"
)

// mesos-execute --docker_image against a real master and a real agent
// (processes) with --containerizers=docker,mesos and a real Docker
// daemon: the command runs in a DOCKER container of a locally built
// image, and its output lands in the task's sandbox.
func TestExecuteDockerImage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a master, an agent and a Docker container")
	}
	image := dockertest.BusyboxImage(t)
	client := dockertest.Client(t)
	dir := t.TempDir()
	bins := map[string]string{}
	for _, name := range []string{"mesos-master", "mesos-agent"} {
		bins[name] = filepath.Join(dir, name)
		if out, err := exec.Command("go", "build", "-o", bins[name], "../"+name).CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", name, err, out)
		}
	}
	masterAddr, masterPort := freeAddr(t)
	startDaemon(t, "master", masterAddr, bins["mesos-master"], "--ip=127.0.0.1", "--port="+strconv.Itoa(masterPort),
		"--no-hostname_lookup", "--work_dir="+filepath.Join(dir, "master"), "--allocation_interval=100ms")
	waitUntil(t, time.Minute, "the master", func() bool { return leads(masterAddr) })
	agentDir := filepath.Join(dir, "agent")
	dockertest.RemoveContainersOf(t, client, filepath.Join(agentDir, "run", "docker"))
	agentAddr, agentPort := freeAddr(t)
	startDaemon(t, "agent", agentAddr, bins["mesos-agent"], "--master="+masterAddr, "--ip=127.0.0.1",
		"--port="+strconv.Itoa(agentPort), "--hostname=localhost", "--work_dir="+agentDir,
		"--containerizers=docker,mesos", "--docker_remove_delay=1hrs", "--isolation=posix/cpu,posix/mem", "--launcher=posix",
		"--no-switch_user", "--no-systemd_enable_support", "--registration_backoff_factor=100ms",
		"--resources=cpus:2;mem:1024;disk:1024;ports:[31000-31099]")

	var stdout, stderr lockedBuffer
	code := run([]string{"--master=" + masterAddr, "--name=docker-task", "--docker_image=" + image,
		"--command=echo hello from $MESOS_CONTAINER_NAME", "--resources=cpus:0.1;mem:32"}, nil, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("mesos-execute exited %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "Received status update TASK_FINISHED for task 'docker-task'") {
		t.Errorf("no TASK_FINISHED:\n%s", stdout.String())
	}
	matches, _ := filepath.Glob(filepath.Join(agentDir, "slaves", "*-S*", "frameworks", "*", "executors", "docker-task", "runs", "latest", "stdout"))
	if len(matches) != 1 {
		t.Fatalf("the task's stdout: %v", matches)
	}
	out, _ := os.ReadFile(matches[0])
	if !strings.Contains(string(out), "hello from mesos-") {
		t.Errorf("the container's output is not in the sandbox:\n%s", out)
	}
}
