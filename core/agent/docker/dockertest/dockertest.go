// Package dockertest gives tests a real Docker daemon and images built
// locally: a FROM scratch image holding Debian's static busybox (package
// busybox-static) with its applets installed; and, for pulls, a real
// registry requiring a password (registry.go: Debian's docker-registry
// and apache2-utils' htpasswd).
// Everything a test makes is named gomesos-dockertest-... and removed
// when the test ends. Tests skip, saying why, when there is no daemon or
// no static busybox.
package dockertest

import (
	"context"
	"crypto/rand"
	"debug/elf"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/agent/docker/engine"
)

// Prefix starts the names of the images and containers tests make.
const Prefix = "gomesos-dockertest-"

// Label marks the images tests build.
const Label = "org.gomesos.dockertest"

// Client returns a client of the local daemon (engine.DefaultSocket, or
// DOCKER_HOST=unix://...), skipping the test when none answers.
func Client(t testing.TB) *engine.Client {
	t.Helper()
	socket := engine.DefaultSocket
	if h := os.Getenv("DOCKER_HOST"); h != "" {
		socket = h
	}
	c := engine.NewClient(socket)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.APIVersion(ctx); err != nil {
		t.Skipf("no Docker daemon reachable at %s: %v", socket, err)
	}
	return c
}

// staticBusybox finds a statically linked busybox, or says why not.
func staticBusybox() (string, string) {
	path, err := exec.LookPath("busybox")
	if err != nil {
		for _, p := range []string{"/bin/busybox", "/usr/bin/busybox"} {
			if _, err := os.Stat(p); err == nil {
				path = p
			}
		}
	}
	if path == "" {
		return "", "no busybox found: install Debian's busybox-static package"
	}
	f, err := elf.Open(path)
	if err != nil {
		return "", path + " is not an ELF binary: " + err.Error()
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return "", path + " is dynamically linked: install Debian's busybox-static package"
		}
	}
	return path, ""
}

// BusyboxImage builds a busybox image under a name of its own and removes
// it when the test ends; it skips the test without a Docker daemon, the
// docker CLI or a static busybox.
func BusyboxImage(t testing.TB) string {
	t.Helper()
	return BusyboxImageWith(t, nil)
}

// BusyboxImageWith builds a busybox image that also holds files: the
// path in the image (at its root, no directories) to the file on the
// host.
func BusyboxImageWith(t testing.TB, files map[string]string) string {
	t.Helper()
	Client(t)
	busybox, why := staticBusybox()
	if why != "" {
		t.Skip(why)
	}
	if _, err := exec.LookPath("docker"); err != nil {
		t.Skip("the docker CLI is needed to build test images: " + err.Error())
	}
	dir := t.TempDir()
	data, err := os.ReadFile(busybox)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "busybox"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	image := Prefix + "busybox:" + randomHex()
	// A label of its own first: no two builds share a step, so one test
	// package's docker rmi of its image cannot remove a cached step
	// another package's concurrent build is using (the daemon then fails
	// that build with "failed to get digest").
	dockerfile := "FROM scratch\nLABEL " + Label + ".build=\"" + image + "\"\n" +
		"COPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n"
	for name, src := range files {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o755); err != nil {
			t.Fatal(err)
		}
		dockerfile += "COPY " + name + " /" + name + "\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("docker", "build", "--quiet", "--label", Label+"=1", "-t", image, dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docker build: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("docker", "rmi", "--force", image).Run() })
	return image
}

// RemoveContainersOf removes, when the test ends, every container an
// agent with this runtime directory labelled (engine.LabelOwner).
func RemoveContainersOf(t testing.TB, c *engine.Client, dockerRuntimeDir string) {
	t.Helper()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		list, err := c.ListContainers(ctx, engine.LabelOwner+"="+dockerRuntimeDir)
		if err != nil {
			t.Logf("list the test's containers: %v", err)
			return
		}
		for _, ct := range list {
			if err := c.RemoveContainer(ctx, ct.ID, true); err != nil && !engine.IsNotFound(err) {
				t.Errorf("remove container %v: %v", ct.Names, err)
			}
		}
	})
}

func randomHex() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
