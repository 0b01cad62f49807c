package kinds_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// grpcRoot is the module path of gRPC-Go: any package under it counts.
const grpcRoot = "google.golang.org/grpc"

// The kinds' gRPC code lives in <kind>/<kind>grpc so that the kind
// packages (messages, service descriptors, Go interfaces), and so WASM
// guests, do not link gRPC: with it the example guests were 22-24 MB
// instead of 8-9 MB and took twice as long to load (docs/PERFORMANCE.md).
// This fails when any of them pulls gRPC back in, naming the importer.
func TestKindPackagesAndWASMGuestsDoNotLinkGRPC(t *testing.T) {
	patterns := []string{
		"github.com/gomesos/mesos/modules/kinds/...",
		"github.com/gomesos/mesos/sdk/wasm/...",
		"github.com/gomesos/mesos/sdk/examples/wasm/...",
	}
	roots := goList(t, []string{"GOOS=wasip1", "GOARCH=wasm"}, append([]string{"-f", "{{.ImportPath}}"}, patterns...)...)
	var checked []string
	for _, p := range roots {
		if strings.HasSuffix(p, "grpc") { // modules/kinds/<kind>/<kind>grpc: gRPC's place
			continue
		}
		checked = append(checked, p)
	}
	if len(checked) < 12+4 { // the twelve kinds' packages and the four example guests at least
		t.Fatalf("only %d packages to check: %v", len(checked), checked)
	}
	for importer, imp := range grpcImporters(t, []string{"GOOS=wasip1", "GOARCH=wasm"}, checked...) {
		t.Errorf("%s imports %s: gRPC code belongs in the kind's <kind>grpc package", importer, imp)
	}
}

// TestGRPCImportersSeesTheGRPCPackages keeps the check above honest: the
// same query finds gRPC where it is meant to be.
func TestGRPCImportersSeesTheGRPCPackages(t *testing.T) {
	const hookgrpc = "github.com/gomesos/mesos/modules/kinds/hook/hookgrpc"
	got := grpcImporters(t, nil, hookgrpc)
	if _, ok := got[hookgrpc]; !ok {
		t.Fatalf("hookgrpc's gRPC imports not seen; importers: %v", got)
	}
}

// grpcImporters maps the packages, among pkgs and everything they depend
// on (tests excluded), that import a gRPC package but are not part of gRPC
// themselves, to one gRPC package each imports.
func grpcImporters(t *testing.T, env []string, pkgs ...string) map[string]string {
	t.Helper()
	lines := goList(t, env, append([]string{"-deps", "-f", "{{.ImportPath}} {{join .Imports \" \"}}"}, pkgs...)...)
	importers := map[string]string{}
	for _, line := range lines {
		fields := strings.Fields(line)
		if len(fields) == 0 || isGRPC(fields[0]) {
			continue
		}
		for _, imp := range fields[1:] {
			if isGRPC(imp) {
				importers[fields[0]] = imp
				break
			}
		}
	}
	return importers
}

func isGRPC(path string) bool {
	return path == grpcRoot || strings.HasPrefix(path, grpcRoot+"/")
}

// goList runs `go list args...` with env added to the environment and
// returns its output's lines.
func goList(t *testing.T, env []string, args ...string) []string {
	t.Helper()
	cmd := exec.Command(goTool(t), append([]string{"list"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v\n%s", args, err, stderr.String())
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

// goTool is the go command of the toolchain running the test.
func goTool(t *testing.T) string {
	t.Helper()
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	p, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command to list dependencies with: %v", err)
	}
	return p
}
