//go:build !unix

package wasm

import "github.com/tetratelabs/wazero/experimental"

// newMemoryAllocator returns nil: wazero's default linear memory, a Go
// slice grown by copying.
func newMemoryAllocator() experimental.MemoryAllocator { return nil }
