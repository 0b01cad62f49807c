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
