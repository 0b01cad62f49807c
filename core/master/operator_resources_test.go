package master

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

func parseResources(t *testing.T, text string) []*mesospb.Resource {
	t.Helper()
	rs, err := parseJSONArray(text, func() *mesospb.Resource { return &mesospb.Resource{} })
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

const (
	reservedCPUs = `[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"reservations":[{"type":"DYNAMIC","role":"eng","principal":"ops"}]}]`
	// The pre-refinement form Mesos's documentation shows for /reserve.
	reservedDiskOld = `[{"name":"disk","type":"SCALAR","scalar":{"value":512},"role":"eng","reservation":{"principal":"ops"}}]`
	volume          = `[{"name":"disk","type":"SCALAR","scalar":{"value":512},"reservations":[{"type":"DYNAMIC","role":"eng","principal":"ops"}],` +
		`"disk":{"persistence":{"id":"vol1","principal":"ops"},"volume":{"container_path":"data","mode":"RW"}}}]`
)

func form(values map[string]string) string {
	v := url.Values{}
	for k, x := range values {
		v.Set(k, x)
	}
	return v.Encode()
}

// TestOperatorResourceOperations reserves, creates a volume, destroys it
// and unreserves, through the operator API and the form endpoints, on an
// agent whose resources are all offered: the offer is rescinded first.
func TestOperatorResourceOperations(t *testing.T) {
	alloc := newRecording()
	tm := startMaster(t, func(c *Config) { c.Allocator = alloc })
	agent := registerAgent(t, tm, "cpus:4;mem:1024;disk:1024", nil)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("holder"))
	offer := s.nextOffer()

	reserve := callOf(masterpb.Call_RESERVE_RESOURCES)
	reserve.ReserveResources = &masterpb.Call_ReserveResources{AgentId: agentIDProto(agent.id), Resources: parseResources(t, reservedCPUs)}
	mustDo(t, tm, httpapi.Protobuf, reserve, http.StatusAccepted)
	rescind := s.events.next(t, "RESCIND", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_RESCIND })
	if rescind.GetRescind().GetOfferId().GetValue() != offer.GetId().GetValue() {
		t.Fatalf("rescinded %v", rescind)
	}
	apply := agent.next("APPLY_OPERATIONS", agentmasterpb.AgentEvent_APPLY_OPERATIONS)
	cp := resources.New(apply.GetApplyOperations().GetCheckpointedResources()...)
	if cpus, _ := cp.ReservedTo("eng").CPUs(); cpus != 1 {
		t.Fatalf("checkpointed %v", cp)
	}
	alloc.waitEvent(t, "AvailableConverted", func(e *allocator.Event) bool {
		return e.GetAvailableConverted().GetAgentId() == agent.id
	})

	// The same through /master/reserve, with the pre-refinement form.
	code, body := httpDo(t, "POST", tm.srv.URL+"/master/reserve", "application/x-www-form-urlencoded",
		form(map[string]string{"slaveId": agent.id, "resources": reservedDiskOld}))
	if code != http.StatusAccepted {
		t.Fatalf("/master/reserve: %d %s", code, body)
	}
	agent.next("APPLY_OPERATIONS for the disk", agentmasterpb.AgentEvent_APPLY_OPERATIONS)

	slaves := getJSON(t, tm.srv.URL+"/master/slaves")
	if cpus := jpath(t, slaves, "slaves", "0", "reserved_resources", "eng", "cpus"); cpus != 1.0 {
		t.Errorf("reserved cpus %v", cpus)
	}
	if disk := jpath(t, slaves, "slaves", "0", "reserved_resources", "eng", "disk"); disk != 512.0 {
		t.Errorf("reserved disk %v", disk)
	}
	full := jpath(t, slaves, "slaves", "0", "reserved_resources_full", "eng").([]any)
	if len(full) != 2 || jpath(t, full[0], "role") != "eng" {
		t.Errorf("reserved_resources_full %v", full)
	}

	create := callOf(masterpb.Call_CREATE_VOLUMES)
	create.CreateVolumes = &masterpb.Call_CreateVolumes{AgentId: agentIDProto(agent.id), Volumes: parseResources(t, volume)}
	mustDo(t, tm, httpapi.JSON, create, http.StatusAccepted)
	agent.next("APPLY_OPERATIONS CREATE", agentmasterpb.AgentEvent_APPLY_OPERATIONS)
	if code, body := operatorStatus(t, tm, httpapi.JSON, create); code != http.StatusBadRequest || !strings.Contains(body, "vol1") {
		t.Errorf("creating vol1 twice: %d %q", code, body)
	}
	agents := mustGet(t, tm, httpapi.JSON, callOf(masterpb.Call_GET_AGENTS)).GetGetAgents().GetAgents()
	if vols := resources.New(agents[0].GetTotalResources()...).PersistentVolumes(); vols.Len() != 1 {
		t.Errorf("volumes after CREATE_VOLUMES: %v", vols)
	}

	code, body = httpDo(t, "POST", tm.srv.URL+"/master/destroy-volumes", "application/x-www-form-urlencoded",
		form(map[string]string{"slaveId": agent.id, "volumes": volume}))
	if code != http.StatusAccepted {
		t.Fatalf("/master/destroy-volumes: %d %s", code, body)
	}
	agent.next("APPLY_OPERATIONS DESTROY", agentmasterpb.AgentEvent_APPLY_OPERATIONS)
	code, body = httpDo(t, "POST", tm.srv.URL+"/master/create-volumes", "application/x-www-form-urlencoded",
		form(map[string]string{"slaveId": agent.id, "volumes": volume}))
	if code != http.StatusAccepted {
		t.Fatalf("/master/create-volumes after destroying: %d %s", code, body)
	}
	agent.next("APPLY_OPERATIONS CREATE again", agentmasterpb.AgentEvent_APPLY_OPERATIONS)
	destroy := callOf(masterpb.Call_DESTROY_VOLUMES)
	destroy.DestroyVolumes = &masterpb.Call_DestroyVolumes{AgentId: agentIDProto(agent.id), Volumes: parseResources(t, volume)}
	mustDo(t, tm, httpapi.Protobuf, destroy, http.StatusAccepted)
	agent.next("APPLY_OPERATIONS DESTROY again", agentmasterpb.AgentEvent_APPLY_OPERATIONS)

	unreserve := callOf(masterpb.Call_UNRESERVE_RESOURCES)
	unreserve.UnreserveResources = &masterpb.Call_UnreserveResources{AgentId: agentIDProto(agent.id), Resources: parseResources(t, reservedCPUs)}
	mustDo(t, tm, httpapi.JSON, unreserve, http.StatusAccepted)
	code, body = httpDo(t, "POST", tm.srv.URL+"/master/unreserve", "application/x-www-form-urlencoded",
		form(map[string]string{"slaveId": agent.id, "resources": reservedDiskOld}))
	if code != http.StatusAccepted {
		t.Fatalf("/master/unreserve: %d %s", code, body)
	}
	eventually(t, "every reservation gone", func() bool {
		var reserved bool
		onLoop(t, tm, func() { reserved = !tm.agents[agent.id].total.Reserved().IsEmpty() })
		return !reserved
	})
}

func TestOperatorResourceOperationErrors(t *testing.T) {
	tm := startMaster(t, nil)
	agent := registerAgent(t, tm, "cpus:2;mem:512", nil)
	reserve := func(agentID, rs string) (int, string) {
		call := callOf(masterpb.Call_RESERVE_RESOURCES)
		call.ReserveResources = &masterpb.Call_ReserveResources{AgentId: agentIDProto(agentID), Resources: parseResources(t, rs)}
		return operatorStatus(t, tm, httpapi.JSON, call)
	}
	if code, body := reserve("nope", reservedCPUs); code != http.StatusBadRequest || !strings.Contains(body, "No agent found") {
		t.Errorf("unknown agent: %d %q", code, body)
	}
	tooMuch := strings.Replace(reservedCPUs, `"value":1`, `"value":100`, 1)
	if code, _ := reserve(agent.id, tooMuch); code != http.StatusConflict {
		t.Errorf("more than the agent has: %d, want 409", code)
	}
	unreserved := `[{"name":"cpus","type":"SCALAR","scalar":{"value":1}}]`
	if code, body := reserve(agent.id, unreserved); code != http.StatusBadRequest || !strings.Contains(body, "not dynamically reserved") {
		t.Errorf("reserving without a reservation: %d %q", code, body)
	}
	call := callOf(masterpb.Call_UNRESERVE_RESOURCES)
	call.UnreserveResources = &masterpb.Call_UnreserveResources{AgentId: agentIDProto(agent.id), Resources: parseResources(t, reservedCPUs)}
	if code, _ := operatorStatus(t, tm, httpapi.JSON, call); code != http.StatusConflict {
		t.Errorf("unreserving what is not reserved: %d, want 409", code)
	}

	endpoint := tm.srv.URL + "/master/reserve"
	for _, c := range []struct {
		body, want string
	}{
		{form(map[string]string{"resources": reservedCPUs}), "Missing 'slaveId'"},
		{form(map[string]string{"slaveId": agent.id}), "Missing 'resources'"},
		{form(map[string]string{"slaveId": agent.id, "resources": "{not json"}), "Error in parsing 'resources'"},
		{form(map[string]string{"slaveId": agent.id, "resources": `[{"name":1}]`}), "Error in parsing 'resources'"},
		{"%zz", "Unable to decode query string"},
	} {
		code, body := httpDo(t, "POST", endpoint, "application/x-www-form-urlencoded", c.body)
		if code != http.StatusBadRequest || !strings.Contains(body, c.want) {
			t.Errorf("%q: %d %q, want 400 with %q", c.body, code, body, c.want)
		}
	}
	if code, _ := httpDo(t, "GET", endpoint, "", ""); code != http.StatusMethodNotAllowed {
		t.Errorf("GET /master/reserve: %d", code)
	}
}
