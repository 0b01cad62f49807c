// Package manifest reads the --modules manifest: Apache Mesos's JSON
// format, extended, into the modules.Spec values the host loads.
//
// Mesos's format is a list of libraries, each a file (or a name) holding
// modules, each with a name and key/value parameters:
//
//	{"libraries": [{"file": "/usr/lib/mesos/libfoo.so",
//	                "modules": [{"name": "org_apache_mesos_bar",
//	                             "parameters": [{"key": "X", "value": "Y"}]}]}]}
//
// Our additions, all optional:
//
//   - on a library: "runtime" (builtin, plugin or wasm; inferred when
//     absent: no file is builtin, a .wasm file is wasm, an executable file
//     is plugin), "sha256" (hex; the file must match before it is loaded),
//     "args" and "env" (plugin only: the subprocess's arguments and
//     KEY=value environment), "grants" (wasm only: capabilities opened to
//     the guest, none by default);
//   - on a module: "kind" (checked against the kind the module declares);
//   - on either (a module's value wins): "call_timeout" (a Mesos duration,
//     "5secs"; the deadline of each call) and "memory_limit_pages" (wasm
//     only: the guest's memory limit in 64 KiB pages).
//
// Unknown fields are errors, not ignored: a misspelt "sha256" must not
// silently turn the checksum off. Every error names where the manifest
// came from, the library and the module, and wraps a reason that
// errors.Is can test (ErrSyntax, ErrInvalid, modules.ErrUnknownKind,
// modules.ErrFileMissing, modules.ErrDuplicate).
//
// --modules takes the manifest inline, as a path or as a file:// path
// (ReadFlag); --modules_dir names a directory whose files are each a
// manifest, read in alphabetical order (ReadDir). Two modules of one name
// must be identical (same library, kind, runtime, file and parameters), in
// which case the second is dropped, as Mesos does; otherwise it is an
// error. Relative file paths are relative to the daemon's working
// directory, as Mesos's dlopen() has them.
package manifest
