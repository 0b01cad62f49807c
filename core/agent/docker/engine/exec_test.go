package engine_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/agent/docker/dockertest"
	"github.com/gomesos/mesos/core/agent/docker/engine"
)

// TestExec against the real daemon: a command run in a running container
// gets the container's filesystem and the given environment, its output
// is split into stdout and stderr and its exit code returned; one that
// outlives ctx returns ctx's error; a stopped container's exec fails.
func TestExec(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Docker containers")
	}
	c := dockertest.Client(t)
	image := dockertest.BusyboxImage(t)
	ctx := context.Background()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := dockertest.Prefix + "exec-" + hex.EncodeToString(b)
	if _, err := c.CreateContainer(ctx, name, &engine.CreateConfig{
		Image: image, Cmd: []string{"sh", "-c", "echo inside > /marker; exec sleep 1000"}, HostConfig: engine.HostConfig{NetworkMode: "none"},
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.RemoveContainer(context.Background(), name, true) })
	if err := c.StartContainer(ctx, name); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	deadline := time.Now().Add(10 * time.Second)
	for {
		stdout.Reset()
		stderr.Reset()
		code, err := c.Exec(ctx, name, &engine.ExecConfig{
			Cmd: []string{"sh", "-c", `cat /marker && echo "$GREETING" >&2 && exit 5`}, Env: []string{"GREETING=hi"},
		}, &stdout, &stderr)
		if err != nil {
			t.Fatal(err)
		}
		if code == 5 {
			break
		}
		if time.Now().After(deadline) { // the marker may not be written yet
			t.Fatalf("exit code %d, stdout %q stderr %q", code, stdout.String(), stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if stdout.String() != "inside\n" || stderr.String() != "hi\n" {
		t.Errorf("stdout %q stderr %q", stdout.String(), stderr.String())
	}

	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if _, err := c.Exec(short, name, &engine.ExecConfig{Cmd: []string{"sleep", "5"}}, nil, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("an exec past its deadline: %v", err)
	}

	if err := c.StopContainer(ctx, name, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, name, &engine.ExecConfig{Cmd: []string{"true"}}, nil, nil); err == nil {
		t.Error("an exec in a stopped container did not fail")
	}
}
