package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
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
		{name: "port out of range", args: []string{"--port=70000", "--work_dir=/w"}, code: 1, stderr: "out of range"},
		{name: "reregister timeout too short", args: []string{"--agent_reregister_timeout=5mins", "--work_dir=/w"},
			code: 1, stderr: "must be at least 10mins"},
		{name: "bad registry", args: []string{"--registry=zk"}, code: 1, stderr: "'zk' is not a valid value for --registry"},
		{name: "work_dir needed", args: nil, code: 1, stderr: "--work_dir needed for replicated log based registry"},
		{name: "in_memory needs no work_dir", args: []string{"--registry=in_memory", "--quiet"}, code: 2, stderr: "not implemented yet"},
		{name: "zk needs quorum", args: []string{"--zk=zk://h:2181/mesos", "--work_dir=/w"}, code: 1, stderr: "--quorum"},
		{name: "zk with quorum", args: []string{"--zk=zk://h:2181/mesos", "--quorum=2", "--work_dir=/w", "--quiet"},
			code: 2, stderr: "mesos-master is not implemented yet"},
		{name: "modules and modules_dir", args: []string{"--modules={}", "--modules_dir=/m", "--work_dir=/w"},
			code: 1, stderr: "Only one of --modules or --modules_dir"},
		{name: "environment", env: []string{"MESOS_WORK_DIR=/w", "MESOS_PORT=5055"}, code: 2,
			stderr: "flags.port=5055"},
		{name: "command line beats environment", args: []string{"--port=5056"}, env: []string{"MESOS_WORK_DIR=/w", "MESOS_PORT=5055"},
			code: 2, stderr: "flags.port=5056"},
		{name: "agent variables only warn", args: []string{"--work_dir=/w"}, env: []string{"MESOS_MASTER=zk://h/mesos"},
			code: 2, stderr: "Ignoring environment variable MESOS_MASTER"},
		{name: "deprecated name", args: []string{"--work_dir=/w", "--slave_ping_timeout=30secs"}, code: 2,
			stderr: "Loaded deprecated flag 'slave_ping_timeout'"},
		{name: "quiet hides the log but not the notice", args: []string{"--work_dir=/w", "--quiet"}, code: 2,
			stderr: "not implemented yet", notStderr: "Flags at startup"},
		{name: "credentials not logged", args: []string{"--work_dir=/w", `--credentials={"credentials":[]}`}, code: 2,
			stderr: "flags.credentials=********"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tc.args, tc.env, &stdout, &stderr)
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
