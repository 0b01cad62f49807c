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
		stdout    string
		stderr    string
	}{
		{name: "help", args: []string{"--help"}, code: 0, stdout: "Usage: mesos-execute [options]"},
		{name: "version", args: []string{"--version"}, code: 0, stdout: "mesos 1.11.0\n"},
		{name: "no master", args: []string{"--name=x", "--command=ls"}, code: 1, stderr: "Flag 'master' is required"},
		{name: "environment not read", args: []string{"--name=x", "--command=ls"}, env: []string{"MESOS_MASTER=m:5050"},
			code: 1, stderr: "Flag 'master' is required"},
		{name: "no name", args: []string{"--master=m:5050"}, code: 1, stderr: "Missing required option --name"},
		{name: "no command", args: []string{"--master=m:5050", "--name=x"}, code: 1, stderr: "Missing required option --command"},
		// Valid flags get as far as subscribing; port 1 on loopback refuses
		// the connection (these tests never leave the machine).
		{name: "no command needed without shell", args: []string{"--master=127.0.0.1:1", "--name=x", "--no-shell"}, code: 1,
			stderr: "connection refused"},
		{name: "command", args: []string{"--master=127.0.0.1:1", "--name=x", "--command=sleep 10", "--env={\"A\":\"1\"}"}, code: 1,
			stderr: "SUBSCRIBE to 127.0.0.1:1"},
		{name: "task and group", args: []string{"--master=m", "--task={}", "--task_group={}"}, code: 1,
			stderr: "Either task or task group should be set but not both"},
		{name: "task with name", args: []string{"--master=m", "--task_group={\"tasks\":[]}", "--name=x"}, code: 1,
			stderr: "can only be set when both '--task'"},
		{name: "bad env json", args: []string{"--master=m", "--env={"}, code: 1, stderr: "Failed to load flag 'env'"},
		{name: "bad content type", args: []string{"--master=m", "--name=x", "--command=ls", "--content_type=xml"}, code: 1,
			stderr: "not a valid value for --content_type"},
		{name: "secret hidden", args: []string{"--master=127.0.0.1:1", "--name=x", "--command=ls", "--secret=hunter2"}, code: 1,
			stderr: "flags.secret=********"},
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
			if strings.Contains(stderr.String()+stdout.String(), "hunter2") {
				t.Errorf("secret leaked: %s", stderr.String())
			}
		})
	}
}
