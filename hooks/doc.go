// Package hooks is the hook manager: it runs the hook modules a master or
// agent names in --hooks, in that order, at the points of a task's,
// executor's and agent's life where Mesos calls its hooks
// (include/mesos/hook.hpp; the contract is modules/kinds/hook).
//
//   - Decorators chain: each hook sees its input as the hooks before it
//     left it, and returns a replacement or nothing. The manager returns
//     the result of the chain; the caller's input is never modified.
//   - A failing hook (an error, a timeout, a panic, a crash, an output the
//     core rejects) is logged, as Mesos logs it, and skipped; the chain
//     carries on. That is the Hook kind's failure policy.
//   - Hooks built by FromHost are decorated (modules/decorate): each call
//     has a deadline (the manifest's call_timeout, 5 seconds by default),
//     metrics, panic containment and output checks.
//
// A nil or empty Manager runs no hooks and returns inputs unchanged (the
// very same values, not copies), so the daemons call it whether or not
// --hooks is set, at no cost.
package hooks
