package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/core/schedulerclient"
)

// TestAllocatorModuleFallsBack loads the example bin-packing allocator as
// a go-plugin module with --allocator; when its process dies, the
// built-in HierarchicalDRF takes over from the master's state and the
// framework goes on getting offers.
func TestAllocatorModuleFallsBack(t *testing.T) {
	dir := t.TempDir()
	plugin := filepath.Join(dir, "binpack-allocator")
	build := exec.Command("go", "build", "-o", plugin, "../../sdk/examples/plugin/binpack-allocator")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the example allocator: %v\n%s", err, out)
	}
	manifest := fmt.Sprintf(`{"libraries":[{"file":%q,"modules":[{"name":"binpack","kind":"Allocator"}]}]}`, plugin)
	m := startMaster(t, "master", "--registry=in_memory", "--modules="+manifest, "--allocator=binpack",
		"--allocation_interval=100ms")
	m.waitHealthy(20 * time.Second)

	ctx := withContext(t, time.Minute)
	fakeAgent(ctx, t, m, "cpus:2;mem:512")
	sess, err := schedulerclient.Subscribe(ctx, schedulerclient.Config{Master: m.addr},
		&mesospb.FrameworkInfo{User: proto.String("root"), Name: proto.String("fallback")})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	first := nextOffer(t, sess)
	if state := moduleState(t, m, "binpack"); state["runtime"] != "plugin" || state["fallback"] != nil {
		t.Fatalf("binpack module: %v", state)
	}

	// The plugin dies: the next cycle falls back.
	pluginPID := childProcess(t, m.cmd.Process.Pid, "binpack-allocator")
	if err := syscall.Kill(pluginPID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the fallback", func() error {
		if state := moduleState(t, m, "binpack"); state["fallback"] != "HierarchicalDRF" {
			return fmt.Errorf("binpack module: %v", state)
		}
		return nil
	})
	if metrics := getJSON(m.url("/metrics/snapshot")); metrics["modules/binpack-allocator/binpack/fallbacks"] != 1.0 {
		t.Errorf("fallbacks metric: %v", metrics["modules/binpack-allocator/binpack/fallbacks"])
	}
	// The built-in knows the offer is out (the snapshot): declined, it is
	// offered again, once.
	decline := &schedulerpb.Call{Type: schedulerpb.Call_DECLINE.Enum(), Decline: &schedulerpb.Call_Decline{
		OfferIds: []*mesospb.OfferID{first.GetId()}, Filters: &mesospb.Filters{RefuseSeconds: proto.Float64(0)},
	}}
	if err := sess.Call(ctx, decline); err != nil {
		t.Fatal(err)
	}
	again := nextOffer(t, sess)
	if cpus, _ := resources.New(again.GetResources()...).SumScalar("cpus"); cpus.Float() != 2 {
		t.Errorf("offer after the fallback: %v", again.GetResources())
	}
}

// nextOffer waits for an offer.
func nextOffer(t *testing.T, sess *schedulerclient.Session) *mesospb.Offer {
	t.Helper()
	timeout := time.After(15 * time.Second)
	for {
		select {
		case ev, ok := <-sess.Events():
			if !ok {
				t.Fatalf("the stream ended: %v", sess.Err())
			}
			if ev.GetType() == schedulerpb.Event_OFFERS {
				return ev.GetOffers().GetOffers()[0]
			}
		case <-timeout:
			t.Fatal("no offer")
		}
	}
}

// moduleState is a module's entry in /modules.
func moduleState(t *testing.T, m *process, name string) map[string]any {
	t.Helper()
	list, _ := getJSON(m.url("/modules"))["modules"].([]any)
	for _, e := range list {
		if mod, ok := e.(map[string]any); ok && mod["name"] == name {
			return mod
		}
	}
	t.Fatalf("/modules does not list %s: %v", name, list)
	return nil
}

// childProcess finds the child of parent whose command name is name.
func childProcess(t *testing.T, parent int, name string) int {
	t.Helper()
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		s := string(stat)
		end := strings.LastIndexByte(s, ')')
		if end < 0 || !strings.Contains(s[:end], "("+name[:min(len(name), 15)]) {
			continue
		}
		fields := strings.Fields(s[end+1:])
		if len(fields) > 1 && fields[1] == strconv.Itoa(parent) {
			return pid
		}
	}
	t.Fatalf("no %s process under %d", name, parent)
	return 0
}

// fakeAgent registers an agent through the agent protocol and keeps its
// stream open until ctx ends.
func fakeAgent(ctx context.Context, t *testing.T, m *process, res string) {
	t.Helper()
	rs, err := resources.ParseList(res, "*")
	if err != nil {
		t.Fatal(err)
	}
	call := &agentmasterpb.AgentCall{Type: agentmasterpb.AgentCall_SUBSCRIBE.Enum(), Subscribe: &agentmasterpb.AgentCall_Subscribe{
		AgentInfo: &mesospb.AgentInfo{Hostname: proto.String("agent.example"), Resources: rs},
		Version:   proto.String("1.11.0"),
		Address:   &mesospb.Address{Hostname: proto.String("agent.example"), Ip: proto.String("127.0.0.1"), Port: proto.Int32(5051)},
	}}
	body, err := httpapi.Protobuf.Marshal(call)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, m.url("/internal/v1/agent"), bytes.NewReader(body))
	req.Header.Set("Content-Type", httpapi.Protobuf.MediaType())
	req.Header.Set("Accept", httpapi.Protobuf.MediaType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		t.Fatalf("agent SUBSCRIBE: %s", resp.Status)
	}
	t.Cleanup(func() { resp.Body.Close() })
}
