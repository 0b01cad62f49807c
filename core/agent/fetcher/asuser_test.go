package fetcher

import (
	"context"
	"errors"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// TestFetchLocalFileAsTheUser: Mesos's fetcher su's to the task's user
// before it copies a local file, so a framework cannot have the agent
// (root) copy a file its user may not read (/etc/shadow, another
// framework's secrets) into its sandbox. Readable files still come.
func TestFetchLocalFileAsTheUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	if _, err := user.Lookup("nobody"); err != nil {
		t.Skip("no user nobody")
	}
	// A root-only file, in a directory nobody may search, and a file
	// readable by root's group only.
	secretDir := t.TempDir()
	if err := os.Chmod(secretDir, 0o700); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(secretDir, "secret")
	if err := os.WriteFile(secret, []byte("root only"), 0o644); err != nil {
		t.Fatal(err)
	}
	// t.TempDir's parent is owner-only too: open both up.
	open := t.TempDir()
	for _, d := range []string{filepath.Dir(open), open} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	groupOnly := filepath.Join(open, "group-only")
	if err := os.WriteFile(groupOnly, []byte("root group"), 0o640); err != nil {
		t.Fatal(err)
	}
	public := filepath.Join(open, "public")
	if err := os.WriteFile(public, []byte("anyone"), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		name string
		cfg  Config
		path string
		opts []func(*mesospb.CommandInfo_URI)
	}{
		{"unsearchable directory", Config{}, secret, nil},
		{"group of root", Config{}, groupOnly, nil},
		{"through the cache", Config{CacheDir: t.TempDir(), CacheSize: 1 << 20}, groupOnly, []func(*mesospb.CommandInfo_URI){cached}},
		{"file URI", Config{}, "file://" + groupOnly, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := request(t, uri(tt.path, tt.opts...))
			req.User = "nobody"
			err := New(tt.cfg).Fetch(context.Background(), req)
			if !errors.Is(err, os.ErrPermission) {
				t.Fatalf("fetch of a file nobody cannot read: err = %v, want permission denied", err)
			}
			if _, err := os.Stat(filepath.Join(req.Sandbox, filepath.Base(tt.path))); err == nil {
				t.Error("the file reached the sandbox")
			}
		})
	}

	req := request(t, uri(public), uri(public, output("again"), cached))
	req.User = "nobody"
	if err := New(Config{CacheDir: t.TempDir(), CacheSize: 1 << 20}).Fetch(context.Background(), req); err != nil {
		t.Fatalf("readable file: %v", err)
	}
	if got := readFile(t, filepath.Join(req.Sandbox, "again")); got != "anyone" {
		t.Errorf("again = %q", got)
	}

	// Without a user (no --switch_user) the agent reads as itself.
	req = request(t, uri(secret))
	if err := New(Config{}).Fetch(context.Background(), req); err != nil {
		t.Fatalf("no user: %v", err)
	}
	if got := readFile(t, filepath.Join(req.Sandbox, "secret")); !strings.Contains(got, "root only") {
		t.Errorf("secret = %q", got)
	}
}
