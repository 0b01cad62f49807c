// Package mesosgo tries our master and agent with a third-party Mesos
// client, as a new user would: github.com/mesos/mesos-go v0.0.11, the Go v1
// HTTP scheduler and executor library for Apache Mesos 1.x, fetched from the
// Go module proxy.
//
// It is a separate module (its own go.mod) so that the product's go.mod
// never gains mesos-go or its 2019-era dependencies (gogo/protobuf,
// ffjson, prometheus client_golang v0.9); the root `go test ./...` does not
// descend into it. `make test-mesosgo` runs it (and `make test` runs that).
//
// The tests build mesos-go's own example-scheduler and example-executor
// unmodified with `go build` (they are `tool` entries of go.mod), start
// bin/mesos-master and bin/mesos-agent (`make build`; the tests skip
// without them) on 127.0.0.1, run the example scheduler against them in
// both codecs, and drive a scheduler of our own written against mesos-go's
// api/v1/lib (httpsched caller): reconciliation, kill, reserve + create
// volume + launch on it, and scheduler failover. docs/COMPATIBILITY.md
// ("Tried with a third-party client") records what passed.
package mesosgo
