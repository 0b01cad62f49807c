package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The binary tests run mesos-master as operators do: built once by
// TestMain, started as a process on a 127.0.0.1 port, talked to over
// HTTP, and killed when the test ends.

// binary is the mesos-master TestMain built.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mesos-master-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "mesos-master")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "go build:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// syncBuffer collects a process's output.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// process is a running mesos-master.
type process struct {
	t      *testing.T
	name   string
	cmd    *exec.Cmd
	addr   string // 127.0.0.1:port
	output *syncBuffer
	done   chan struct{} // closed when it has exited
	err    error         // its exit; read after done
}

// pid is the master's libprocess pid, as /master/state shows it.
func (p *process) pid() string { return "master@" + p.addr }

// freePort returns a port free on 127.0.0.1 now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startMaster starts mesos-master on a free port with args (and
// --ip=127.0.0.1 --no-hostname_lookup); it is killed when the test ends.
func startMaster(t *testing.T, name string, args ...string) *process {
	t.Helper()
	port := freePort(t)
	args = append([]string{"--ip=127.0.0.1", "--port=" + strconv.Itoa(port), "--no-hostname_lookup"}, args...)
	return startProcess(t, name, "127.0.0.1:"+strconv.Itoa(port), args...)
}

func startProcess(t *testing.T, name, addr string, args ...string) *process {
	t.Helper()
	p := &process{t: t, name: name, addr: addr, output: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(binary, args...)
	p.cmd.Stdout, p.cmd.Stderr = p.output, p.output
	p.cmd.Env = os.Environ()
	// Never outlive the test binary, even if it is killed.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("%s output:\n%s", p.name, p.output.String())
		}
	})
	return p
}

// kill kills the master (SIGKILL) and waits for it.
func (p *process) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Kill()
	<-p.done
}

// exited reports whether the master has exited.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// waitExit waits up to d for the master to exit and returns its exit code.
func (p *process) waitExit(d time.Duration) int {
	p.t.Helper()
	select {
	case <-p.done:
	case <-time.After(d):
		p.t.Fatalf("%s did not exit within %v\n%s", p.name, d, p.output.String())
	}
	return p.cmd.ProcessState.ExitCode()
}

// url is the master's URL for path.
func (p *process) url(path string) string { return "http://" + p.addr + path }

// noRedirects is a client that shows 307s instead of following them.
var noRedirects = &http.Client{
	Timeout:       5 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// request sends a request without following redirects and returns the
// status, Location and body.
func request(t *testing.T, method, url, contentType, body string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Accept", contentType)
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// getJSON fetches a JSON document (nil if the master cannot answer).
func getJSON(url string) map[string]any {
	resp, err := noRedirects.Get(url)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil
	}
	var doc map[string]any
	if json.NewDecoder(resp.Body).Decode(&doc) != nil {
		return nil
	}
	return doc
}

// waitFor retries check every 20ms until it passes or d passes.
func waitFor(t *testing.T, d time.Duration, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitHealthy waits until the master answers /health.
func (p *process) waitHealthy(d time.Duration) {
	p.t.Helper()
	waitFor(p.t, d, p.name+" healthy", func() error {
		if p.exited() {
			p.t.Fatalf("%s exited: %v\n%s", p.name, p.err, p.output.String())
		}
		resp, err := noRedirects.Get(p.url("/health"))
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("/health: %d", resp.StatusCode)
		}
		return nil
	})
}

// leading reports whether the master leads and has recovered: an
// operator call is answered, not redirected nor refused.
func (p *process) leading() bool {
	resp, err := noRedirects.Post(p.url("/api/v1"), "application/json", strings.NewReader(`{"type":"GET_HEALTH"}`))
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// withContext is a context for the test, ended after d.
func withContext(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
