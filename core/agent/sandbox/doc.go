// Package sandbox is the agent's on-disk layout, after Mesos's
// src/slave/paths.cpp: the sandboxes under the work directory,
//
//	<work_dir>/slaves/<agent_id>/frameworks/<framework_id>/executors/<executor_id>/runs/<container_id>
//
// with a "latest" symlink beside each run, and the checkpoint ("meta") tree
// with the same shape under <work_dir>/meta. Every ID is checked before it
// becomes a path component (see ValidateID), so a framework cannot walk out
// of the work directory by naming its executor "..".
//
// It also garbage-collects old sandboxes: a directory is scheduled for
// removal --gc_delay after its executor finished, and a disk watcher shortens
// that delay as the disk fills, as Mesos's checkDiskUsage does.
package sandbox
