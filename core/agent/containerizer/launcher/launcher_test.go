package launcher

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/agent/containerizer/procfs"
)

// selfMainEnv makes the test binary a self-supervised program: it prints
// a line, leaves a background process behind and exits 3.
const selfMainEnv = "GOMESOS_TEST_SELF_SUPERVISED_MAIN"

func TestMain(m *testing.M) {
	MaybeRunHelper()
	if os.Getenv(selfMainEnv) != "" {
		os.Exit(RunSelfSupervised(func() int {
			fmt.Println("ran as", os.Getpid())
			c := exec.Command("/bin/sh", "-c", "setsid sleep 100 & echo $! > leftover")
			if err := c.Run(); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			return 3
		}))
	}
	os.Exit(m.Run())
}

const testPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

type fixture struct {
	t       *testing.T
	l       *Launcher
	dir     string
	sandbox string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("launcher tests need root")
	}
	root := t.TempDir()
	f := &fixture{t: t, l: New(Options{}), dir: filepath.Join(root, "runtime"), sandbox: filepath.Join(root, "sandbox")}
	if err := os.MkdirAll(f.sandbox, 0o755); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) spec(argv ...string) *Spec {
	return &Spec{
		Argv:    argv,
		Env:     []string{testPath},
		WorkDir: f.sandbox,
		Stdout:  filepath.Join(f.sandbox, "stdout"),
		Stderr:  filepath.Join(f.sandbox, "stderr"),
	}
}

// start forks and continues, and makes sure the container is killed when
// the test ends, whatever happens.
func (f *fixture) start(spec *Spec) Process {
	f.t.Helper()
	ctx := context.Background()
	p, err := f.l.Fork(ctx, f.dir, spec)
	if err != nil {
		f.t.Fatalf("Fork: %v", err)
	}
	f.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := f.l.Destroy(ctx, p); err != nil {
			f.t.Errorf("cleanup Destroy: %v", err)
		}
	})
	if err := p.Continue(); err != nil {
		f.t.Fatalf("Continue: %v", err)
	}
	return p
}

func wait(t *testing.T, p Process, d time.Duration) ExitStatus {
	t.Helper()
	select {
	case <-p.Done():
		return p.ExitStatus()
	case <-time.After(d):
		t.Fatalf("supervisor %d still running after %v", p.Pid(), d)
		return ExitStatus{}
	}
}

func (f *fixture) read(name string) string {
	f.t.Helper()
	data, err := os.ReadFile(filepath.Join(f.sandbox, name))
	if err != nil {
		f.t.Fatal(err)
	}
	return string(data)
}

func TestCommandOutputEnvironmentAndExitStatus(t *testing.T) {
	f := newFixture(t)
	spec := f.spec("/bin/sh", "-c", `echo out; echo err >&2; echo "FOO=$FOO"; pwd; exit 3`)
	spec.Env = append(spec.Env, "FOO=bar baz")
	p := f.start(spec)
	st := wait(t, p, 10*time.Second)
	if !st.Known || !st.WaitStatus.Exited() || st.WaitStatus.ExitStatus() != 3 {
		t.Fatalf("exit status = %v, want exited with status 3", st)
	}
	if got, want := f.read("stdout"), "out\nFOO=bar baz\n"+f.sandbox+"\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
	if got := f.read("stderr"); got != "err\n" {
		t.Errorf("stderr = %q, want %q", got, "err\n")
	}
}

func TestCommandNotFound(t *testing.T) {
	f := newFixture(t)
	p := f.start(f.spec("no-such-command-anywhere"))
	st := wait(t, p, 10*time.Second)
	if !st.WaitStatus.Exited() || st.WaitStatus.ExitStatus() != 127 {
		t.Fatalf("exit status = %v, want 127", st)
	}
	if got := f.read("stderr"); !strings.Contains(got, "no-such-command-anywhere") {
		t.Errorf("stderr = %q, want the missing command named", got)
	}
}

// commandOf finds the container's command: the supervisor's child.
func commandOf(t *testing.T, p Process) procfs.Process {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		all, err := procfs.All()
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range all {
			// Until it execs, the command's process is the exec helper.
			if q.Ppid == p.Pid() && q.Comm != "exe" && q.Comm != "mesos-containeri" {
				return q
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("supervisor %d has no command child", p.Pid())
	return procfs.Process{}
}

func TestProcessGroupAndSession(t *testing.T) {
	f := newFixture(t)
	p := f.start(f.spec("sleep", "30"))
	cmd := commandOf(t, p)
	if cmd.Comm != "sleep" {
		t.Fatalf("command is %q, want sleep", cmd.Comm)
	}
	if cmd.Session != p.Pid() || cmd.Pgrp != p.Pid() {
		t.Errorf("command session %d, group %d; want both the supervisor's pid %d", cmd.Session, cmd.Pgrp, p.Pid())
	}
	sup, err := procfs.Stat(p.Pid())
	if err != nil {
		t.Fatal(err)
	}
	if sup.Session != p.Pid() {
		t.Errorf("supervisor is not a session leader (sid %d)", sup.Session)
	}
}

func TestDestroyLeavesNothingBehind(t *testing.T) {
	f := newFixture(t)
	// A background child, a grandchild in its own process group, and the
	// command itself.
	p := f.start(f.spec("/bin/sh", "-c", `sleep 100 & (set -m; sleep 100 &) ; sleep 100`))
	deadline := time.Now().Add(5 * time.Second)
	for {
		procs, err := containerProcesses(p.Pid(), p.StartTicks())
		if err != nil {
			t.Fatal(err)
		}
		if len(procs) >= 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("container has %d processes, want at least 4", len(procs))
		}
		time.Sleep(10 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := f.l.Destroy(ctx, p); err != nil {
		t.Fatal(err)
	}
	procs, err := containerProcesses(p.Pid(), p.StartTicks())
	if err != nil {
		t.Fatal(err)
	}
	if len(procs) != 0 {
		t.Fatalf("processes left after destroy: %v", procs)
	}
	if st := p.ExitStatus(); !st.Known || st.WaitStatus.Signal() != syscall.SIGKILL {
		t.Errorf("exit status after destroy = %v, want killed", st)
	}
}

func TestCommandExitKillsLeftovers(t *testing.T) {
	f := newFixture(t)
	p := f.start(f.spec("/bin/sh", "-c", `setsid sleep 100 & echo $! > pidfile; sleep 0.2; exit 0`))
	st := wait(t, p, 10*time.Second)
	if !st.WaitStatus.Exited() || st.WaitStatus.ExitStatus() != 0 {
		t.Fatalf("exit status = %v", st)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(f.read("pidfile")))
	if err != nil {
		t.Fatal(err)
	}
	if q, err := procfs.Stat(pid); err == nil && !q.Zombie() {
		t.Fatalf("the command's daemonized child %d survived it", pid)
	}
	// The supervisor killed the child and saw nothing left, so a destroy
	// of the ended container need not look for processes.
	if !p.(*process).endedClean() {
		t.Error("the supervisor did not record a clean end after killing the leftovers")
	}
}

func TestFailedStartIsNotClean(t *testing.T) {
	f := newFixture(t)
	spec := f.spec("/bin/true")
	spec.PreExec = []string{"exit 1"}
	p := f.start(spec)
	wait(t, p, 10*time.Second)
	if p.(*process).endedClean() {
		t.Error("a container whose pre-exec command failed is marked clean: its destroy would not look for processes")
	}
}

func TestPIDNamespace(t *testing.T) {
	f := newFixture(t)
	spec := f.spec("/bin/sh", "-c", `echo $PPID; ls /proc | grep -c '^[0-9]'`)
	spec.CloneFlags = syscall.CLONE_NEWPID | syscall.CLONE_NEWNS
	spec.Mounts = []Mount{{Source: "proc", Target: "/proc", Type: "proc", Flags: syscall.MS_NOSUID | syscall.MS_NOEXEC | syscall.MS_NODEV}}
	p := f.start(spec)
	st := wait(t, p, 10*time.Second)
	if !st.WaitStatus.Exited() || st.WaitStatus.ExitStatus() != 0 {
		t.Fatalf("exit status = %v; stderr %q", st, f.read("stderr"))
	}
	lines := strings.Fields(f.read("stdout"))
	if len(lines) != 2 {
		t.Fatalf("stdout = %q", f.read("stdout"))
	}
	// The supervisor is pid 1 and the command its child.
	if lines[0] != "1" {
		t.Errorf("the command's parent is pid %s, want 1", lines[0])
	}
	if n, _ := strconv.Atoi(lines[1]); n > 5 {
		t.Errorf("the container sees %d processes in /proc, want only its own", n)
	}
	// The host's /proc is untouched.
	if _, err := os.Stat(filepath.Join("/proc", strconv.Itoa(os.Getpid()))); err != nil {
		t.Errorf("host /proc changed: %v", err)
	}
}

func TestRlimitsAndUser(t *testing.T) {
	f := newFixture(t)
	// Let the user reach the sandbox: open it and the test's directories
	// above it, up to the temporary directory.
	for d := f.sandbox; d != filepath.Clean(os.TempDir()) && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o777); err != nil {
			t.Fatal(err)
		}
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("no user nobody")
	}
	spec := f.spec("/bin/sh", "-c", `ulimit -n; id -u`)
	spec.User = "nobody"
	spec.Rlimits = []Rlimit{{Resource: syscall.RLIMIT_NOFILE, Soft: 123, Hard: 456}}
	p := f.start(spec)
	st := wait(t, p, 10*time.Second)
	if !st.WaitStatus.Exited() || st.WaitStatus.ExitStatus() != 0 {
		t.Fatalf("exit status = %v; stderr %q", st, f.read("stderr"))
	}
	if got, want := f.read("stdout"), "123\n"+nobody.Uid+"\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
}

// Without rlimits the supervisor forks the command itself, switching user
// and directory between fork and exec.
func TestUserWithoutRlimits(t *testing.T) {
	f := newFixture(t)
	for d := f.sandbox; d != filepath.Clean(os.TempDir()) && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o777); err != nil {
			t.Fatal(err)
		}
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("no user nobody")
	}
	spec := f.spec("/bin/sh", "-c", `id -u; id -g; pwd`)
	spec.User = "nobody"
	p := f.start(spec)
	st := wait(t, p, 10*time.Second)
	if !st.WaitStatus.Exited() || st.WaitStatus.ExitStatus() != 0 {
		t.Fatalf("exit status = %v; stderr %q", st, f.read("stderr"))
	}
	if got, want := f.read("stdout"), nobody.Uid+"\n"+nobody.Gid+"\n"+f.sandbox+"\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
}

func TestUnknownUser(t *testing.T) {
	f := newFixture(t)
	spec := f.spec("/bin/true")
	spec.User = "no-such-user-anywhere"
	st := wait(t, f.start(spec), 10*time.Second)
	if !st.WaitStatus.Exited() || st.WaitStatus.ExitStatus() != 126 {
		t.Fatalf("unknown user: exit status = %v, want 126", st)
	}
	if got := f.read("stderr"); !strings.Contains(got, "no-such-user-anywhere") {
		t.Errorf("stderr = %q, want the user named", got)
	}
}

func TestPreExecFailure(t *testing.T) {
	f := newFixture(t)
	spec := f.spec("/bin/sh", "-c", "echo should-not-run")
	spec.PreExec = []string{"true", "exit 7"}
	p := f.start(spec)
	st := wait(t, p, 10*time.Second)
	if !st.WaitStatus.Exited() || st.WaitStatus.ExitStatus() != 1 {
		t.Fatalf("exit status = %v, want 1", st)
	}
	if strings.Contains(f.read("stdout"), "should-not-run") {
		t.Error("the command ran after a failed pre-exec command")
	}
	if !strings.Contains(f.read("stderr"), "exit 7") {
		t.Errorf("stderr = %q, want the failed pre-exec command named", f.read("stderr"))
	}
}

func TestAbortBeforeContinue(t *testing.T) {
	f := newFixture(t)
	p, err := f.l.Fork(context.Background(), f.dir, f.spec("/bin/sh", "-c", "echo ran"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := f.l.Destroy(ctx, p); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(f.sandbox, "stdout")); len(data) != 0 {
		t.Errorf("the command ran: %q", data)
	}
}

func TestRecover(t *testing.T) {
	f := newFixture(t)
	p := f.start(f.spec("/bin/sh", "-c", "sleep 0.5; exit 4"))

	// A new launcher over the same directory, as after an agent restart.
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
	st := wait(t, r, 10*time.Second)
	if !st.Known || !st.WaitStatus.Exited() || st.WaitStatus.ExitStatus() != 4 {
		t.Fatalf("recovered exit status = %v, want exited with status 4", st)
	}

	// Once it is gone, recovering again finds it exited at once.
	r2, err := New(Options{}).Recover(context.Background(), f.dir)
	if err != nil {
		t.Fatal(err)
	}
	if st := wait(t, r2, time.Second); st.WaitStatus.ExitStatus() != 4 {
		t.Fatalf("exit status = %v", st)
	}
}

func TestRecoverNeverLaunched(t *testing.T) {
	f := newFixture(t)
	if err := os.MkdirAll(f.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{}).Recover(context.Background(), f.dir); err != ErrNotLaunched {
		t.Fatalf("Recover = %v, want ErrNotLaunched", err)
	}
}

// A self-supervised command is the container's only first process: it
// waits for the go-ahead, and when it ends the leftovers are killed and
// its status checkpointed, as the supervisor would.
func TestSelfSupervised(t *testing.T) {
	f := newFixture(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	spec := f.spec(exe)
	spec.Env = append(spec.Env, selfMainEnv+"=1")
	spec.SelfSupervised = true
	p, err := f.l.Fork(context.Background(), f.dir, spec)
	if err != nil {
		t.Fatalf("Fork: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = f.l.Destroy(ctx, p)
	})
	time.Sleep(200 * time.Millisecond)
	if out := f.read("stdout"); out != "" {
		t.Fatalf("the command ran before the go-ahead: %q", out)
	}
	if exe2, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", p.Pid())); err != nil || exe2 != exe {
		t.Errorf("the container's first process runs %q (%v), want the command itself", exe2, err)
	}
	if err := p.Continue(); err != nil {
		t.Fatal(err)
	}
	st := wait(t, p, 10*time.Second)
	if !st.Known || !st.WaitStatus.Exited() || st.WaitStatus.ExitStatus() != 3 {
		t.Fatalf("exit status = %v, want exited with status 3", st)
	}
	if got, want := f.read("stdout"), fmt.Sprintf("ran as %d\n", p.Pid()); got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(f.read("leftover")))
	if err != nil {
		t.Fatal(err)
	}
	if q, err := procfs.Stat(pid); err == nil && !q.Zombie() {
		t.Errorf("the command's daemonized child %d survived it", pid)
	}
	if !p.(*process).endedClean() {
		t.Error("no clean end recorded")
	}
	// What a restarted agent finds.
	rec, err := f.l.Recover(context.Background(), f.dir)
	if err != nil {
		t.Fatal(err)
	}
	<-rec.Done()
	if st := rec.ExitStatus(); !st.Known || st.WaitStatus.ExitStatus() != 3 {
		t.Errorf("recovered exit status = %v, want exited with status 3", st)
	}
}

func TestSelfSupervisedSpecLimits(t *testing.T) {
	for name, change := range map[string]func(*Spec){
		"namespaces": func(s *Spec) { s.CloneFlags = syscall.CLONE_NEWPID },
		"mounts":     func(s *Spec) { s.Mounts = []Mount{{Target: "/x"}} },
		"pre-exec":   func(s *Spec) { s.PreExec = []string{"true"} },
		"rlimits":    func(s *Spec) { s.Rlimits = []Rlimit{{Resource: syscall.RLIMIT_NOFILE, Soft: 1, Hard: 1}} },
		"a tty":      func(s *Spec) { s.TTY = &TTY{} },
	} {
		s := &Spec{Argv: []string{"/bin/true"}, WorkDir: "/", Stdout: "/dev/null", Stderr: "/dev/null", SelfSupervised: true}
		if err := s.Validate(); err != nil {
			t.Fatalf("plain self-supervised spec: %v", err)
		}
		change(s)
		if err := s.Validate(); err == nil {
			t.Errorf("self-supervised spec with %s accepted", name)
		}
	}
}
