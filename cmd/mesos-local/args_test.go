package main

import (
	"slices"
	"testing"
)

func TestSplitArgs(t *testing.T) {
	local, _ := newFlags()
	args := []string{
		"--port=6050", "--num_slaves=2", "--help",
		"--allocator=binpack",         // master only
		"--isolation=posix/cpu",       // agent only
		"--modules=modules.json",      // both
		"--no-hostname_lookup",        // both, negated boolean
		"--frobnicate=1", "stray-arg", // nobody's: stay for mesos-local to reject
	}
	own, master, agents := splitArgs(args, local)
	wantOwn := []string{"--port=6050", "--num_slaves=2", "--help", "--frobnicate=1", "stray-arg"}
	wantMaster := []string{"--allocator=binpack", "--modules=modules.json", "--no-hostname_lookup"}
	wantAgents := []string{"--isolation=posix/cpu", "--modules=modules.json", "--no-hostname_lookup"}
	if !slices.Equal(own, wantOwn) || !slices.Equal(master, wantMaster) || !slices.Equal(agents, wantAgents) {
		t.Fatalf("own %v\nmaster %v\nagents %v", own, master, agents)
	}
}

// TestSplitAuthArgs: the agents get their authentication and authorization
// flags (--acls and --authenticate_http_* go to the master too).
func TestSplitAuthArgs(t *testing.T) {
	local, _ := newFlags()
	args := []string{"--acls=acls.json", "--authenticate_http_readonly", "--http_credentials=creds.json",
		"--authorizer=local", "--authorizers=local", "--credentials=creds.json"}
	_, master, agents := splitArgs(args, local)
	wantMaster := []string{"--acls=acls.json", "--authenticate_http_readonly", "--authorizers=local", "--credentials=creds.json"}
	wantAgents := []string{"--acls=acls.json", "--authenticate_http_readonly", "--http_credentials=creds.json", "--authorizer=local"}
	if !slices.Equal(master, wantMaster) || !slices.Equal(agents, wantAgents) {
		t.Fatalf("master %v\nagents %v", master, agents)
	}
}
