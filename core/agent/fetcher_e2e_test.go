package agent

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// fetchServer serves a Spark-like executor tarball (a top-level directory
// with an executable script) and a plain script behind a redirect, and
// counts the GETs of each path.
type fetchServer struct {
	*httptest.Server
	mu     sync.Mutex
	counts map[string]int
}

func newFetchServer(t *testing.T) *fetchServer {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, e := range []struct {
		name, body string
		mode       int64
		typ        byte
	}{
		{"spark-dist/", "", 0o755, tar.TypeDir},
		{"spark-dist/bin/", "", 0o755, tar.TypeDir},
		{"spark-dist/bin/run-executor", "#!/bin/sh\necho spark executor\n", 0o755, tar.TypeReg},
		{"spark-dist/conf.properties", "k=v\n", 0o644, tar.TypeReg},
	} {
		if err := tw.WriteHeader(&tar.Header{Name: e.name, Mode: e.mode, Typeflag: e.typ, Size: int64(len(e.body))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	tarball := buf.Bytes()
	s := &fetchServer{counts: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.counts[r.URL.Path]++
		s.mu.Unlock()
		switch r.URL.Path {
		case "/dist/spark-dist.tgz":
			_, _ = w.Write(tarball)
		case "/moved/hello.sh":
			http.Redirect(w, r, "/files/hello.sh", http.StatusFound)
		case "/files/hello.sh":
			_, _ = w.Write([]byte("#!/bin/sh\necho hello from the fetched script\n"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *fetchServer) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[path]
}

// TestFetcherTasksShareTheCache: two command tasks fetch the same cached
// tarball (one download between them), each finds it unpacked with its
// executable bits, and a script behind a redirect arrives executable under
// its output_file in a subdirectory. The task's stderr starts with the
// fetcher's account, as with the mesos-fetcher.
func TestFetcherTasksShareTheCache(t *testing.T) {
	work := t.TempDir()
	srv := newFetchServer(t)
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	cfg.FetcherCacheDir = t.TempDir()
	cfg.FetcherCacheSize = 1 << 20
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("fetch-cache", false))

	task := func(id string) *mesospb.TaskInfo {
		tk := commandTask(id, "spark-dist/bin/run-executor > out && bin/hello > hello.out && test ! -e hello.sh", "cpus:0.1;mem:32")
		tk.Command.Uris = []*mesospb.CommandInfo_URI{
			{Value: proto.String(srv.URL + "/dist/spark-dist.tgz"), Extract: proto.Bool(true), Cache: proto.Bool(true)},
			{Value: proto.String(srv.URL + "/moved/hello.sh"), Executable: proto.Bool(true), OutputFile: proto.String("bin/hello")},
		}
		return tk
	}
	o := s.offer()
	s.launch(o, task("first"), task("second"))
	for _, id := range []string{"first", "second"} {
		if st := s.waitState(id, mesospb.TaskState_TASK_FINISHED); st.GetState() != mesospb.TaskState_TASK_FINISHED {
			t.Fatalf("%s: %v", id, st)
		}
	}
	if n := srv.count("/dist/spark-dist.tgz"); n != 1 {
		t.Errorf("cached tarball downloaded %d times, want once", n)
	}
	if n := srv.count("/files/hello.sh"); n != 2 {
		t.Errorf("redirected script fetched %d times, want 2 (not cached)", n)
	}
	for _, id := range []string{"first", "second"} {
		run := filepath.Join(work, "slaves", a.agentIDForFetch(), "frameworks", s.id, "executors", id, "runs", "latest")
		if b, err := os.ReadFile(filepath.Join(run, "out")); err != nil || string(b) != "spark executor\n" {
			t.Errorf("%s: executor out %q %v", id, b, err)
		}
		if b, err := os.ReadFile(filepath.Join(run, "hello.out")); err != nil || string(b) != "hello from the fetched script\n" {
			t.Errorf("%s: hello.out %q %v", id, b, err)
		}
		stderr, _ := os.ReadFile(filepath.Join(run, "stderr"))
		if !strings.Contains(string(stderr), "Fetching URI '"+srv.URL+"/dist/spark-dist.tgz'") ||
			!strings.Contains(string(stderr), "Successfully fetched all URIs into") {
			t.Errorf("%s: stderr lacks the fetcher's account:\n%s", id, stderr)
		}
	}
	a.stop(t)
	checkNoProcesses(t, work)
}
