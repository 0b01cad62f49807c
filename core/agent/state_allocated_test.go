package agent

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
)

// roleViewACLs lets ops view every role and web only the role "web".
var roleViewACLs = strings.Replace(agentTestACLs, `"permissive": false,`, `"permissive": false,
  "view_roles": [{"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}}, {"principals": {"values": ["web"]}, "roles": {"values": ["web"]}}],`, 1)

// allocatedOf reads /state's allocated resources as user.
func allocatedOf(t *testing.T, ta *testAgent, user string) (reserved map[string]map[string]any, unreserved map[string]any) {
	t.Helper()
	resp, body := requestAs(t, user, "GET", ta.url("/state"), nil, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/state as %s: %d %s", user, resp.StatusCode, body)
	}
	var doc struct {
		Reserved   map[string]map[string]any `json:"reserved_resources_allocated"`
		Unreserved map[string]any            `json:"unreserved_resources_allocated"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("/state as %s: %v", user, err)
	}
	if doc.Reserved == nil || doc.Unreserved == nil {
		t.Fatalf("/state as %s lacks the allocated resources: %s", user, body)
	}
	return doc.Reserved, doc.Unreserved
}

// TestAgentStateAllocatedResources: /state's reserved_resources_allocated
// and unreserved_resources_allocated are what the running tasks and
// their executors hold (the command executor's 0.1 cpus and 32 MB
// included, unreserved), as in Mesos's SlaveTest.StateEndpoint; the
// reservations are shown by VIEW_ROLE of their role, the unreserved
// resources to everyone.
func TestAgentStateAllocatedResources(t *testing.T) {
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, t.TempDir())
	cfg.Resources = "cpus:4;mem:2048;disk:1024;cpus(web):2;mem(web):512;cpus(eng):1;mem(eng):128"
	cfg.AuthenticateHTTPReadOnly, cfg.AuthenticateHTTPReadWrite = true, true
	cfg.HTTPCredentials, cfg.ACLs = agentTestCredentials, roleViewACLs
	ta := startAgent(t, cfg)

	if reserved, unreserved := allocatedOf(t, ta, "ops"); len(reserved) != 0 || unreserved["cpus"] != 0.0 || unreserved["mem"] != 0.0 {
		t.Errorf("allocated before any task: %v %v", reserved, unreserved)
	}

	// One framework per role (the role of "web" first, offered every
	// unreserved resource): the task of "web" uses its reservation and
	// unreserved resources (Mesos's example), that of "eng" its
	// reservation only. Each refuses what is left for good.
	var agentID *mesospb.AgentID
	schedulers := map[string]*testScheduler{}
	for _, c := range []struct{ role, res string }{
		{"web", "cpus(web):2;mem(web):512;cpus:2;mem:1024"},
		{"eng", "cpus(eng):1;mem(eng):128"},
	} {
		info := frameworkInfo("allocated-"+c.role, false)
		info.Roles = []string{c.role}
		s := subscribeScheduler(t, m.addr, info)
		o := s.offer()
		agentID = o.GetAgentId()
		task := commandTask(c.role, "sleep 1000", "cpus:1")
		task.Resources = resources.MustParse(c.res).Allocate(c.role).Protos()
		s.launchRefusing(o, 3600, task)
		s.waitState(c.role, mesospb.TaskState_TASK_RUNNING)
		schedulers[c.role] = s
	}

	webRes := map[string]any{"cpus": 2.0, "disk": 0.0, "gpus": 0.0, "mem": 512.0}
	engRes := map[string]any{"cpus": 1.0, "disk": 0.0, "gpus": 0.0, "mem": 128.0}
	// Two command executors: 2 + 2×0.1 cpus, 1024 + 2×32 MB.
	unreservedWant := map[string]any{"cpus": 2.2, "disk": 0.0, "gpus": 0.0, "mem": 1088.0}
	for user, want := range map[string]map[string]map[string]any{
		"ops": {"web": webRes, "eng": engRes},
		"web": {"web": webRes},
		"eve": {},
	} {
		reserved, unreserved := allocatedOf(t, ta, user)
		if !reflect.DeepEqual(reserved, want) {
			t.Errorf("reserved_resources_allocated as %s: %v, want %v", user, reserved, want)
		}
		if !reflect.DeepEqual(unreserved, unreservedWant) {
			t.Errorf("unreserved_resources_allocated as %s: %v, want %v", user, unreserved, unreservedWant)
		}
	}

	for id, s := range schedulers {
		s.send(killCall(id, agentID))
		s.waitState(id, mesospb.TaskState_TASK_KILLED)
	}
	eventually(t, "nothing allocated once the tasks and executors are gone", func() bool {
		reserved, unreserved := allocatedOf(t, ta, "ops")
		return len(reserved) == 0 && unreserved["cpus"] == 0.0 && unreserved["mem"] == 0.0
	})
}
