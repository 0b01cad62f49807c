// Package wire is what the plugin runtime (modules/runtime/plugin) and the
// module SDK (sdk/plugin) agree on: the go-plugin handshake, the
// environment a plugin process is started with, the names under which a
// kind's service is dispensed, and the Module service (module.proto) with
// which the host configures the module a process serves.
//
// A plugin process serves one module. The go-plugin protocol version is
// the kind's API version: the host offers every version of the kind it
// speaks, the plugin answers with the highest one it speaks too.
package wire
