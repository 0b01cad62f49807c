package dockertest

import (
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Registry is a real Docker registry for a test: Debian's docker-registry
// (distribution 2.8) on a loopback port, requiring a user and password
// (htpasswd, bcrypt). It speaks plain HTTP, which the daemon allows for
// 127.0.0.0/8 (an insecure registry by default).
type Registry struct {
	Addr     string // 127.0.0.1:port
	User     string
	Password string
}

// registryBinary is where Debian's docker-registry package installs it.
const registryBinary = "docker-registry"

// StartRegistry starts a registry with one user, stopped when the test
// ends. It skips the test when docker-registry or htpasswd is missing.
func StartRegistry(t testing.TB) *Registry {
	t.Helper()
	bin, err := exec.LookPath(registryBinary)
	if err != nil {
		t.Skip("no docker registry: install Debian's docker-registry package (/usr/bin/docker-registry)")
	}
	htpasswd, err := exec.LookPath("htpasswd")
	if err != nil {
		t.Skip("no htpasswd for the registry's users: install Debian's apache2-utils package")
	}
	r := &Registry{User: "gomesos", Password: "pw-" + randomHex()}
	dir := t.TempDir()
	users := filepath.Join(dir, "htpasswd")
	out, err := exec.Command(htpasswd, "-B", "-b", "-c", users, r.User, r.Password).CombinedOutput()
	if err != nil {
		t.Fatalf("htpasswd: %v\n%s", err, out)
	}
	// The port is picked free, then given to the registry: another
	// process may take it in between, so a registry that does not come
	// up is retried on a new port.
	var last string
	for range 3 {
		addr := freeLoopbackAddr(t)
		p, err := startRegistryAt(bin, dir, users, addr)
		if err != nil {
			t.Fatal(err)
		}
		if waitRegistry(addr, p.done) {
			r.Addr = addr
			t.Cleanup(p.stop)
			return r
		}
		p.stop()
		b, _ := os.ReadFile(p.logs)
		last = string(b)
	}
	t.Fatalf("the docker registry did not start:\n%s", last)
	return nil
}

// registryProcess is a running registry; done is closed when it exits.
type registryProcess struct {
	cmd  *exec.Cmd
	logs string
	done chan struct{}
}

func (p *registryProcess) stop() {
	_ = p.cmd.Process.Kill()
	<-p.done
}

func freeLoopbackAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// startRegistryAt runs the registry with a configuration of its own,
// its storage in dir and its output in a log file there.
func startRegistryAt(bin, dir, users, addr string) (*registryProcess, error) {
	config := fmt.Sprintf(`version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: %s
http:
  addr: %s
  secret: gomesos-dockertest
auth:
  htpasswd:
    realm: gomesos-dockertest
    path: %s
`, filepath.Join(dir, "storage"), addr, users)
	name := filepath.Join(dir, "config-"+strings.ReplaceAll(addr, ":", "-")+".yml")
	if err := os.WriteFile(name, []byte(config), 0o600); err != nil {
		return nil, err
	}
	p := &registryProcess{logs: name + ".log", done: make(chan struct{})}
	f, err := os.Create(p.logs)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p.cmd = exec.Command(bin, "serve", name)
	p.cmd.Stdout, p.cmd.Stderr = f, f
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// waitRegistry waits for the registry to answer /v2/ with its
// authentication challenge (401), the sign it serves and checks users;
// false when it exits (its port taken) or does not answer in time.
func waitRegistry(addr string, done <-chan struct{}) bool {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := client.Get("http://" + addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			select {
			case <-done:
				return false // another program answers on the port
			default:
			}
			return resp.StatusCode == http.StatusUnauthorized
		}
		select {
		case <-done:
			return false
		case <-time.After(100 * time.Millisecond):
		}
	}
	return false
}

// DockerConfigJSON is a docker config.json holding the registry's
// credential, the form docker login writes.
func (r *Registry) DockerConfigJSON(password string) string {
	auth := base64.StdEncoding.EncodeToString([]byte(r.User + ":" + password))
	return fmt.Sprintf(`{"auths": {%q: {"auth": %q}}}`, r.Addr, auth)
}

// Push tags a local image as repo:tag of the registry, pushes it with the
// docker CLI (logged in through a configuration of the test's own, not
// the user's) and removes the local tag, so that using the image needs
// a pull. It returns the image's reference in the registry, whose local
// copy (a later pull's) is removed when the test ends.
func (r *Registry) Push(t testing.TB, image, repo, tag string) string {
	t.Helper()
	ref := r.Addr + "/" + repo + ":" + tag
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(r.DockerConfigJSON(r.Password)), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	t.Cleanup(func() { _ = exec.Command("docker", "rmi", "--force", ref).Run() })
	for _, args := range [][]string{
		{"tag", image, ref},
		{"--config", dir, "push", ref},
		{"rmi", ref},
	} {
		if out, err := exec.CommandContext(ctx, "docker", args...).CombinedOutput(); err != nil {
			t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return ref
}
