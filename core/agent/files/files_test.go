package files

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

func pathsOf(infos []*mesospb.FileInfo) []string {
	var out []string
	for _, fi := range infos {
		out = append(out, fi.GetPath())
	}
	return out
}

func TestBrowse(t *testing.T) {
	fx := newFixture(t)
	infos, err := fx.files.Browse(bg, fx.alias+"/")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(pathsOf(infos), " ")
	want := strings.Join([]string{
		fx.alias + "/abs-inside", fx.alias + "/dir", fx.alias + "/link-inside",
		fx.alias + "/page.html", fx.alias + "/stderr", fx.alias + "/stdout",
	}, " ")
	if got != want {
		t.Fatalf("listing\n got %s\nwant %s", got, want)
	}
	for _, fi := range infos {
		switch filepath.Base(fi.GetPath()) {
		case "dir":
			if modeString(fi.GetMode())[0] != 'd' {
				t.Errorf("dir mode %s", modeString(fi.GetMode()))
			}
		case "link-inside":
			if fi.GetSize() != 6 || modeString(fi.GetMode()) != "-rw-r--r--" {
				t.Errorf("symlink not followed: size %d mode %s", fi.GetSize(), modeString(fi.GetMode()))
			}
		case "stdout":
			if fi.GetSize() != 10 || fi.GetNlink() != 1 || fi.GetUid() == "" || fi.GetMtime().GetNanoseconds()%1e9 != 0 {
				t.Errorf("stdout info %v", fi)
			}
		}
	}
	// The same directory under its real path.
	infos, err = fx.files.Browse(bg, fx.sandbox+"/dir")
	if err != nil || len(infos) != 1 || infos[0].GetPath() != fx.sandbox+"/dir/nested.txt" {
		t.Fatalf("browse real path: %v %v", pathsOf(infos), err)
	}
	// A file lists nothing, as in Mesos.
	infos, err = fx.files.Browse(bg, "/slave/log")
	if err != nil || len(infos) != 0 {
		t.Fatalf("browse file: %v %v", pathsOf(infos), err)
	}
}

func TestResolveRules(t *testing.T) {
	fx := newFixture(t)
	tests := []struct {
		path string
		kind Kind // -1 for success
	}{
		{fx.alias + "/stdout", -1},
		{"file://" + fx.alias + "/stdout", -1},
		{fx.alias + "//dir/./nested.txt", -1},
		{fx.alias + "/link-inside", -1},
		{fx.alias + "/abs-inside", -1},
		{"/slave/log", -1},
		{fx.alias + "/../../secret.txt", Forbidden},
		{fx.alias + "/dir/../stdout", Forbidden},
		{fx.sandbox + "/../secret.txt", Forbidden},
		{fx.alias + "/link-out", Forbidden},
		{fx.alias + "/abs-out", Forbidden},
		{fx.alias + "/dir-out/secret.txt", Forbidden},
		{fx.alias + "/sibling/secret.txt", Forbidden},
		{fx.alias + "/dir/deeper-out", Forbidden},
		{fx.alias + "/missing", NotFound},
		{fx.alias + "/stdout/below-a-file", NotFound},
		{"/slave/log/x", NotFound},
		{"/not/attached", NotFound},
		{filepath.Join(fx.base, "secret.txt"), NotFound},
		{filepath.Join(fx.base, "sandbox2/secret.txt"), NotFound},
		{"/frameworks/F/executors/E/runs", NotFound},
		{fx.alias + "/dir", Invalid}, // reading a directory
		{fx.alias + "/a\x00b", Invalid},
	}
	for _, tt := range tests {
		_, data, err := fx.files.Read(bg, tt.path, 0, -1)
		if tt.kind == -1 {
			if err != nil {
				t.Errorf("Read(%q): %v", tt.path, err)
			}
			continue
		}
		var fe *Error
		if !errors.As(err, &fe) || fe.Kind != tt.kind {
			t.Errorf("Read(%q) = %q, %v; want kind %v", tt.path, data, err, tt.kind)
		}
		if strings.Contains(string(data), secret) {
			t.Errorf("Read(%q) leaked the secret", tt.path)
		}
	}
}

func TestRead(t *testing.T) {
	fx := newFixture(t)
	p := fx.alias + "/stdout"
	tests := []struct {
		offset, length int64
		want           string
	}{
		{0, -1, "0123456789"},
		{3, -1, "3456789"},
		{3, 4, "3456"},
		{8, 100, "89"},
		{10, -1, ""},
		{50, 5, ""},
		{0, 0, ""},
	}
	for _, tt := range tests {
		size, data, err := fx.files.Read(bg, p, tt.offset, tt.length)
		if err != nil || size != 10 || string(data) != tt.want {
			t.Errorf("Read(%d, %d) = %d, %q, %v; want 10, %q", tt.offset, tt.length, size, data, err, tt.want)
		}
	}
	if _, _, err := fx.files.Read(bg, p, -1, -1); err == nil {
		t.Error("negative offset accepted")
	}
	capped := New(Options{MaxReadLength: 4})
	if err := capped.Attach(fx.sandbox, "/sb", nil); err != nil {
		t.Fatal(err)
	}
	if _, data, _ := capped.Read(bg, "/sb/stdout", 0, -1); string(data) != "0123" {
		t.Errorf("capped read = %q", data)
	}
}

func TestFIFODoesNotBlock(t *testing.T) {
	fx := newFixture(t)
	if err := mkfifo(filepath.Join(fx.sandbox, "pipe")); err != nil {
		t.Skip(err)
	}
	_, _, err := fx.files.Read(bg, fx.alias+"/pipe", 0, -1)
	var fe *Error
	if !errors.As(err, &fe) || fe.Kind != Invalid {
		t.Fatalf("read fifo: %v", err)
	}
}

func TestAttachDetach(t *testing.T) {
	fx := newFixture(t)
	if err := fx.files.Attach(filepath.Join(fx.base, "missing"), "/x", nil); err == nil {
		t.Error("attached a missing path")
	}
	if err := fx.files.Attach(fx.sandbox, "/a/../b", nil); err == nil {
		t.Error("attached a virtual path with '..'")
	}
	if err := fx.files.Attach(fx.sandbox, "/trailing/", nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := fx.files.Read(bg, "/trailing/stdout", 0, 1); err != nil {
		t.Errorf("trailing slash not stripped: %v", err)
	}
	fx.files.Detach(fx.alias)
	if _, _, err := fx.files.Read(bg, fx.alias+"/stdout", 0, 1); StatusCode(err) != http.StatusNotFound {
		t.Errorf("detached path still served: %v", err)
	}
	if got := fx.files.Attached(); got["/slave/log"] != filepath.Join(fx.base, "agent.log") || got[fx.sandbox] != fx.sandbox {
		t.Errorf("Attached = %v", got)
	}
}

func TestAuthorization(t *testing.T) {
	fx := newFixture(t)
	type key struct{}
	allow := func(ctx context.Context) (bool, error) { return ctx.Value(key{}) == "alice", nil }
	if err := fx.files.Attach(fx.sandbox, fx.alias, allow); err != nil {
		t.Fatal(err)
	}
	alice := context.WithValue(bg, key{}, "alice")
	if _, _, err := fx.files.Read(alice, fx.alias+"/dir/nested.txt", 0, -1); err != nil {
		t.Errorf("alice refused: %v", err)
	}
	_, _, err := fx.files.Read(bg, fx.alias+"/dir/nested.txt", 0, -1)
	if StatusCode(err) != http.StatusForbidden {
		t.Errorf("anonymous: %v", err)
	}
	// Authorization comes before existence, as in Mesos.
	if _, _, err := fx.files.Read(bg, fx.alias+"/missing", 0, -1); StatusCode(err) != http.StatusForbidden {
		t.Errorf("anonymous, missing file: %v", err)
	}
	failing := func(context.Context) (bool, error) { return false, errors.New("authorizer down") }
	_ = fx.files.Attach(fx.sandbox, "/broken", failing)
	if _, err := fx.files.Browse(bg, "/broken"); StatusCode(err) != http.StatusInternalServerError {
		t.Errorf("failing authorizer: %v", err)
	}
}

func TestModeString(t *testing.T) {
	tests := []struct {
		mode os.FileMode
		want string
	}{
		{0o644, "-rw-r--r--"},
		{os.ModeDir | 0o755, "drwxr-xr-x"},
		{os.ModeSymlink | 0o777, "lrwxrwxrwx"},
		{os.ModeNamedPipe | 0o600, "prw-------"},
		{os.ModeSocket | 0o700, "srwx------"},
		{os.ModeDevice | os.ModeCharDevice | 0o666, "crw-rw-rw-"},
		{os.ModeDevice | 0o660, "brw-rw----"},
		{os.ModeSetuid | 0o4755, "-rwxr-xr-x"},
	}
	for _, tt := range tests {
		if got := modeString(posixMode(tt.mode)); got != tt.want {
			t.Errorf("modeString(%v) = %s, want %s", tt.mode, got, tt.want)
		}
	}
	if posixMode(os.ModeDir|0o755) != 0o40755 || posixMode(0o644) != 0o100644 || posixMode(os.ModeSetuid|0o755) != 0o104755 {
		t.Error("posixMode does not match st_mode")
	}
}

func TestAttachExecutor(t *testing.T) {
	fx := newFixture(t)
	f := New(Options{})
	if err := f.AttachExecutor(fx.sandbox, "F1", "E1", nil); err != nil {
		t.Fatal(err)
	}
	got := f.Attached()
	if got[fx.sandbox] != fx.sandbox || got["/frameworks/F1/executors/E1/runs/latest"] != fx.sandbox {
		t.Fatalf("Attached = %v", got)
	}
	if err := f.AttachExecutor(fx.sandbox, "F1", "..", nil); err == nil {
		t.Error("executor ID '..' accepted")
	}
	f.DetachExecutor(fx.sandbox, "F1", "E1", false)
	if got := f.Attached(); len(got) != 1 {
		t.Errorf("after detaching the run: %v", got)
	}
	f.DetachExecutor(fx.sandbox, "F1", "E1", true)
	if got := f.Attached(); len(got) != 0 {
		t.Errorf("after detaching latest: %v", got)
	}
}
