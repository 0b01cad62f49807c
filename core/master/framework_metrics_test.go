package master

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/uuid"
	"google.golang.org/protobuf/proto"
)

func snapshot(t *testing.T, url string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(url + "/metrics/snapshot")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var out map[string]float64
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	return out
}

// TestPerFrameworkMetrics follows one framework through a launch, a
// finished task and a SUPPRESS, and checks Mesos's per-framework metrics
// (master/frameworks/<name>/<id>/...) count them.
func TestPerFrameworkMetrics(t *testing.T) {
	f := newStateFixture(t) // one task launched and RUNNING
	prefix := "master/frameworks/stateful/" + f.s.id + "/"
	want := func(stage string, expect map[string]float64) {
		t.Helper()
		got := snapshot(t, f.tm.srv.URL)
		for name, v := range expect {
			if g, ok := got[prefix+name]; !ok || g != v {
				t.Errorf("%s: %s = %v (present %v), want %v", stage, prefix+name, g, ok, v)
			}
		}
	}
	want("running", map[string]float64{
		"subscribed": 1, "calls/accept": 1, "calls/decline": 0, "offers/accepted": 1,
		"operations": 1, "operations/launch": 1, "operations/reserve": 0,
		"events/subscribed": 1, "events/update": 1, "tasks/active/task_running": 1,
		"tasks/terminal/task_finished": 0, "roles/*/suppressed": 0,
	})
	if got := snapshot(t, f.tm.srv.URL)[prefix+"offers/sent"]; got < 1 {
		t.Errorf("offers/sent = %v, want at least 1", got)
	}

	f.agent.statusUpdate(f.s.id, "web-1", mesospb.TaskState_TASK_FINISHED, uuid.New().Bytes())
	f.s.nextUpdate("web-1")
	f.s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_SUPPRESS.Enum()})
	f.s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_RECONCILE.Enum(), Reconcile: &schedulerpb.Call_Reconcile{
		Tasks: []*schedulerpb.Call_Reconcile_Task{{TaskId: &mesospb.TaskID{Value: proto.String("web-1")}}},
	}})
	f.s.nextUpdate("web-1") // the reconciliation's answer: the calls before it are counted
	want("finished", map[string]float64{
		"tasks/active/task_running": 0, "tasks/terminal/task_finished": 1,
		"calls/suppress": 1, "calls/reconcile": 1, "roles/*/suppressed": 1, "events/update": 3,
	})
	got := snapshot(t, f.tm.srv.URL)
	var calls float64
	for name, v := range got {
		if strings.HasPrefix(name, prefix+"calls/") {
			calls += v
		}
	}
	if got[prefix+"calls"] != calls || calls < 3 {
		t.Errorf("calls = %v, the sum of calls/* is %v", got[prefix+"calls"], calls)
	}
}

// TestPerFrameworkMetricsHidden: --publish_per_framework_metrics=false.
func TestPerFrameworkMetricsHidden(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.HidePerFrameworkMetrics = true })
	subscribe(t, tm, httpapi.JSON, frameworkInfo("quiet"))
	for name := range snapshot(t, tm.srv.URL) {
		if strings.HasPrefix(name, "master/frameworks/") {
			t.Fatalf("per-framework metric %s shown with HidePerFrameworkMetrics", name)
		}
	}
}

// TestFrameworkMetricPrefixEncodesName: the name is percent-encoded, so
// that a '/' or a space cannot split the metric's path.
func TestFrameworkMetricPrefixEncodesName(t *testing.T) {
	fw := &framework{id: "F-1", info: &mesospb.FrameworkInfo{Name: proto.String("my app/v2~x.y_z-ü")}}
	if got, want := frameworkMetricPrefix(fw), "master/frameworks/my%20app%2Fv2~x.y_z-%C3%BC/F-1/"; got != want {
		t.Fatalf("prefix %q, want %q", got, want)
	}
}
