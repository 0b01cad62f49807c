package sandbox

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func mustRun(t *testing.T, tree Tree, r Run) RunDir {
	t.Helper()
	d, err := r.Dir(tree)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestLayoutPaths(t *testing.T) {
	l := Layout{WorkDir: "/var/lib/mesos"}
	r := Run{AgentID: "S0", FrameworkID: "F0", ExecutorID: "E0", ContainerID: "C0"}
	run := mustRun(t, l.Sandboxes(), r)
	meta := mustRun(t, l.Meta(), r)
	a, _ := l.Meta().Agent("S0")
	f, _ := a.Framework("F0")
	e, _ := f.Executor("E0")
	task, err := meta.Task("T0")
	if err != nil {
		t.Fatal(err)
	}
	nested, err := run.Nested("child", "grandchild")
	if err != nil {
		t.Fatal(err)
	}
	virtual, err := ExecutorVirtualPath("F0", "E0")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ got, want string }{
		{run.Path(), "/var/lib/mesos/slaves/S0/frameworks/F0/executors/E0/runs/C0"},
		{run.LatestLink(), "/var/lib/mesos/slaves/S0/frameworks/F0/executors/E0/runs/latest"},
		{meta.Path(), "/var/lib/mesos/meta/slaves/S0/frameworks/F0/executors/E0/runs/C0"},
		{meta.SentinelPath(), "/var/lib/mesos/meta/slaves/S0/frameworks/F0/executors/E0/runs/C0/executor.sentinel"},
		{meta.HTTPMarkerPath(), "/var/lib/mesos/meta/slaves/S0/frameworks/F0/executors/E0/runs/C0/http.marker"},
		{meta.LibprocessPIDPath(), "/var/lib/mesos/meta/slaves/S0/frameworks/F0/executors/E0/runs/C0/pids/libprocess.pid"},
		{meta.ForkedPIDPath(), "/var/lib/mesos/meta/slaves/S0/frameworks/F0/executors/E0/runs/C0/pids/forked.pid"},
		{task.InfoPath(), "/var/lib/mesos/meta/slaves/S0/frameworks/F0/executors/E0/runs/C0/tasks/T0/task.info"},
		{task.UpdatesPath(), "/var/lib/mesos/meta/slaves/S0/frameworks/F0/executors/E0/runs/C0/tasks/T0/task.updates"},
		{a.InfoPath(), "/var/lib/mesos/meta/slaves/S0/slave.info"},
		{f.InfoPath(), "/var/lib/mesos/meta/slaves/S0/frameworks/F0/framework.info"},
		{f.PIDPath(), "/var/lib/mesos/meta/slaves/S0/frameworks/F0/framework.pid"},
		{e.InfoPath(), "/var/lib/mesos/meta/slaves/S0/frameworks/F0/executors/E0/executor.info"},
		{l.Meta().LatestAgent(), "/var/lib/mesos/meta/slaves/latest"},
		{l.BootIDPath(), "/var/lib/mesos/meta/boot_id"},
		{l.ResourcesInfoPath(), "/var/lib/mesos/meta/resources/resources.info"},
		{l.ResourcesTargetPath(), "/var/lib/mesos/meta/resources/resources.target"},
		{nested, "/var/lib/mesos/slaves/S0/frameworks/F0/executors/E0/runs/C0/containers/child/containers/grandchild"},
		{virtual, "/frameworks/F0/executors/E0/runs/latest"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %s, want %s", tt.got, tt.want)
		}
	}
}

func TestLayoutRefusesBadIDs(t *testing.T) {
	tree := Layout{WorkDir: "/w"}.Sandboxes()
	for _, r := range []Run{
		{"..", "F", "E", "C"},
		{"S", "../../etc", "E", "C"},
		{"S", "F", "a/b", "C"},
		{"S", "F", "E", "c.d"},
		{"S", "F", "E", ""},
		{"S", "F\x00", "E", "C"},
	} {
		if d, err := r.Dir(tree); err == nil {
			t.Errorf("%+v: got %s, want error", r, d.Path())
		}
	}
	run := mustRun(t, tree, Run{"S", "F", "E", "C"})
	if _, err := run.Task(".."); err == nil {
		t.Error("task '..' accepted")
	}
	if _, err := run.Nested("ok", "../x"); err == nil {
		t.Error("nested '../x' accepted")
	}
	if _, err := ExecutorVirtualPath("F", ".."); err == nil {
		t.Error("virtual path with '..' accepted")
	}
}

func TestParseRunPath(t *testing.T) {
	root := "/var/lib/mesos"
	tests := []struct {
		dir  string
		want Run
		ok   bool
	}{
		{"/var/lib/mesos/slaves/S/frameworks/F/executors/E/runs/C", Run{"S", "F", "E", "C"}, true},
		{"/var/lib/mesos/slaves/S/frameworks/F/executors/E/runs/C/stdout", Run{"S", "F", "E", "C"}, true},
		{"/var/lib/mesos/slaves/S/frameworks/F/executors/E/runs", Run{}, false},
		{"/var/lib/mesos/slaves/S/frameworks/F/executors/E/tasks/C", Run{}, false},
		{"/var/lib/mesosX/slaves/S/frameworks/F/executors/E/runs/C", Run{}, false},
		{"/elsewhere", Run{}, false},
		{"/var/lib/mesos/slaves/S/frameworks/F/executors/E/runs/a.b", Run{}, false},
	}
	for _, tt := range tests {
		got, err := ParseRunPath(root, tt.dir)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseRunPath(%s) = %+v, %v; want %+v ok=%v", tt.dir, got, err, tt.want, tt.ok)
		}
	}
}

func TestListIDs(t *testing.T) {
	l := Layout{WorkDir: t.TempDir()}
	for _, c := range []string{"c2", "c1"} {
		if _, err := CreateRun(l.Sandboxes(), Run{"S", "F", "E", c}, ""); err != nil {
			t.Fatal(err)
		}
	}
	run := mustRun(t, l.Sandboxes(), Run{"S", "F", "E", "c1"})
	// A stray file and a directory with an invalid name are not runs.
	runs := filepath.Dir(run.Path())
	if err := os.WriteFile(filepath.Join(runs, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(runs, "bad.name"), 0o755); err != nil {
		t.Fatal(err)
	}
	a, _ := l.Sandboxes().Agent("S")
	f, _ := a.Framework("F")
	e, _ := f.Executor("E")
	ids, err := e.RunIDs()
	if err != nil || !reflect.DeepEqual(ids, []string{"c1", "c2"}) {
		t.Fatalf("RunIDs = %v, %v", ids, err)
	}
	if ids, _ := l.Sandboxes().AgentIDs(); !reflect.DeepEqual(ids, []string{"S"}) {
		t.Fatalf("AgentIDs = %v", ids)
	}
	if ids, _ := a.FrameworkIDs(); !reflect.DeepEqual(ids, []string{"F"}) {
		t.Fatalf("FrameworkIDs = %v", ids)
	}
	none, err := mustRun(t, l.Meta(), Run{"S", "F", "E", "c1"}).TaskIDs()
	if err != nil || none != nil {
		t.Fatalf("TaskIDs of missing dir = %v, %v", none, err)
	}
}
