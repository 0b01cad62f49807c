// Package posix holds the isolators that work on any POSIX system without
// isolating anything: posix/cpu and posix/mem report the CPU time and
// resident memory of the container's process tree (read from /proc), and
// posix/disk (Mesos's disk/du) measures the sandbox and, when asked,
// enforces its disk quota.
package posix
