package fetcher

import (
	"context"
	"errors"
	"net/http"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

func newFetcher(cfg Config) *Fetcher {
	if cfg.Client == nil {
		cfg.Client = &http.Client{}
	}
	return New(cfg)
}

func TestFetchHTTP(t *testing.T) {
	srv := newServer(t)
	tgz := gz(t, makeTar(t, dir("bin"), file("bin/tool", "tool")))
	req := request(t,
		uri(srv.put("/dl/plain.txt", []byte("hello"))),
		uri(srv.put("/dl/app.tgz", tgz)),
		uri(srv.put("/dl/runme", []byte("#!/bin/sh\n")), executable),
		uri(srv.put("/dl/kept.tgz", tgz), noExtract, output("renamed/copy.tgz")),
		uri(srv.put("/dl/exe.tgz", tgz), executable), // executable wins over extract
	)
	f := newFetcher(Config{})
	if err := f.Fetch(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	sb := req.Sandbox
	if got := readFile(t, filepath.Join(sb, "plain.txt")); got != "hello" {
		t.Errorf("plain.txt = %q", got)
	}
	if got := readFile(t, filepath.Join(sb, "bin/tool")); got != "tool" {
		t.Errorf("bin/tool = %q", got)
	}
	if _, err := os.Stat(filepath.Join(sb, "app.tgz")); err != nil {
		t.Errorf("the archive is kept beside its contents when bypassing the cache: %v", err)
	}
	st, _ := os.Stat(filepath.Join(sb, "runme"))
	if st.Mode().Perm() != 0o755 {
		t.Errorf("runme mode %v, want 0755", st.Mode())
	}
	if _, err := os.Stat(filepath.Join(sb, "renamed/copy.tgz")); err != nil {
		t.Errorf("output_file in a subdirectory: %v", err)
	}
	st, _ = os.Stat(filepath.Join(sb, "exe.tgz"))
	if st.Mode().Perm() != 0o755 {
		t.Errorf("exe.tgz mode %v, want 0755", st.Mode())
	}
	log := readFile(t, filepath.Join(sb, "stderr"))
	if !hasLine(log, "Fetching URI '"+srv.URL+"/dl/plain.txt'") || !hasLine(log, "Successfully fetched all URIs into") {
		t.Errorf("stderr lacks the fetcher's account:\n%s", log)
	}
	if !strings.HasPrefix(log, "I") {
		t.Errorf("stderr lines are not glog-style: %q", log)
	}
	if _, err := os.Stat(filepath.Join(sb, "stdout")); err != nil {
		t.Errorf("stdout not created: %v", err)
	}
	if s := f.Stats(); s.TaskFetchesSucceeded != 1 || s.TaskFetchesFailed != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestFetchLocal(t *testing.T) {
	src := writeTemp(t, "data.bin", []byte("local"))
	home := filepath.Dir(src)
	req := request(t,
		uri(src, output("a")),
		uri("file://"+src, output("b")),
		uri("file://localhost"+src, output("c")),
		uri("  "+src, output("d")), // leading white space is trimmed
		uri("data.bin", output("e")),
	)
	if err := newFetcher(Config{FrameworksHome: home}).Fetch(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		if got := readFile(t, filepath.Join(req.Sandbox, n)); got != "local" {
			t.Errorf("%s = %q", n, got)
		}
	}
}

func TestFetchFailures(t *testing.T) {
	srv := newServer(t)
	exists := writeTemp(t, "exists", []byte("x"))
	tests := []struct {
		name string
		cfg  Config
		uri  *mesospb.CommandInfo_URI
		want string
	}{
		{"404", Config{}, uri(srv.URL + "/missing"), "received HTTP return code 404"},
		{"ftp", Config{}, uri("ftp://host/f"), "unsupported URI scheme"},
		{"hdfs", Config{}, uri("hdfs://nn/f"), "unsupported URI scheme"},
		{"relative without home", Config{}, uri("rel/f"), "framework home was not specified"},
		{"file uri relative", Config{}, uri("file://rel/f"), "absolute paths"},
		{"missing file", Config{}, uri("/no/such/file"), "no such file"},
		{"directory", Config{}, uri(filepath.Dir(exists) + "/"), "not a regular file"},
		{"output escapes", Config{}, uri(exists, output("../x")), "inside the sandbox"},
		{"output absolute", Config{}, uri(exists, output("/tmp/x")), "inside the sandbox"},
		{"no basename", Config{}, uri(srv.URL + "/"), "missing path"},
		{"quote", Config{}, uri("/tmp/it's"), "illegal characters"},
		{"too large", Config{MaxDownloadSize: 3}, uri(srv.put("/big", []byte("0123456789"))), "exceeds the limit"},
		{"corrupt archive", Config{}, uri(srv.put("/bad.tgz", []byte("not gzip at all"))), "failed to extract archive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := request(t, tt.uri)
			err := newFetcher(tt.cfg).Fetch(context.Background(), req)
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if fe.URI != strings.TrimSpace(tt.uri.GetValue()) {
				t.Errorf("error names %q, want %q", fe.URI, tt.uri.GetValue())
			}
			if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(tt.want)) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestFetchNoHTTPClient(t *testing.T) {
	srv := newServer(t)
	req := request(t, uri(srv.put("/f", []byte("x"))))
	if err := New(Config{}).Fetch(context.Background(), req); err == nil {
		t.Fatal("fetched http without a client")
	}
}

func TestFetchUnknownLengthAndMaxSize(t *testing.T) {
	srv := newServer(t)
	srv.noLen.Store(true)
	u := srv.put("/stream", []byte(strings.Repeat("s", 5000)))
	if err := newFetcher(Config{MaxDownloadSize: 1000}).Fetch(context.Background(), request(t, uri(u))); err == nil || !strings.Contains(err.Error(), "maximum download size") {
		t.Fatalf("err = %v, want maximum download size", err)
	}
	req := request(t, uri(u))
	if err := newFetcher(Config{MaxDownloadSize: 5000}).Fetch(context.Background(), req); err != nil {
		t.Fatalf("download of exactly the limit: %v", err)
	}
}

func TestFetchNoURIs(t *testing.T) {
	req := request(t)
	if err := New(Config{}).Fetch(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if got := listTree(t, req.Sandbox); len(got) != 0 {
		t.Errorf("sandbox touched: %v", got)
	}
}

func TestFetchValidatesAllFirst(t *testing.T) {
	src := writeTemp(t, "ok", []byte("x"))
	req := request(t, uri(src), uri("/tmp/bad'name"))
	if err := New(Config{}).Fetch(context.Background(), req); err == nil {
		t.Fatal("invalid second URI accepted")
	}
	if _, err := os.Stat(filepath.Join(req.Sandbox, "ok")); err == nil {
		t.Error("first URI fetched although the second was invalid")
	}
}

func TestFetchStallAndDeadline(t *testing.T) {
	srv := newServer(t)
	u := srv.put("/slow", []byte("x"))
	srv.gate = make(chan struct{}) // never opens
	t.Cleanup(func() { close(srv.gate) })

	start := time.Now()
	err := newFetcher(Config{StallTimeout: 100 * time.Millisecond}).Fetch(context.Background(), request(t, uri(u)))
	if !errors.Is(err, errStalled) {
		t.Fatalf("stalled download: err = %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err = newFetcher(Config{}).Fetch(ctx, request(t, uri(u)))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline: err = %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
}

func TestFetchUser(t *testing.T) {
	src := writeTemp(t, "f", []byte("x"))
	req := request(t, uri(src))
	req.User = "no-such-user-xyzzy"
	if err := New(Config{}).Fetch(context.Background(), req); err == nil {
		t.Fatal("unknown user accepted")
	}
	req.User = "../root"
	if err := New(Config{}).Fetch(context.Background(), req); err == nil {
		t.Fatal("user with a path accepted")
	}
	if os.Geteuid() != 0 {
		t.Skip("chown needs root")
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("no user nobody")
	}
	// The file is read as nobody (as the mesos-fetcher su's): t.TempDir's
	// directories are owner-only.
	for _, d := range []string{filepath.Dir(filepath.Dir(src)), filepath.Dir(src)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	req = request(t, uri(src))
	req.User = "root"
	req.Command.User = proto.String("nobody") // CommandInfo.user wins
	if err := New(Config{}).Fetch(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(nobody.Uid)
	for _, n := range []string{"f", "stderr", "stdout"} {
		st, _ := os.Lstat(filepath.Join(req.Sandbox, n))
		if got := st.Sys().(*syscall.Stat_t).Uid; int(got) != uid {
			t.Errorf("%s owned by %d, want %d", n, got, uid)
		}
	}
}

func TestFetchRedactsPassword(t *testing.T) {
	srv := newServer(t)
	u := strings.Replace(srv.URL, "http://", "http://bob:secret@", 1) + "/missing"
	req := request(t, uri(u))
	err := newFetcher(Config{}).Fetch(context.Background(), req)
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(readFile(t, filepath.Join(req.Sandbox, "stderr")), "secret") {
		t.Error("password written to the sandbox log")
	}
}
