package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		env    []string
		code   int
		stdout string
		stderr string
	}{
		{name: "no command", args: nil, code: 1, stderr: "Usage: mesos <command> [OPTIONS]"},
		{name: "help", args: []string{"help"}, code: 0, stdout: "Available commands:"},
		{name: "--help", args: []string{"--help"}, code: 0, stdout: "    tail"},
		{name: "help command", args: []string{"help", "cat"}, code: 0, stdout: "Usage: mesos cat [options]"},
		{name: "command --help", args: []string{"ps", "--help"}, code: 0, stdout: "--master=VALUE"},
		{name: "version", args: []string{"--version"}, code: 0, stdout: "mesos 1.11.0\n"},
		{name: "flag before command", args: []string{"--master=m", "ps"}, code: 1, stderr: "Not expecting '--master=m' before command"},
		{name: "unknown command", args: []string{"frobnicate"}, code: 1, stderr: "'frobnicate' is not a valid command"},
		{name: "ps needs master", args: []string{"ps"}, code: 1, stderr: "mesos ps: Missing --master"},
		{name: "master from environment not used", args: []string{"state"}, env: []string{"MESOS_MASTER=m:5050"}, code: 1,
			stderr: "Missing --master"},
		{name: "cat needs file", args: []string{"cat", "--master=m", "--framework=f", "--task=t"}, code: 1, stderr: "Missing --file"},
		{name: "ps unknown flag", args: []string{"ps", "--master=m", "--file=x"}, code: 1, stderr: "Failed to load unknown flag 'file'"},
		{name: "tail unknown flag", args: []string{"cat", "--master=m", "--framework=f", "--task=t", "--file=x", "--lines=3"}, code: 1,
			stderr: "Failed to load unknown flag 'lines'"},
		{name: "negative lines", args: []string{"tail", "--master=m", "--framework=f", "--task=t", "--file=x", "--lines=-1"}, code: 1,
			stderr: "Expecting --lines to be a non-negative number"},
		{name: "bad timeout", args: []string{"ps", "--master=m", "--timeout=0"}, code: 1, stderr: "Expecting --timeout to be a positive"},
		{name: "tail help", args: []string{"help", "tail"}, code: 0, stdout: "--lines=VALUE"},
		// Valid flags get as far as the master; port 1 on loopback refuses
		// the connection (these tests never leave the machine).
		{name: "ps master unreachable", args: []string{"ps", "--master=127.0.0.1:1"}, code: 1,
			stderr: "mesos ps: Failed to get the master state: Get \"http://127.0.0.1:1/master/redirect\""},
		{name: "state master unreachable", args: []string{"state", "--master=127.0.0.1:1"}, code: 1, stderr: "connection refused"},
		{name: "cat master unreachable", args: []string{"cat", "--master=127.0.0.1:1", "--framework=f", "--task=t", "--file=stdout"}, code: 1,
			stderr: "mesos cat: Failed to get the master state"},
		{name: "bad master", args: []string{"state", "--master=a/b"}, code: 1, stderr: "Failed to get the master: failed to parse master 'a/b'"},
		{name: "bad zk master", args: []string{"state", "--master=zk://"}, code: 1, stderr: "mesos state: Failed to get the master: "},
		{name: "master file", args: []string{"state", "--master=file:///nonexistent/master"}, code: 1, stderr: "Failed to load flag 'master'"},
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
