package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRun runs main in-process: flags Mesos refuses are refused with a
// clear message and exit code 1; valid ones start a master, which stops
// at once here since its context is already done.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	workDir := "--work_dir=" + filepath.Join(dir, "work")
	zkFile := filepath.Join(dir, "zk")
	if err := os.WriteFile(zkFile, []byte("zk://127.0.0.1:1/mesos\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		args, env []string
		code      int
		stdout    string // substring
		stderr    string // substring
		notStderr string
	}{
		{name: "help", args: []string{"--help"}, code: 0, stdout: "Usage: mesos-master [options]"},
		{name: "help lists defaults", args: []string{"--help"}, code: 0, stdout: "(default: HierarchicalDRF)"},
		{name: "version", args: []string{"--version"}, code: 0, stdout: "mesos 1.11.0\n"},
		{name: "unknown flag", args: []string{"--bogus=1"}, code: 1, stderr: "mesos-master: Failed to load unknown flag 'bogus'"},
		{name: "space-separated value", args: []string{"--port", "5050"}, code: 1, stderr: "Missing value"},
		{name: "bad duration", args: []string{"--allocation_interval=1s"}, code: 1, stderr: "Unknown duration unit 's'"},
		{name: "port out of range", args: []string{"--port=70000", workDir}, code: 1, stderr: "out of range"},
		{name: "reregister timeout too short", args: []string{"--agent_reregister_timeout=5mins", workDir},
			code: 1, stderr: "must be at least 10mins"},
		{name: "bad registry", args: []string{"--registry=zk"}, code: 1, stderr: "'zk' is not a valid value for --registry"},
		{name: "work_dir needed", args: nil, code: 1, stderr: "--work_dir needed for replicated log based registry"},
		{name: "zk needs quorum", args: []string{"--zk=zk://h:2181/mesos", workDir}, code: 1, stderr: "--quorum"},
		{name: "quorum at least 1", args: []string{"--zk=zk://h:2181/mesos", "--quorum=0", workDir}, code: 1, stderr: "quorum must be at least 1"},
		{name: "bad zk URL", args: []string{"--zk=h:2181/mesos", "--quorum=1", workDir}, code: 1,
			stderr: "Failed to parse --zk: zookeeper URL \"h:2181/mesos\": expecting 'zk://'"},
		{name: "zk and a contender", args: []string{"--zk=zk://h:2181/mesos", "--quorum=1", "--master_contender=c", "--master_detector=d", workDir},
			code: 1, stderr: "Only one of --zk or the --master_contender/--master_detector pair"},
		{name: "contender without detector", args: []string{"--master_contender=c", workDir}, code: 1,
			stderr: "Both --master_contender and --master_detector"},
		{name: "modules and modules_dir", args: []string{"--modules={}", "--modules_dir=/m", workDir},
			code: 1, stderr: "Only one of --modules or --modules_dir"},
		{name: "bad weights", args: []string{"--weights=a=x", workDir}, code: 1, stderr: "invalid weight 'x' for role 'a' in --weights"},
		{name: "bad roles", args: []string{"--roles=a,.", workDir}, code: 1, stderr: "invalid role '.' in --roles"},
		{name: "bad removal limit", args: []string{"--recovery_agent_removal_limit=150%", workDir}, code: 1, stderr: "between 0% and 100%"},
		{name: "agent authentication without credentials", args: []string{"--authenticate_agents", workDir}, code: 1,
			stderr: "--authenticate_agents with the default 'crammd5' authenticator needs --credentials"},
		{name: "unknown allocator", args: []string{"--allocator=Nope", "--port=0", workDir}, code: 1,
			stderr: "--allocator: no Allocator module named 'Nope' is loaded (loaded: none) and none is built in (built-in: HierarchicalDRF)"},
		{name: "unknown hook", args: []string{"--hooks=nope", "--port=0", workDir}, code: 1,
			stderr: "--hooks: No hook module named 'nope' available"},
		{name: "bad manifest", args: []string{`--modules={"libraries":[{"file":"/nonexistent/lib.wasm","modules":[{"name":"m"}]}]}`, "--port=0", workDir},
			code: 1, stderr: "/nonexistent/lib.wasm"},
		{name: "zk from a file", args: []string{"--zk=file://" + zkFile, "--quorum=1", "--port=0", workDir}, code: 0,
			stderr: "zk=zk://127.0.0.1:1/mesos"},
		{name: "in_memory needs no work_dir", args: []string{"--registry=in_memory", "--port=0", "--quiet"}, code: 0},
		{name: "environment", env: []string{"MESOS_WORK_DIR=" + filepath.Join(dir, "env"), "MESOS_PORT=0", "MESOS_IP=127.0.0.1"}, code: 0,
			stderr: "flags.port=0"},
		{name: "command line beats environment", args: []string{"--port=0"}, env: []string{"MESOS_WORK_DIR=" + filepath.Join(dir, "env"), "MESOS_PORT=5055"},
			code: 0, stderr: "flags.port=0"},
		{name: "agent variables only warn", args: []string{workDir, "--port=0"}, env: []string{"MESOS_MASTER=zk://h/mesos"},
			code: 0, stderr: "Ignoring environment variable MESOS_MASTER"},
		{name: "deprecated name", args: []string{workDir, "--port=0", "--slave_ping_timeout=30secs"}, code: 0,
			stderr: "Loaded deprecated flag 'slave_ping_timeout'"},
		{name: "quiet hides the log", args: []string{workDir, "--port=0", "--quiet"}, code: 0, notStderr: "Flags at startup"},
		{name: "credentials not logged", args: []string{workDir, "--port=0", `--credentials={"credentials":[]}`}, code: 0,
			stderr: "flags.credentials=********"},
	}
	stopped, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(stopped, tc.args, tc.env, &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout %q does not contain %q", stdout.String(), tc.stdout)
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tc.stderr)
			}
			if tc.notStderr != "" && strings.Contains(stderr.String(), tc.notStderr) {
				t.Errorf("stderr %q contains %q", stderr.String(), tc.notStderr)
			}
		})
	}
}

// TestDefaults pins the defaults the brief and Mesos's documentation give.
func TestDefaults(t *testing.T) {
	fs, _ := newFlags()
	want := map[string]string{
		"port":                     "5050",
		"allocator":                "HierarchicalDRF",
		"allocation_interval":      "1secs",
		"agent_ping_timeout":       "15secs",
		"max_agent_ping_timeouts":  "5",
		"agent_reregister_timeout": "10mins",
		"registry":                 "replicated_log",
		"zk_session_timeout":       "10secs",
		"quiet":                    "false",
		"version":                  "false",
		"authenticators":           "crammd5",
		"authorizers":              "local",
		"http_authenticators":      "basic",
		"registry_max_agent_age":   "2weeks",
		"registry_fetch_timeout":   "1mins",
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
	for _, name := range []string{"ip", "hostname", "work_dir", "cluster", "roles", "weights", "offer_timeout",
		"modules", "modules_dir", "hooks", "whitelist", "log_dir", "zk", "quorum"} {
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
