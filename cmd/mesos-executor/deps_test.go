package main

import (
	"os/exec"
	"runtime/debug"
	"strings"
	"testing"
)

// Every command task starts this program, so what it links is paid per
// task (package init, page faults of a bigger binary). These packages
// belong to the agent and the HTTP servers, not to an executor.
func TestExecutorDoesNotLinkServerPackages(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		deps[p] = true
	}
	if !deps["github.com/gomesos/mesos/cmd/internal/executors"] {
		t.Fatalf("go list -deps does not list the executors package; output:\n%s", out)
	}
	for _, p := range []string{
		"github.com/gomesos/mesos/core/httpapi",
		"github.com/gomesos/mesos/core/proto/jsoncodec",
		"google.golang.org/protobuf/types/descriptorpb",
		"google.golang.org/grpc",
		"github.com/prometheus/client_golang/prometheus",
		"github.com/gomesos/mesos/core/agent",
		"github.com/gomesos/mesos/core/master",
	} {
		if deps[p] {
			t.Errorf("mesos-executor links %s", p)
		}
	}
}

// The go:debug directive of main.go is in the binary's default GODEBUG.
func TestUpdateMaxProcsIsOff(t *testing.T) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		t.Fatal("no build info")
	}
	for _, s := range info.Settings {
		if s.Key == "DefaultGODEBUG" {
			if !strings.Contains(","+s.Value+",", ",updatemaxprocs=0,") {
				t.Errorf("DefaultGODEBUG = %q, want updatemaxprocs=0 in it", s.Value)
			}
			return
		}
	}
	t.Errorf("no DefaultGODEBUG in the build settings %v", info.Settings)
}
