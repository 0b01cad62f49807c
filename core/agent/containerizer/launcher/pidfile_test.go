package launcher

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/agent/containerizer/procfs"
)

func TestReadPidFileForms(t *testing.T) {
	for _, c := range []struct {
		name, pid, pidStart string // "-": no such file
		want                pidRecord
		wantErr             bool
	}{
		{name: "none", pid: "-", pidStart: "-"},
		{name: "empty: created, never filled in", pid: "", pidStart: "-"},
		{name: "pid line", pid: "123 456\n", pidStart: "-", want: pidRecord{ok: true, pid: 123, start: 456}},
		{name: "more than the pid line", pid: "123 456\n256 clean", pidStart: "-", wantErr: true},
		{name: "new form ignores pid.start", pid: "123 456\n", pidStart: "789", want: pidRecord{ok: true, pid: 123, start: 456}},
		{name: "older form", pid: "123", pidStart: "789", want: pidRecord{ok: true, pid: 123, start: 789}},
		{name: "older form without pid.start", pid: "123", pidStart: "-", want: pidRecord{ok: true, pid: 123}},
		{name: "older form, empty pid.start", pid: "123", pidStart: "", want: pidRecord{ok: true, pid: 123}},
		{name: "bad pid", pid: "x 1\n", pidStart: "-", wantErr: true},
		{name: "pid 0", pid: "0 1\n", pidStart: "-", wantErr: true},
		{name: "negative pid", pid: "-5 1\n", pidStart: "-", wantErr: true},
		{name: "bad start", pid: "12 y\n", pidStart: "-", wantErr: true},
		{name: "three fields", pid: "1 2 3\n", pidStart: "-", wantErr: true},
		{name: "status without pid", pid: "\n256", pidStart: "-", wantErr: true},
		{name: "older form with more lines", pid: "123\n256", pidStart: "-", wantErr: true},
		{name: "older form, bad pid.start", pid: "123", pidStart: "z", wantErr: true},
	} {
		dir := t.TempDir()
		for name, data := range map[string]string{pidFile: c.pid, legacyPidStartFile: c.pidStart} {
			if data == "-" {
				continue
			}
			if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := readPidFile(dir)
		if (err != nil) != c.wantErr {
			t.Errorf("%s: err = %v, want error %v", c.name, err, c.wantErr)
			continue
		}
		if err == nil && got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

// A self-supervised container leaves two files in its runtime directory:
// the pid file, with its pid line, and the status its command wrote.
func TestSelfSupervisedRuntimeFiles(t *testing.T) {
	f := newFixture(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	spec := f.spec(exe)
	spec.Env = append(spec.Env, selfMainEnv+"=1")
	spec.SelfSupervised = true
	p := f.start(spec)
	if st := wait(t, p, 10*time.Second); st.WaitStatus.ExitStatus() != 3 {
		t.Fatalf("exit status = %v", st)
	}
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got, want := strings.Join(names, " "), pidFile+" "+statusFile; got != want {
		t.Errorf("runtime directory holds %q, want %q", got, want)
	}
	for name, want := range map[string]string{
		pidFile:    strconv.Itoa(p.Pid()) + " " + strconv.FormatUint(p.StartTicks(), 10) + "\n",
		statusFile: "768 clean",
	} {
		data, err := os.ReadFile(filepath.Join(f.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if string(data) != want {
			t.Errorf("%s = %q, want %q", name, data, want)
		}
	}
}

// An agent upgraded while its tasks run (--recover=reconnect) recovers
// the containers the previous one checkpointed in the older form: the
// pid alone in `pid`, the start time in `pid.start`, the status in
// `status`. Here the previous agent is played by hand, as it launched a
// self-supervised command: the command gets the status file as fd 4.
func TestRecoverOlderFormSelfSupervised(t *testing.T) {
	f := newFixture(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(f.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	status, err := os.OpenFile(filepath.Join(f.dir, statusFile), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer status.Close()
	syncR, syncW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(filepath.Join(f.sandbox, "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(exe)
	cmd.Dir = f.sandbox
	cmd.Env = append(os.Environ(), selfMainEnv+"=1", selfSupervisedEnv+"=2")
	cmd.Stdout, cmd.Stderr = out, out
	cmd.ExtraFiles = []*os.File{syncR, status}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	syncR.Close()
	reaped := make(chan struct{})
	go func() { _ = cmd.Wait(); close(reaped) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-reaped
	})
	st, err := procfs.Stat(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{
		pidFile:            strconv.Itoa(cmd.Process.Pid),
		legacyPidStartFile: strconv.FormatUint(st.StartTicks, 10),
	} {
		if err := writeFileAtomic(filepath.Join(f.dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// The new agent finds it before the command ran...
	r, err := New(Options{}).Recover(context.Background(), f.dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.Pid() != cmd.Process.Pid || r.StartTicks() != st.StartTicks {
		t.Fatalf("recovered pid %d start %d, want %d %d", r.Pid(), r.StartTicks(), cmd.Process.Pid, st.StartTicks)
	}
	select {
	case <-r.Done():
		t.Fatal("recovered container done before its command ran")
	default:
	}
	// ...and follows it to its end (the go-ahead stands in for the
	// previous agent's, given before it stopped).
	if _, err := syncW.Write([]byte{1}); err != nil {
		t.Fatal(err)
	}
	syncW.Close()
	got := wait(t, r, 10*time.Second)
	if !got.Known || !got.WaitStatus.Exited() || got.WaitStatus.ExitStatus() != 3 {
		t.Fatalf("recovered exit status = %v, want exited with status 3", got)
	}
	if !r.(*process).endedClean() {
		t.Error("the clean mark of the status file was not read")
	}
	<-reaped
}

// The same for a container with a supervisor (whose status file is
// unchanged): checkpointed by the previous agent in the older form, it
// is recovered running and its status read when it ends.
func TestRecoverOlderFormSupervisor(t *testing.T) {
	f := newFixture(t)
	p := f.start(f.spec("/bin/sh", "-c", "sleep 0.5; exit 4"))
	for name, data := range map[string]string{
		pidFile:            strconv.Itoa(p.Pid()),
		legacyPidStartFile: strconv.FormatUint(p.StartTicks(), 10),
	} {
		if err := writeFileAtomic(filepath.Join(f.dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, err := New(Options{}).Recover(context.Background(), f.dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.Pid() != p.Pid() || r.StartTicks() != p.StartTicks() {
		t.Fatalf("recovered pid %d start %d, want %d %d", r.Pid(), r.StartTicks(), p.Pid(), p.StartTicks())
	}
	select {
	case <-r.Done():
		t.Fatal("recovered process done while the command runs")
	default:
	}
	if st := wait(t, r, 10*time.Second); !st.Known || st.WaitStatus.ExitStatus() != 4 {
		t.Fatalf("recovered exit status = %v, want exited with status 4", st)
	}
}
