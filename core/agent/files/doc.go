// Package files is Mesos's files API (src/files/files.cpp): a registry that
// attaches real directories and files under virtual paths (the agent
// attaches /slave/log, each sandbox under its real path and under
// /frameworks/<f>/executors/<e>/runs/latest), and the HTTP endpoints
// /files/browse, /files/read, /files/download and /files/debug (each also
// with .json) that serve them, plus the Go calls behind the operator API's
// LIST_FILES and READ_FILE.
//
// Every access is confined to the attached roots: a path with a ".."
// element is refused, and a path is resolved (symlinks followed) and must
// still lie inside the root it was found under, then opened through an
// os.Root so a symlink swapped in meanwhile cannot lead out either.
// Listings hide symlinks that point outside their root.
//
// Status codes follow Mesos: 400 for bad parameters (a missing path, an
// unparsable or negative offset or length, reading a directory), 404 for
// paths that are not attached or do not exist, 403 when the attachment's
// authorizer refuses. One deliberate difference: a path that escapes its
// root answers 403 (Mesos answers 400 "... is inaccessible").
package files
