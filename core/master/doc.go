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
//
// What must survive the master (admitted, unreachable and gone agents,
// maintenance, quota, weights) goes through the registrar (registry.go):
// the master recovers the registry before it starts, and a change takes
// effect on the loop once the registry holds it. Operators reach the
// master through the v1 operator API (operator_api.go) and Mesos's
// endpoints (endpoints.go), whose JSON documents are written straight
// from the loop's records (state_json.go).
//
// With a contender and a detector (--zk) several masters run and one
// leads (leadership.go): the others redirect every call only the leader
// serves, and the state documents, to it with a 307 (redirect.go); the one
// elected recovers the registry and leads, and stops if it ever loses
// the leadership.
package master
