// Package containerizer is the agent's Mesos containerizer: it launches
// executors (and command tasks) in containers made of a supervised process
// tree (package launcher) and an ordered list of isolators (the Isolator
// module kind), and follows them until they are destroyed.
//
// A container goes through PREPARING (isolators' Prepare, in --isolation
// order), ISOLATING (the process is forked, paused, and every isolator's
// Isolate runs in parallel), FETCHING (the agent's fetcher fills the
// sandbox), RUNNING (the command runs; isolators Watch it) and DESTROYING
// (every process is killed, then isolators' Cleanup runs in reverse order).
// A failure at any step before RUNNING destroys what was made and fails
// the launch. A container is destroyed when its command exits, when an
// isolator reports a limitation (the termination then carries TASK_FAILED
// and the limitation's reason and message, as in Mesos), or when asked.
//
// The containerizer holds no I/O of its own beyond its runtime directory:
// processes go through a Launcher and everything else through isolators,
// so the state machine is tested with fakes of both.
//
// Runtime directory layout (as Mesos's, under --runtime_dir):
//
//	<runtime_dir>/containers/<id>/config       the ContainerConfig (protobuf)
//	<runtime_dir>/containers/<id>/...          the launcher's files (pid, ...: see package launcher)
//	<runtime_dir>/containers/<id>/containers/<child id>/...  nested containers
//
// The config is written (through a temporary file, renamed into place)
// before the first isolator prepares the container, and again when an
// update changes its resources: at once when the update adds any, a
// second later (shrinkCheckpointDelay; at once on Close) when it only
// takes some away, so that the shrink as a command task ends is not
// written for a container destroyed meanwhile. An update that changes
// nothing writes nothing. A command task's container (self-supervised)
// makes four files: the directory, config and the launcher's pid and
// status.
//
// After an agent restart, Recover rebuilds the containers from it, hands
// them to the isolators, keeps watching the running ones and destroys the
// orphans.
package containerizer
