package agent

import (
	"os/exec"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/docker/dockertest"
	"github.com/gomesos/mesos/core/agent/docker/engine"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// TestDockerConfigPullsFromAnAuthenticatedRegistry: --docker_config
// against a real registry that requires a password (docker-registry with
// htpasswd). The image is only in the registry, so each launch pulls it:
// without the flag, or with a wrong password, the task fails with the
// daemon's authentication error (REASON_CONTAINER_LAUNCH_FAILED); with
// the right credential, written as docker login does or under a URL key,
// the task runs.
func TestDockerConfigPullsFromAnAuthenticatedRegistry(t *testing.T) {
	env := newDockerEnv(t)
	reg := dockertest.StartRegistry(t)
	image := reg.Push(t, env.image, "gomesos-test/auth", env.image[strings.LastIndexByte(env.image, ':')+1:])

	// run launches a task of the image on an agent of its own with the
	// --docker_config given ("": none) and returns the task's end and the
	// agent's work directory.
	run := func(t *testing.T, name, dockerConfig string) (*mesospb.TaskStatus, string) {
		t.Helper()
		// Each case pulls: drop what an earlier case pulled.
		_ = exec.Command("docker", "rmi", "--force", image).Run()
		cfg := env.cfg
		cfg.WorkDir = t.TempDir()
		cfg.Flags = map[string]string{"work_dir": cfg.WorkDir}
		dockertest.RemoveContainersOf(t, env.client, cfg.WorkDir+"/run/docker")
		if dockerConfig != "" {
			dc, err := engine.ParseDockerConfig([]byte(dockerConfig))
			if err != nil {
				t.Fatal(err)
			}
			cfg.Docker.Config = dc
		}
		startAgent(t, cfg)
		s := subscribeScheduler(t, env.master.addr, frameworkInfo("docker-config-"+name, false))
		ti := env.task(name, "echo pulled with credentials", "cpus:0.2;mem:32")
		ti.Container.Docker.Image = proto.String(image)
		s.launch(s.offer(), ti)
		for {
			st := s.update(name)
			switch st.GetState() {
			case mesospb.TaskState_TASK_STARTING, mesospb.TaskState_TASK_RUNNING:
				continue
			}
			return st, cfg.WorkDir
		}
	}

	failures := map[string]struct{ config, daemonSays string }{
		// The daemon's own words for an anonymous and a refused pull.
		"none":  {"", "no basic auth credentials"},
		"wrong": {reg.DockerConfigJSON("not-" + reg.Password), "unauthorized: authentication required"},
		// A credential for another registry is not sent.
		"other": {`{"auths": {"127.0.0.1:1": {"auth": "dTpw"}}}`, "no basic auth credentials"},
	}
	for name, c := range failures {
		t.Run(name, func(t *testing.T) {
			st, _ := run(t, name, c.config)
			if st.GetState() != mesospb.TaskState_TASK_FAILED || st.GetReason() != mesospb.TaskStatus_REASON_CONTAINER_LAUNCH_FAILED {
				t.Fatalf("status %s %s %q, want TASK_FAILED REASON_CONTAINER_LAUNCH_FAILED", st.GetState(), st.GetReason(), st.GetMessage())
			}
			if !strings.Contains(st.GetMessage(), "Failed to pull image '"+image+"'") || !strings.Contains(st.GetMessage(), c.daemonSays) {
				t.Errorf("message %q does not give the daemon's %q", st.GetMessage(), c.daemonSays)
			}
		})
	}
	good := map[string]string{
		"config.json": reg.DockerConfigJSON(reg.Password),
		// The .dockercfg format, its key a URL as old docker logins wrote.
		"dockercfg-url": `{"http://` + reg.Addr + `/v2/": {"username": "` + reg.User + `", "password": "` + reg.Password + `", "email": "e@example.com"}}`,
	}
	for name, config := range good {
		t.Run(name, func(t *testing.T) {
			st, workDir := run(t, name, config)
			if st.GetState() != mesospb.TaskState_TASK_FINISHED {
				t.Fatalf("status %s %s %q, want TASK_FINISHED", st.GetState(), st.GetReason(), st.GetMessage())
			}
			if out := sandboxFile(t, workDir, name, "stdout"); !strings.Contains(out, "pulled with credentials") {
				t.Errorf("stdout lacks the task's output:\n%s", out)
			}
		})
	}
}
