package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/core/schedulerclient"
)

// TestRootModulesManifest is the module system end to end: the repository's
// own modules.json, with the example modules built as `make modules` builds
// them, loaded by mesos-local's master and agent, selected by --allocator,
// --isolation and --hooks, and a real task run through them. It runs twice:
// once as modules.json is (the binpack allocator as a plugin), once with
// the allocator library's "file" changed to the .wasm build, the one-line
// swap docs/MODULES.md describes.
func TestRootModulesManifest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the example modules and runs two clusters")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(filepath.Join(root, "modules.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := expectationsOf(t, text)

	// The manifest's files are relative to the working directory, as for
	// `make run` at the root: run where bin/modules holds fresh builds.
	dir := t.TempDir()
	buildExampleModules(t, root, filepath.Join(dir, "bin", "modules"))
	t.Chdir(dir)

	plugin := string(text)
	// The swap: one line of modules.json.
	const pluginLine = `"file": "bin/modules/binpack-allocator",`
	const wasmLine = `"file": "bin/modules/binpack-allocator.wasm",`
	if n := strings.Count(plugin, pluginLine); n != 1 {
		t.Fatalf("modules.json has %d lines %s, want the allocator's library as a plugin on exactly one", n, pluginLine)
	}
	wasm := strings.Replace(plugin, pluginLine, wasmLine, 1)
	if d := lineDiff(plugin, wasm); d != 1 {
		t.Fatalf("the swap changed %d lines, want 1", d)
	}

	// One compilation cache for both runs (master and agent share one
	// module host, so each run compiles a module at most once).
	cache := filepath.Join(dir, "wasm-cache")
	if err := os.Mkdir(cache, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, manifest, allocatorRuntime string
	}{
		{"allocator as plugin", plugin, "plugin"},
		{"allocator as wasm", wasm, "wasm"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".json")
			if err := os.WriteFile(path, []byte(tc.manifest), 0o644); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			runModulesTask(t, path, cache, want, tc.allocatorRuntime)
			t.Logf("%s: cluster up, task finished and checked in %v", tc.name, time.Since(start).Round(time.Millisecond))
		})
	}
}

// moduleExpectations are what modules.json says its modules do.
type moduleExpectations struct {
	allocator, isolator, hook string // module names
	hookRuntime               string
	envName, envValue         string // the isolator's env.NAME parameter
	labelKey, labelValue      string // the hook's label.KEY parameter
}

func expectationsOf(t *testing.T, text []byte) moduleExpectations {
	t.Helper()
	var m struct {
		Libraries []struct {
			File, Runtime string
			Modules       []struct {
				Name, Kind string
				Parameters []struct{ Key, Value string }
			}
		}
	}
	if err := json.Unmarshal(text, &m); err != nil {
		t.Fatalf("modules.json: %v", err)
	}
	var w moduleExpectations
	for _, lib := range m.Libraries {
		for _, mod := range lib.Modules {
			switch strings.ToLower(mod.Kind) {
			case "allocator":
				w.allocator = mod.Name
			case "isolator":
				w.isolator = mod.Name
				for _, p := range mod.Parameters {
					if name, ok := strings.CutPrefix(p.Key, "env."); ok {
						w.envName, w.envValue = name, p.Value
					}
				}
			case "hook":
				w.hook = mod.Name
				w.hookRuntime = "plugin"
				if strings.HasSuffix(lib.File, ".wasm") {
					w.hookRuntime = "wasm"
				}
				for _, p := range mod.Parameters {
					if key, ok := strings.CutPrefix(p.Key, "label."); ok {
						w.labelKey, w.labelValue = key, p.Value
					}
				}
			}
		}
	}
	if w.allocator == "" || w.isolator == "" || w.hook == "" || w.envName == "" || w.labelKey == "" {
		t.Fatalf("modules.json should load an Allocator, an Isolator with an env.NAME parameter and a Hook with a label.KEY parameter; found %+v", w)
	}
	return w
}

// buildExampleModules builds the example modules into out with the
// commands of `make modules`: the plugins in one go build, each WASM
// example as a WASI reactor (only the two the manifest uses, in parallel).
func buildExampleModules(t *testing.T, root, out string) {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	builds := [][]string{
		{"build", "-o", out + "/", "./sdk/examples/plugin/..."},
		{"build", "-buildmode=c-shared", "-o", filepath.Join(out, "binpack-allocator.wasm"), "./sdk/examples/wasm/binpack-allocator"},
		{"build", "-buildmode=c-shared", "-o", filepath.Join(out, "label-hook.wasm"), "./sdk/examples/wasm/label-hook"},
	}
	start := time.Now()
	errs := make([]error, len(builds))
	var wg sync.WaitGroup
	for i, args := range builds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(goTool, args...)
			cmd.Dir = root
			cmd.Env = os.Environ()
			if strings.Contains(args[len(args)-1], "/wasm/") {
				cmd.Env = append(cmd.Env, "GOOS=wasip1", "GOARCH=wasm")
			}
			if b, err := cmd.CombinedOutput(); err != nil {
				errs[i] = fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, b)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("example modules built in %v", time.Since(start).Round(time.Millisecond))
}

func lineDiff(a, b string) int {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(la) != len(lb) {
		return -1
	}
	n := 0
	for i := range la {
		if la[i] != lb[i] {
			n++
		}
	}
	return n
}

// runModulesTask starts mesos-local with the manifest and the modules
// selected, runs `env` as a task and checks that the isolator set its
// variable, the hook labelled the task, and the allocator module (in the
// given runtime) made the offer without falling back.
func runModulesTask(t *testing.T, manifest, cache string, want moduleExpectations, allocatorRuntime string) {
	port := freePorts(t, 2)
	// A short work directory: the plugin sockets live under it
	// (<work_dir>/modules/plugins/sockets/plugin<random>), and a Unix
	// socket's path must fit in 108 bytes, which t.TempDir()'s long names
	// overflow.
	work, err := os.MkdirTemp("", "mlm")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(work) }) // after mesos-local stopped
	if err := os.MkdirAll(filepath.Join(work, "modules"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(cache, filepath.Join(work, "modules", "wasm")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	args := []string{"--port=" + strconv.Itoa(port), "--num_slaves=1", "--work_dir=" + work, "--quiet"}
	env := []string{
		"MESOS_MODULES=" + manifest,
		"MESOS_ALLOCATOR=" + want.allocator,
		"MESOS_ISOLATION=posix/cpu,posix/mem," + want.isolator,
		"MESOS_HOOKS=" + want.hook,
		"MESOS_ALLOCATION_INTERVAL=100ms",
	}
	go func() { done <- run(ctx, args, env, &stdout, &stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("mesos-local exited %d: %s", code, stderr.String())
			}
		case <-time.After(30 * time.Second):
			t.Error("mesos-local did not stop")
		}
	})

	master := "127.0.0.1:" + strconv.Itoa(port)
	info := &mesospb.FrameworkInfo{User: proto.String("root"), Name: proto.String("modules-test"),
		Capabilities: []*mesospb.FrameworkInfo_Capability{{Type: mesospb.FrameworkInfo_Capability_MULTI_ROLE.Enum()}},
		Roles:        []string{"*"}}
	var s *schedulerclient.Session
	// Loading compiles the WASM modules that are not in the cache yet.
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		select {
		case code := <-done:
			done <- code
			t.Fatalf("mesos-local exited %d before the master served: %s", code, stderr.String())
		default:
		}
		if s, err = schedulerclient.Subscribe(ctx, schedulerclient.Config{Master: master, Codec: httpapi.Protobuf}, info); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("subscribe: %v\nstderr: %s", err, stderr.String())
	}
	defer s.Close()

	const taskID = "env"
	var frameworkID string
	launched := false
	timeout := time.After(60 * time.Second)
wait:
	for {
		select {
		case <-timeout:
			t.Fatalf("no TASK_FINISHED\nstderr: %s", stderr.String())
		case ev, ok := <-s.Events():
			if !ok {
				t.Fatalf("stream ended: %v", s.Err())
			}
			switch ev.GetType() {
			case schedulerpb.Event_SUBSCRIBED:
				frameworkID = ev.GetSubscribed().GetFrameworkId().GetValue()
			case schedulerpb.Event_OFFERS:
				for _, o := range ev.GetOffers().GetOffers() {
					if launched {
						continue
					}
					launched = true
					r, _ := resources.Parse("cpus:0.1;mem:32", "*")
					task := &mesospb.TaskInfo{
						Name: proto.String(taskID), TaskId: &mesospb.TaskID{Value: proto.String(taskID)},
						AgentId: o.GetAgentId(), Resources: r.Allocate("*").Protos(),
						Command: &mesospb.CommandInfo{Value: proto.String("env")},
					}
					if err := s.Call(ctx, &schedulerpb.Call{Type: schedulerpb.Call_ACCEPT.Enum(), Accept: &schedulerpb.Call_Accept{
						OfferIds: []*mesospb.OfferID{o.GetId()},
						Operations: []*mesospb.Offer_Operation{{Type: mesospb.Offer_Operation_LAUNCH.Enum(),
							Launch: &mesospb.Offer_Operation_Launch{TaskInfos: []*mesospb.TaskInfo{task}}}},
					}}); err != nil {
						t.Fatal(err)
					}
				}
			case schedulerpb.Event_UPDATE:
				st := ev.GetUpdate().GetStatus()
				if len(st.GetUuid()) > 0 {
					_ = s.Call(ctx, &schedulerpb.Call{Type: schedulerpb.Call_ACKNOWLEDGE.Enum(), Acknowledge: &schedulerpb.Call_Acknowledge{
						AgentId: st.AgentId, TaskId: st.TaskId, Uuid: st.Uuid}})
				}
				switch st.GetState() {
				case mesospb.TaskState_TASK_FINISHED:
					break wait
				case mesospb.TaskState_TASK_FAILED, mesospb.TaskState_TASK_ERROR, mesospb.TaskState_TASK_LOST,
					mesospb.TaskState_TASK_DROPPED, mesospb.TaskState_TASK_KILLED:
					t.Fatalf("task ended %s: %s\nstderr: %s", st.GetState(), st.GetMessage(), stderr.String())
				}
			}
		}
	}

	// The task's output: the command executor's sandbox (executor ID =
	// task ID) on agent 0, through the agent's "latest" links.
	out, err := os.ReadFile(filepath.Join(work, "agents", "0", "work", "slaves", "latest", "frameworks", frameworkID,
		"executors", taskID, "runs", "latest", "stdout"))
	if err != nil {
		t.Fatalf("the task's stdout: %v", err)
	}
	if line := want.envName + "=" + want.envValue; !bytes.Contains(out, []byte(line+"\n")) {
		t.Errorf("the task's environment has no %s (isolator %s):\n%s", line, want.isolator, out)
	}

	// The labels the hook gave the task, as the master reports them.
	var tasks struct {
		Tasks []struct {
			ID     string `json:"id"`
			State  string `json:"state"`
			Labels []struct{ Key, Value string }
		}
	}
	getJSON(t, "http://"+master+"/master/tasks", &tasks)
	found := false
	for _, task := range tasks.Tasks {
		if task.ID != taskID {
			continue
		}
		found = true
		labelled := false
		for _, l := range task.Labels {
			labelled = labelled || (l.Key == want.labelKey && l.Value == want.labelValue)
		}
		if !labelled {
			t.Errorf("task %s has labels %v, want %s=%s from hook %s", taskID, task.Labels, want.labelKey, want.labelValue, want.hook)
		}
	}
	if !found {
		t.Errorf("/master/tasks has no task %s: %+v", taskID, tasks)
	}

	// Each module ran in the runtime the manifest says and is healthy:
	// the allocator on the master, the isolator and hook on the agent.
	checkModule(t, "http://"+master+"/modules", want.allocator, allocatorRuntime, "Allocate")
	checkModule(t, "http://"+master+"/modules", want.hook, want.hookRuntime, "masterLaunchTaskLabelDecorator")
	agentModules := "http://127.0.0.1:" + strconv.Itoa(port+1) + "/modules"
	checkModule(t, agentModules, want.isolator, "plugin", "Prepare")
	checkModule(t, agentModules, want.hook, want.hookRuntime, "slaveRunTaskLabelDecorator")

	// Master and agent share one module host: each plugin of the manifest
	// runs as one process, and each daemon's /modules shows the other's
	// modules with their calls.
	for _, file := range pluginFiles(t, manifest) {
		if n := processesRunning(t, file); n != 1 {
			t.Errorf("%d processes of plugin %s, want 1 for master and agent together", n, file)
		}
	}
	checkModule(t, agentModules, want.allocator, allocatorRuntime, "Allocate")
	checkModule(t, "http://"+master+"/modules", want.isolator, "plugin", "Prepare")
}

// pluginFiles are the absolute paths of the manifest's plugin libraries
// (its files that are not .wasm), relative to the working directory.
func pluginFiles(t *testing.T, manifest string) []string {
	t.Helper()
	text, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Libraries []struct{ File string } }
	if err := json.Unmarshal(text, &m); err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, lib := range m.Libraries {
		if lib.File == "" || strings.HasSuffix(lib.File, ".wasm") {
			continue
		}
		abs, err := filepath.Abs(lib.File)
		if err == nil {
			abs, err = filepath.EvalSymlinks(abs)
		}
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, abs)
	}
	if len(files) == 0 {
		t.Fatalf("%s names no plugin library", manifest)
	}
	return files
}

// processesRunning counts the processes running the executable file.
func processesRunning(t *testing.T, file string) int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		if exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err == nil && exe == file {
			n++
		}
	}
	return n
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// checkModule checks, in a daemon's /modules, that the module runs in the
// runtime, is healthy (for the allocator: never fell back), and that
// method was called.
func checkModule(t *testing.T, url, name, wantRuntime, method string) {
	t.Helper()
	var status struct {
		Modules []struct {
			Name, Runtime, State, Fallback string
			Methods                        []struct {
				Method string
				Calls  int
			}
		}
	}
	getJSON(t, url, &status)
	for _, m := range status.Modules {
		if m.Name != name {
			continue
		}
		if m.Runtime != wantRuntime || m.State != "healthy" || m.Fallback != "" {
			t.Errorf("%s: module %s is %s, %s (fallback %q); want %s, healthy", url, name, m.Runtime, m.State, m.Fallback, wantRuntime)
		}
		for _, c := range m.Methods {
			if c.Method == method && c.Calls > 0 {
				return
			}
		}
		t.Errorf("%s: module %s: %s never called: %+v", url, name, method, m.Methods)
		return
	}
	t.Errorf("%s: no module %s: %+v", url, name, status.Modules)
}
