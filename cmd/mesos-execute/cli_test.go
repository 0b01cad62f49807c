package main

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gomesos/mesos/core/master"
)

const agentResources = "cpus:2;mem:1024;disk:1024;ports:[31000-31100]"

// A task group from a file (no agent_id, as Mesos's help allows): one
// "Submitted task group with tasks [ a, b ]" line, every task's updates,
// exit 0 when all finished.
func TestExecuteTaskGroupFromFile(t *testing.T) {
	m := startMaster(t, nil)
	startAgent(t, m, agentResources)
	group := filepath.Join(t.TempDir(), "group.json")
	task := func(id, cmd string) string {
		return `{"name":"` + id + `","task_id":{"value":"` + id + `"},` +
			`"resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":0.1}},{"name":"mem","type":"SCALAR","scalar":{"value":32}}],` +
			`"command":{"value":"` + cmd + `"}}`
	}
	if err := os.WriteFile(group, []byte(`{"tasks":[`+task("a", "echo a")+`,`+task("b", "sleep 0.2")+`]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := executeCLI(t, "--master="+m, "--task_group=file://"+group)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	submitted := lines(out, "Submitted")
	if len(submitted) != 1 || !regexp.MustCompile(`^Submitted task group with tasks \[ a, b \] to agent '.+-S0'$`).MatchString(submitted[0]) {
		t.Errorf("submission lines %q, want one for the group", submitted)
	}
	for _, id := range []string{"a", "b"} {
		if !strings.Contains(out, "Received status update TASK_FINISHED for task '"+id+"'") {
			t.Errorf("no TASK_FINISHED for %s:\n%s", id, out)
		}
	}
}

// --kill_after counts from TASK_RUNNING and says so, as Mesos's
// mesos-execute does; with TASK_KILLING_STATE (always enabled) the
// executor reports TASK_KILLING first. A killed task exits 1.
func TestExecuteKillAfter(t *testing.T) {
	m := startMaster(t, nil)
	startAgent(t, m, agentResources)
	code, out, errOut := executeCLI(t, "--master="+m, "--name=sleeper", "--command=sleep 100",
		"--resources=cpus:0.1;mem:32", "--kill_after=300ms")
	if code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	var order []string
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "Received status update "):
			order = append(order, strings.Fields(l)[3])
		case strings.HasPrefix(l, "Asked to kill task 'sleeper' on agent '") && strings.HasSuffix(l, "-S0'"):
			order = append(order, "ASKED")
		}
	}
	want := []string{"TASK_STARTING", "TASK_RUNNING", "ASKED", "TASK_KILLING", "TASK_KILLED"}
	if !slices.Equal(order, want) {
		t.Errorf("events %q, want %q\n%s", order, want, out)
	}
}

// With --role, resources statically reserved to the role are used (the
// agent has nothing else): Mesos's mesos-execute takes "resources first
// from the specified role, then from '*'". The job used to wait forever.
func TestExecuteRoleUsesReservedResources(t *testing.T) {
	m := startMaster(t, nil)
	startAgent(t, m, "cpus(web):1;mem(web):256;disk(web):256")
	code, out, errOut := executeCLI(t, "--master="+m, "--role=web", "--name=reserved", "--command=true",
		"--resources=cpus:0.5;mem:64")
	if code != 0 || !strings.Contains(out, "Received status update TASK_FINISHED for task 'reserved'") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

// --principal with --secret authenticates the scheduler calls (HTTP
// basic, as Mesos's scheduler library does with a credential).
func TestExecuteAuthenticatesWithSecret(t *testing.T) {
	m := startMaster(t, func(c *master.Config) {
		c.AuthenticateFramework = func(r *http.Request) (string, error) {
			user, pass, ok := r.BasicAuth()
			if !ok || user != "ops" || pass != "s3cret" {
				return "", errors.New("bad credentials")
			}
			return user, nil
		}
	})
	startAgent(t, m, agentResources)
	code, out, errOut := executeCLI(t, "--master="+m, "--principal=ops", "--secret=s3cret", "--name=authn",
		"--command=true", "--resources=cpus:0.1;mem:32")
	if code != 0 || !strings.Contains(out, "TASK_FINISHED for task 'authn'") {
		t.Fatalf("with the secret: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	code, out, errOut = executeCLI(t, "--master="+m, "--principal=ops", "--name=anon", "--command=true")
	if code != 1 || !strings.Contains(errOut, "401") {
		t.Fatalf("without the secret: exit %d, want 1 with a 401\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if strings.Contains(errOut, "s3cret") {
		t.Errorf("the secret is in the log:\n%s", errOut)
	}
}
