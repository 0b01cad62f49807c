package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/agent/files"
)

func TestPsFormatting(t *testing.T) {
	str := func(s string) *string { return &s }
	cells := []struct {
		col  psColumn
		text *string
		want string
	}{
		{psColumns[0], str("root"), "root    "},
		{psColumns[0], nil, "        "},
		{psColumns[0], str("12345678"), "1234... "},
		{psColumns[0], str("1234567"), "1234567 "},
		{psColumns[2], str("talker-name"), "talker... "},
		{psColumns[6], str("0.3"), "0.3            "},
	}
	for _, c := range cells {
		if got := c.col.cell(c.text); got != c.want {
			t.Errorf("%s cell %v: %q, want %q", c.col.title, c.text, got, c.want)
		}
	}
	sizes := map[float64]string{0: "0.0 B", 1023: "1023.0 B", 1024: "1.0 KB", 1536: "1.5 KB", 32 << 20: "32.0 MB", 3 << 30: "3.0 GB"}
	for in, want := range sizes {
		if got := dataSize(in); got != want {
			t.Errorf("dataSize(%v) = %q, want %q", in, got, want)
		}
	}
	times := map[float64]string{0: "00:00:00.000000", 1.25: "00:00:01.250000", 3723.000001: "01:02:03.000001", 86401: "00:00:01.000000"}
	for in, want := range times {
		if got := clockTime(in); got != want {
			t.Errorf("clockTime(%v) = %q, want %q", in, got, want)
		}
	}
	nums := map[number]string{"1": "1", "1.0": "1.0", "0.3": "0.3", "0.30000000000000004": "0.3", "2.5": "2.5", "1e16": "1e+16", "1e-05": "1e-05", "100.0": "100.0"}
	for in, want := range nums {
		if got := pyStr(in); got != want {
			t.Errorf("pyStr(%s) = %q, want %q", in, got, want)
		}
	}
	var s executorStatistics
	if err := json.Unmarshal([]byte(`{"framework_id":"f","executor_id":"e","statistics":{"cpus_limit":1.1,"mem_rss_bytes":"1048576","mem_limit_bytes":67108864,"cpus_user_time_secs":0.5,"cpus_system_time_secs":0.25}}`), &s); err != nil {
		t.Fatal(err)
	}
	if got := *psMem(&s) + " " + *psTime(&s) + " " + *psCPUs(&s); got != "1.0 MB/64.0 MB 00:00:00.750000 1.1" {
		t.Errorf("usage columns %q", got)
	}
	if psMem(nil) != nil || psTime(&executorStatistics{}) != nil {
		t.Error("missing statistics are not blank")
	}
}

func TestStandalone(t *testing.T) {
	good := map[string]string{
		"10.0.0.1:5050":               "10.0.0.1:5050",
		"master@10.0.0.1:5050":        "10.0.0.1:5050",
		"master.example.com":          "master.example.com:5050",
		"http://m:5051/":              "m:5051",
		"[::1]:5050":                  "[::1]:5050",
		"master@master.example.com:1": "master.example.com:1",
	}
	for in, want := range good {
		if got, err := standalone(in); err != nil || got != want {
			t.Errorf("standalone(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"a/b", ":5050", "host:"} {
		if got, err := standalone(bad); err == nil {
			t.Errorf("standalone(%q) = %q, want an error", bad, got)
		}
	}
	if got := redactZK("zk://user:secret@h1:2181,h2/mesos"); got != "zk://********@h1:2181,h2/mesos" {
		t.Errorf("redactZK: %q", got)
	}
}

func TestMasterFromFile(t *testing.T) {
	dir := t.TempDir()
	inner := filepath.Join(dir, "inner")
	if err := os.WriteFile(inner, []byte("  10.1.2.3:5050\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := newClient(time.Second, slog.New(slog.DiscardHandler))
	if got, err := c.resolve(t.Context(), "file://"+inner); err != nil || got != "10.1.2.3:5050" {
		t.Errorf("resolve file: %q %v", got, err)
	}
}

func TestSandboxDirectory(t *testing.T) {
	as := &agentState{
		Frameworks: []agentFramework{{
			ID: "f",
			Executors: []agentExecutor{
				{ID: "custom", Directory: "/run2", Tasks: []agentTask{{ID: "t2"}}},
				{ID: "group", Directory: "/group", Type: "DEFAULT", Tasks: []agentTask{{ID: "g1"}}},
			},
			CompletedExecutors: []agentExecutor{
				{ID: "custom", Directory: "/run0", CompletedTasks: []agentTask{{ID: "t0"}}},
				{ID: "custom", Directory: "/run1", CompletedTasks: []agentTask{{ID: "t1"}}},
				{ID: "cmd", Directory: "/cmd"},
			},
		}},
		CompletedFrameworks: []agentFramework{{ID: "old", CompletedExecutors: []agentExecutor{{ID: "x", Directory: "/old"}}}},
	}
	cases := []struct {
		task masterTask
		want string
	}{
		{masterTask{ID: "t0", FrameworkID: "f", ExecutorID: "custom"}, "/run0"},
		{masterTask{ID: "t1", FrameworkID: "f", ExecutorID: "custom"}, "/run1"},
		{masterTask{ID: "t2", FrameworkID: "f", ExecutorID: "custom"}, "/run2"},
		{masterTask{ID: "t9", FrameworkID: "f", ExecutorID: "custom"}, "/run2"}, // the running one
		{masterTask{ID: "cmd", FrameworkID: "f"}, "/cmd"},                       // executorless: named after the task
		{masterTask{ID: "g1", FrameworkID: "f", ExecutorID: "group"}, "/group/tasks/g1"},
		{masterTask{ID: "x", FrameworkID: "old", ExecutorID: "x"}, "/old"},
		{masterTask{ID: "y", FrameworkID: "f", ExecutorID: "none"}, ""},
	}
	for _, c := range cases {
		got, ok := sandboxDirectory(as, c.task)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("%+v: %q %v, want %q", c.task, got, ok, c.want)
		}
	}
	if joinPath("/a", "b/c") != "/a/b/c" || joinPath("/a/", "b") != "/a/b" || joinPath("/a", "/abs") != "/abs" {
		t.Error("joinPath")
	}
}

// filesEnv serves dir through the agent's files API and returns an env
// reading it.
func filesEnv(t *testing.T, dir string, follow bool) (*env, *sandboxFile, *bytes.Buffer) {
	t.Helper()
	f := files.New(files.Options{})
	if err := f.Attach(dir, "/sandbox", nil); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	f.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	var out bytes.Buffer
	e := &env{
		ctx: t.Context(), program: "mesos test", flags: &cliFlags{Follow: follow}, stdout: &out, stderr: &out,
		client: newClient(5*time.Second, slog.New(slog.DiscardHandler)), log: slog.New(slog.DiscardHandler),
	}
	return e, &sandboxFile{agent: srv.Listener.Addr().String(), hostname: "h", path: "/sandbox/f"}, &out
}

// TestReadPages reads files larger than a page, with characters of
// several bytes cut by the pages' edges and bytes that are not UTF-8.
func TestReadPages(t *testing.T) {
	var content strings.Builder
	for i := 0; content.Len() < 3*readChunk+100; i++ {
		content.WriteString(strings.Repeat("é", i%7) + "line " + strings.Repeat("€", i%5) + "😀\n")
	}
	text := content.String()
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	e, f, out := filesEnv(t, dir, false)
	size, err := e.size(f)
	if err != nil || size != int64(len(text)) {
		t.Fatalf("size %d %v, want %d", size, err, len(text))
	}
	if _, err := e.copyRange(f, 0, size, false); err != nil || out.String() != text {
		t.Fatalf("copyRange: %v; output equal: %v (%d bytes of %d)", err, out.String() == text, out.Len(), len(text))
	}
	lines := strings.SplitAfter(text, "\n")
	lines = lines[:len(lines)-1]
	for _, n := range []int{1, 3, 500, len(lines), len(lines) + 10} {
		start, err := e.startOfLastLines(f, size, n)
		want := strings.Join(lines[max(len(lines)-n, 0):], "")
		if err != nil || text[start:] != want {
			t.Errorf("last %d lines start at %d (%v), want %d", n, start, err, len(text)-len(want))
		}
	}

	// Bytes that are not UTF-8 come out as U+FFFD, once each, also when
	// a page's edge falls among them.
	bad := "ok\xff\n" + strings.Repeat("x", readChunk-5) + "\xff\xfe\xe2\x82y\n"
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	want := "ok\ufffd\n" + strings.Repeat("x", readChunk-5) + "\ufffd\ufffd\ufffd\ufffdy\n"
	if _, err := e.copyRange(f, 0, int64(len(bad)), false); err != nil || out.String() != want {
		t.Errorf("invalid UTF-8: %v %q", err, out.String()[max(out.Len()-20, 0):])
	}
	if start, err := e.startOfLastLines(f, int64(len(bad)), 1); err != nil || start != 4 {
		t.Errorf("last line of invalid UTF-8 at %d %v, want 4", start, err)
	}

	// A file without a final newline; an empty file.
	for content, want := range map[string]string{"a\nb\nc": "b\nc", "": "", "\n\n\n": "\n\n", "one": "one"} {
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		start, err := e.startOfLastLines(f, int64(len(content)), 2)
		if err != nil || content[start:] != want {
			t.Errorf("last 2 lines of %q: %q %v, want %q", content, content[start:], err, want)
		}
	}
}

// TestFollowTruncated: a file that shrinks is printed again from its
// start, with a note on stderr.
func TestFollowTruncated(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := os.WriteFile(path, []byte("first\nsecond\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e, f, _ := filesEnv(t, dir, true)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var out syncBuffer
	e.ctx, e.stdout, e.stderr = ctx, &out, &out
	done := make(chan error, 1)
	go func() { done <- e.follow(f, 6) }()
	eventually(t, "the rest", 5*time.Second, func() bool { return out.String() == "second\n" })
	if err := os.WriteFile(path, []byte("new\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the truncated file", 5*time.Second, func() bool {
		return out.String() == "second\nmesos test: /sandbox/f: file truncated\nnew\n"
	})
	cancel()
	if err := <-done; err != nil {
		t.Errorf("follow: %v", err)
	}
}

// TestPsFakeCluster: mesos ps against a master and agents that answer
// canned documents, one agent failing.
func TestPsFakeCluster(t *testing.T) {
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/monitor/statistics" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(`[{"framework_id":"f1","executor_id":"web","statistics":{"cpus_limit":1.1,"mem_rss_bytes":52428800,` +
			`"mem_limit_bytes":167772160,"cpus_user_time_secs":62.5,"cpus_system_time_secs":1.25}},` +
			`{"framework_id":"f2","executor_id":"batch-exec","statistics":{"cpus_limit":2,"mem_rss_bytes":900,` +
			`"mem_limit_bytes":1073741824,"cpus_user_time_secs":3600,"cpus_system_time_secs":0}}]`))
	}))
	defer good.Close()
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "broken", http.StatusInternalServerError)
	}))
	defer bad.Close()
	var masterAddr string
	master := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/master/redirect":
			w.Header().Set("Location", "//"+masterAddr)
			w.WriteHeader(http.StatusTemporaryRedirect)
		case "/master/state":
			w.Write([]byte(`{"leader":"master@` + masterAddr + `","pid":"master@` + masterAddr + `",
			"slaves":[{"id":"S1","hostname":"agent-one.example.com","pid":"slave(1)@` + good.Listener.Addr().String() + `"},
			          {"id":"S2","hostname":"a2","pid":"slave(1)@` + bad.Listener.Addr().String() + `"},
			          {"id":"S3","hostname":"idle","pid":"slave(1)@127.0.0.1:1"}],
			"frameworks":[
			  {"id":"f1","name":"marathon","user":"root","tasks":[
			    {"id":"web","name":"web","framework_id":"f1","executor_id":"","slave_id":"S1","state":"TASK_RUNNING"},
			    {"id":"web2","name":"web2","framework_id":"f1","executor_id":"","slave_id":"S2","state":"TASK_STAGING"}],
			   "completed_tasks":[{"id":"old","name":"old","framework_id":"f1","executor_id":"","slave_id":"S1","state":"TASK_FINISHED"}]},
			  {"id":"f2","name":"a-framework-with-a-long-name","user":"nobody-at-all","tasks":[
			    {"id":"batch","name":"batch","framework_id":"f2","executor_id":"batch-exec","slave_id":"S1","state":"TASK_RUNNING"}]}],
			"completed_frameworks":[]}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer master.Close()
	masterAddr = master.Listener.Addr().String()

	code, out, errOut := cli(t, "ps", "--master="+masterAddr)
	want := "USER    FRAMEWORK    TASK      SLAVE              MEM                TIME              CPU (allocated)\n" +
		"root    marathon     web       agent-one.examp... 50.0 MB/160.0 MB   00:01:03.750000   1.1            \n" +
		"nobo... a-framewo... batch     agent-one.examp... 900.0 B/1.0 GB     01:00:00.000000   2              \n" +
		"root    marathon     web2      a2                                                                     \n"
	if code != 0 || out != want {
		t.Errorf("ps: %d\n%s\nwant:\n%s\nstderr: %s", code, out, want, errOut)
	}
	if !strings.Contains(errOut, "failed to get the agent's statistics") || !strings.Contains(errOut, "a2") {
		t.Errorf("the failing agent is not reported: %q", errOut)
	}
}

// TestNoTasks: a cluster without tasks prints mesos-ps's header alone.
func TestNoTasks(t *testing.T) {
	m := startMaster(t)
	code, out, errOut := cli(t, "ps", "--master="+m)
	if code != 0 || out != "USER    FRAMEWORK    TASK      SLAVE              MEM                TIME              CPU (allocated)\n" {
		t.Errorf("ps: %d %q %s", code, out, errOut)
	}
	code, _, errOut = cli(t, "cat", "--master="+m, "--framework=f", "--task=t", "--file=stdout")
	if code != 1 || errOut != "mesos cat: No task found! The master knows no framework 'f'\n" {
		t.Errorf("cat: %d %q", code, errOut)
	}
}
