// Package cgroups holds the isolators built on Linux control groups:
// cgroups/cpu (cpu.shares or cpu.weight per cpu, optional CFS bandwidth
// limits, CPU accounting) and cgroups/mem (memory limits, memory
// accounting, OOM kills reported as container limitations).
//
// Both cgroups v1 and v2 are supported. Which one an isolator uses is
// found from /proc/self/mountinfo: the v1 hierarchies its controllers are
// mounted on, else the unified (v2) hierarchy when the controllers are
// available there. Containers get Mesos's layout: <root>/<container id>
// below each hierarchy, with <root> being --cgroups_root ("mesos").
// Nested containers stay in their parent's cgroup.
package cgroups
