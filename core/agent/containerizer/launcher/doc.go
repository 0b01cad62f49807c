// Package launcher starts, finds again and kills the processes of Mesos
// containers.
//
// Like Mesos's `mesos-containerizer launch` helper, every container is
// started through a small supervisor: the mesos-containerizer program (or
// the agent's own binary re-executed in a hidden mode, see MaybeRunHelper,
// which every daemon's main calls first). The supervisor is the
// container's first process. It is created in its own session and process
// group and, when asked, in new PID and mount namespaces (it is then pid 1
// there). It waits on a pipe until the containerizer has isolated it
// (cgroups) and fetched the sandbox, then makes the mounts, runs the
// pre-exec commands, and forks the command as its user, in its working
// directory, with stdout and stderr appended to the sandbox's `stdout` and
// `stderr` (a command with rlimits goes through a second hidden mode that
// sets them first). It waits for the command, kills whatever the command
// left behind (it is a child subreaper, so orphans stay its descendants),
// writes the command's wait status to `status` in the container's runtime
// directory and exits.
//
// A command with a TTY (Spec.TTY) runs on a pseudo-terminal the launcher
// allocates: it leads its own session with the terminal's slave as its
// controlling terminal and stdio, and the supervisor holds the master,
// copying the terminal's output to `stdout` and the stdin FIFO to the
// terminal, so that the terminal lives as long as the container, agent
// restarts included. Without a TTY, a command with a stdin FIFO reads a
// pipe the supervisor writes what the FIFO brings to (Spec.RelayStdin),
// so that its input outlives the agent too; its end of file is the
// FIFO's end-of-file mark (see relay.go).
//
// A command that needs none of that (no namespaces, mounts, pre-exec
// commands or rlimits) and knows how may supervise itself: the agent's
// command executor calls RunSelfSupervised, which does the supervisor's
// part in the executor's own process, one process less per task.
//
// The supervisor does not depend on the agent: an agent that restarts while
// a task runs finds the supervisor again from the checkpointed pid (and its
// start time, so a reused pid is not mistaken for it), keeps waiting for it
// through a pidfd, and reads the exit status from the status file.
//
// Files in a container's runtime directory:
//
//	pid             "<pid> <start>\n": the supervisor's pid and its start
//	                time in clock ticks after boot (see pidfile.go), written
//	                before the go-ahead; empty or missing: never launched
//	status          the command's wait status, written when it exited, and
//	                " clean" when nothing of the container was left running
//	launch.json     the Spec the supervisor runs (not for a self-supervised command)
//	supervisor.log  the supervisor's own log (not for a self-supervised command)
//	stdin           a FIFO, relayed to the command's stdin, for a container
//	                with an input
//	stdin.eof       created (empty) by the agent when the input ended
//	tty             the path of the container's terminal (/dev/pts/N), for a
//	                container with a TTY (whose master the supervisor holds)
//
// Before this layout the pid file held the pid alone and pid.start the
// start time; Recover still reads containers checkpointed so (an agent
// upgraded while its tasks run).
package launcher
