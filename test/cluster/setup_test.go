package cluster

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

const (
	envEnable = "GOMESOS_CLUSTER"
	envBuild  = "GOMESOS_CLUSTER_BUILD"
	envKeep   = "GOMESOS_CLUSTER_KEEP"
	envLogDir = "GOMESOS_CLUSTER_LOG_DIR"

	// imageBuildTimeout bounds build-image.sh: a cold build (debootstrap,
	// the Java runtime, the static binaries) takes a few minutes.
	imageBuildTimeout = 20 * time.Minute
)

var (
	setupOnce sync.Once
	setupErr  error
)

// requireCluster skips the test unless GOMESOS_CLUSTER=1; then it checks
// Docker, removes what killed runs left behind and builds the images (once
// per test binary).
func requireCluster(t *testing.T) {
	t.Helper()
	if os.Getenv(envEnable) != "1" {
		t.Skipf("multi-host test: needs Docker; run with %s=1 (make test-cluster)", envEnable)
	}
	setupOnce.Do(func() { setupErr = setup() })
	if setupErr != nil {
		t.Fatalf("cluster setup: %v", setupErr)
	}
}

func setup() error {
	ctx, cancel := context.WithTimeout(context.Background(), imageBuildTimeout)
	defer cancel()
	if _, err := docker(ctx, 30*time.Second, "info", "--format", "{{.ServerVersion}}"); err != nil {
		return err
	}
	root, err := repoRoot()
	if err != nil {
		return err
	}
	if err := script(ctx, filepath.Join(root, "scripts/cluster/clean.sh"), "--stale"); err != nil {
		return err
	}
	if os.Getenv(envBuild) == "0" {
		_, err := docker(ctx, 30*time.Second, "image", "inspect", "--format", "{{.Id}}", image)
		return err
	}
	return script(ctx, filepath.Join(root, "scripts/cluster/build-image.sh"))
}

// script runs one of scripts/cluster, its output on the test's stderr.
func script(ctx context.Context, path string, args ...string) error {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.WaitDelay = 10 * time.Second
	return cmd.Run()
}

// repoRoot is the module's directory: go test runs in the package's.
func repoRoot() (string, error) {
	root, err := filepath.Abs("../..")
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return "", err
	}
	return root, nil
}
