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
		{name: "help", args: []string{"--help"}, code: 0, stdout: "Launches an in-memory cluster within a single process."},
		{name: "version", args: []string{"--version"}, code: 0, stdout: "mesos 1.11.0\n"},
		{name: "defaults", args: nil, code: 2, stderr: "flags.num_slaves=1"},
		{name: "flags", args: []string{"--num_slaves=3", "--port=6050", "--work_dir=/w"}, code: 2, stderr: "flags.num_slaves=3 flags.port=6050"},
		{name: "environment", env: []string{"MESOS_NUM_SLAVES=2"}, code: 2, stderr: "flags.num_slaves=2"},
		{name: "unknown flag rejected", args: []string{"--quorum=1"}, code: 1, stderr: "Failed to load unknown flag 'quorum'"},
		{name: "negative agents", args: []string{"--num_slaves=-1"}, code: 1, stderr: "cannot be negative"},
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
		})
	}
}
