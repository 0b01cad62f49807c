//go:build linux

package wasm

import "golang.org/x/sys/unix"

// mapNoReserve keeps a large mapping from counting against overcommit
// limits before its pages are used.
const mapNoReserve = unix.MAP_NORESERVE
