// Package execmode names the executors the agent runs itself: Mesos's
// command executor (tasks without an ExecutorInfo) and default executor
// (task groups). Mesos ships them as separate programs (mesos-executor,
// mesos-default-executor); we ship one, mesos-executor, and the agent
// starts it with Env set to the executor's mode (or, without it, its own
// binary, which has the same modes). The programs live in
// cmd/internal/executors; this package is what the agent and those
// programs agree on.
package execmode

import (
	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// Env selects the hidden executor mode of the binary.
const Env = "GOMESOS_EXECUTOR"

// SwitchUserEnv is set to "1" for the default executor when the agent runs
// tasks as their users (--switch_user): the default executor then starts
// each task of a group as its command's user. (The command executor
// already runs as its task's user.)
const SwitchUserEnv = "GOMESOS_SWITCH_USER"

// The executor modes.
const (
	Command = "command"
	Default = "default"
	// Docker runs the one task of a DOCKER ContainerInfo in a Docker
	// container (the Docker containerizer adds its flags).
	Docker = "docker"
)

// argv[0] of the executors, as ps shows them (Mesos's program names).
const (
	CommandArg0 = "mesos-executor"
	DefaultArg0 = "mesos-default-executor"
	DockerArg0  = "mesos-docker-executor"
)

// CommandInfo is the command that starts the executor of the given mode
// from binary (an absolute path).
func CommandInfo(binary, mode string) *mesospb.CommandInfo {
	arg0 := CommandArg0
	switch mode {
	case Default:
		arg0 = DefaultArg0
	case Docker:
		arg0 = DockerArg0
	}
	return &mesospb.CommandInfo{
		Value:     proto.String(binary),
		Shell:     proto.Bool(false),
		Arguments: []string{arg0},
		Environment: &mesospb.Environment{Variables: []*mesospb.Environment_Variable{{
			Name: proto.String(Env), Value: proto.String(mode),
		}}},
	}
}

// Of reports the built-in executor mode a command runs, or "" for a
// custom executor.
func Of(c *mesospb.CommandInfo) string {
	for _, v := range c.GetEnvironment().GetVariables() {
		if v.GetName() == Env {
			switch v.GetValue() {
			case Command, Default, Docker:
				return v.GetValue()
			}
		}
	}
	return ""
}
