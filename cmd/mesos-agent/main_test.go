package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gomesos/mesos/cmd/internal/agentflags"
)

func TestRun(t *testing.T) {
	work := t.TempDir()
	w := "--work_dir=" + work
	keyFile := filepath.Join(t.TempDir(), "jwt.key")
	if err := os.WriteFile(keyFile, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		args, env []string
		code      int
		stdout    string
		stderr    string
	}{
		{name: "help", args: []string{"--help"}, code: 0, stdout: "Usage: mesos-agent [options]"},
		{name: "version without master", args: []string{"--version"}, code: 0, stdout: "mesos 1.11.0\n"},
		{name: "missing master", args: []string{"--work_dir=/w"}, code: 1, stderr: "Missing required option `--master` or `--master_detector`"},
		{name: "missing work_dir", args: []string{"--master=m:5050"}, code: 1, stderr: "Flag 'work_dir' is required"},
		{name: "master and detector", args: []string{"--master=m:5050", "--master_detector=d", "--work_dir=/w"}, code: 1,
			stderr: "Only one of --master or --master_detector"},
		{name: "ok", args: []string{"--master=127.0.0.1:1", w, "--port=0", "--quiet"}, code: 0},
		{name: "environment", env: []string{"MESOS_MASTER=127.0.0.1:1", "MESOS_WORK_DIR=" + work, "MESOS_PORT=0"}, code: 0,
			stderr: "flags.port=0"},
		{name: "bytes", args: []string{"--master=127.0.0.1:1", w, "--port=0", "--fetcher_cache_size=512MB"}, code: 0,
			stderr: "flags.fetcher_cache_size=512MB"},
		{name: "bad bytes", args: []string{"--fetcher_cache_size=1.5GB"}, code: 1, stderr: "Fractional bytes"},
		{name: "bad recover", args: []string{"--recover=maybe"}, code: 1, stderr: "not a valid value for --recover"},
		{name: "bad launcher", args: []string{"--launcher=chroot"}, code: 1, stderr: "not a valid value for --launcher"},
		{name: "bad headroom", args: []string{"--gc_disk_headroom=1.5"}, code: 1, stderr: "Must be between 0.0 and 1.0"},
		{name: "master flags only warn", args: []string{"--master=127.0.0.1:1", w, "--port=0"}, env: []string{"MESOS_QUORUM=2"}, code: 0,
			stderr: "Ignoring environment variable MESOS_QUORUM"},
		{name: "no-strict", args: []string{"--master=127.0.0.1:1", w, "--port=0", "--no-strict"}, code: 0, stderr: "flags.strict=false"},
		// A malformed zk:// URL fails at once (a valid one is followed; see
		// core/agent's HA tests, which run a real ZooKeeper on loopback).
		{name: "bad zookeeper URL", args: []string{"--master=zk://", w, "--port=0"}, code: 1, stderr: "zookeeper URL"},
		{name: "detector", args: []string{"--master_detector=d", w, "--port=0"}, code: 1, stderr: "--master_detector is not supported yet"},
		{name: "bad isolation", args: []string{"--master=127.0.0.1:1", w, "--port=0", "--isolation=posix/nope"}, code: 1,
			stderr: "unknown isolator"},
		{name: "bad resources", args: []string{"--master=127.0.0.1:1", w, "--port=0", "--resources=cpus:x"}, code: 1,
			stderr: "invalid --resources"},
		{name: "bad manifest", args: []string{"--master=127.0.0.1:1", w, "--port=0",
			`--modules={"libraries": [{"name": "builtin", "modules": [{"name": "org_nope", "kind": "Isolator"}]}]}`}, code: 1,
			stderr: "failed to load module 'org_nope' of library 'builtin': module not found"},
		{name: "modules and modules_dir", args: []string{"--master=127.0.0.1:1", w, "--modules={}", "--modules_dir=/m"}, code: 1,
			stderr: "Only one of --modules or --modules_dir"},
		{name: "unknown container logger", args: []string{"--master=127.0.0.1:1", w, "--port=0", "--container_logger=org_nope"}, code: 1,
			stderr: "--container_logger: unknown container logger 'org_nope'"},
		{name: "executor authentication without a key", args: []string{"--master=127.0.0.1:1", w, "--port=0", "--authenticate_http_executors"}, code: 1,
			stderr: "--jwt_secret_key must be specified when --authenticate_http_executors is set to true"},
		{name: "executor authentication", args: []string{"--master=127.0.0.1:1", w, "--port=0", "--authenticate_http_executors",
			"--jwt_secret_key=" + keyFile}, code: 0, stderr: "flags.jwt_secret_key=" + keyFile},
		{name: "executor key unreadable", args: []string{"--master=127.0.0.1:1", w, "--port=0", "--jwt_secret_key=" + work + "/none"}, code: 1,
			stderr: "failed to read the file specified by --jwt_secret_key"},
		{name: "acls", args: []string{"--master=127.0.0.1:1", w, "--port=0", `--acls={"permissive": false}`}, code: 0,
			stderr: "authorizing requests"},
		{name: "http authentication without credentials", args: []string{"--master=127.0.0.1:1", w, "--port=0", "--authenticate_http_readonly"}, code: 1,
			stderr: "set --http_credentials"},
		{name: "http authentication", args: []string{"--master=127.0.0.1:1", w, "--port=0", "--authenticate_http_readwrite",
			`--http_credentials={"credentials": [{"principal": "ops", "secret": "s"}]}`}, code: 0},
		{name: "unknown authorizer", args: []string{"--master=127.0.0.1:1", w, "--port=0", "--authorizer=org_nope"}, code: 1,
			stderr: "--authorizer"},
		{name: "unwritable work_dir", args: []string{"--master=127.0.0.1:1", "--work_dir=/proc/nope", "--port=0"}, code: 1,
			stderr: "failed to create work directory '/proc/nope'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			// A cancelled context: the agent starts and stops at once.
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			code := run(ctx, tc.args, tc.env, &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout %q does not contain %q", stdout.String(), tc.stdout)
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tc.stderr)
			}
		})
	}
}

// TestPortInUse: a second agent on a taken port fails at once, saying so.
func TestPortInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	var stdout, stderr bytes.Buffer
	start := time.Now()
	code := run(context.Background(), []string{"--master=127.0.0.1:1", "--work_dir=" + t.TempDir(), "--ip=127.0.0.1",
		"--port=" + strconv.Itoa(port), "--quiet"}, nil, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "Address already in use") {
		t.Fatalf("code %d, stderr %q", code, stderr.String())
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("took %s to fail", time.Since(start))
	}
}

// TestDefaults pins the defaults the brief and Mesos's documentation give.
func TestDefaults(t *testing.T) {
	fs, _ := agentflags.New()
	want := map[string]string{
		"port":                              "5051",
		"containerizers":                    "mesos",
		"isolation":                         "posix/cpu,posix/mem",
		"executor_registration_timeout":     "1mins",
		"executor_shutdown_grace_period":    "5secs",
		"recover":                           "reconnect",
		"strict":                            "true",
		"recovery_timeout":                  "15mins",
		"fetcher_cache_size":                "2GB",
		"fetcher_cache_dir":                 "/tmp/mesos/fetch",
		"gc_delay":                          "1weeks",
		"disk_watch_interval":               "1mins",
		"oversubscribed_resources_interval": "15secs",
		"qos_correction_interval_min":       "0ns",
		"default_role":                      "*",
		"gc_disk_headroom":                  "0.1",
	}
	for name, def := range want {
		fl := fs.Lookup(name)
		if fl == nil {
			t.Errorf("no flag --%s", name)
			continue
		}
		if got, ok := fl.Default(); !ok || got != def {
			t.Errorf("--%s default %q (%v), want %q", name, got, ok, def)
		}
	}
	for _, name := range []string{"master", "ip", "hostname", "work_dir", "resources", "attributes", "launcher",
		"modules", "hooks", "resource_estimator", "qos_controller", "container_logger"} {
		fl := fs.Lookup(name)
		if fl == nil {
			t.Errorf("no flag --%s", name)
			continue
		}
		if d, ok := fl.Default(); ok {
			t.Errorf("--%s has default %q, want none", name, d)
		}
	}
}
