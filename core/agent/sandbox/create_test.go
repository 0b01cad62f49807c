package sandbox

import (
	"os"
	"os/user"
	"strconv"
	"syscall"
	"testing"
)

func TestCreateRunAndLatest(t *testing.T) {
	l := Layout{WorkDir: t.TempDir()}
	first, err := CreateRun(l.Sandboxes(), Run{"S", "F", "E", "c1"}, "")
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(first.Path())
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o750 || !st.IsDir() {
		t.Errorf("sandbox mode %v, want drwxr-x---", st.Mode())
	}
	if got, _ := os.Readlink(first.LatestLink()); got != first.Path() {
		t.Errorf("latest -> %s, want %s", got, first.Path())
	}
	second, err := CreateRun(l.Sandboxes(), Run{"S", "F", "E", "c2"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.Readlink(second.LatestLink()); got != second.Path() {
		t.Errorf("latest -> %s, want %s", got, second.Path())
	}
	entries, _ := os.ReadDir(l.WorkDir + "/slaves/S/frameworks/F/executors/E/runs")
	if len(entries) != 3 {
		t.Errorf("runs dir holds %d entries, want c1, c2, latest", len(entries))
	}
	if _, err := CreateRun(l.Sandboxes(), Run{"S", "F", "..", "c3"}, ""); err == nil {
		t.Error("CreateRun accepted executor ID '..'")
	}
}

func TestCreateAgent(t *testing.T) {
	l := Layout{WorkDir: t.TempDir()}
	for _, tree := range []Tree{l.Sandboxes(), l.Meta()} {
		a, err := CreateAgent(tree, "S1")
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := os.Readlink(tree.LatestAgent()); got != a.Path() {
			t.Errorf("latest -> %s, want %s", got, a.Path())
		}
	}
	if _, err := CreateAgent(l.Sandboxes(), "a/b"); err == nil {
		t.Error("CreateAgent accepted 'a/b'")
	}
}

func TestCreateSandboxDirUser(t *testing.T) {
	dir := t.TempDir() + "/sb"
	if err := CreateSandboxDir(dir, "no-such-user-xyzzy"); err == nil {
		t.Fatal("unknown user accepted")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("sandbox left behind after failed chown: %v", err)
	}
	if os.Geteuid() != 0 {
		t.Skip("chown to another user needs root")
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("no user 'nobody'")
	}
	if err := CreateSandboxDir(dir, "nobody"); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(dir)
	uid, _ := strconv.Atoi(u.Uid)
	if got := st.Sys().(*syscall.Stat_t).Uid; int(got) != uid {
		t.Errorf("owner %d, want %d", got, uid)
	}
}
