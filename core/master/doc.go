// Package master is the Mesos master: it pools the resources of the agents,
// has an allocator decide who gets what, offers it to frameworks, launches
// what they accept on the agents, and follows every task to its end.
//
// All master state is owned by one goroutine, the loop (loop.go). HTTP
// handlers and timers hand it closures (post, call) and never touch state
// themselves, so the bookkeeping needs no locks and reads like Mesos's
// single-actor master. Streams to schedulers and agents are written by one
// goroutine each, fed through a bounded queue; a client too slow to drain
// its queue is disconnected rather than allowed to grow the master's memory.
package master
