package wasm

// sliceMemory is a linear memory in a Go slice, grown by copying, as
// wazero's own: the fallback where a mapping is not available.
type sliceMemory struct{ buf []byte }

func (m *sliceMemory) Reallocate(size uint64) []byte {
	if size > uint64(cap(m.buf)) {
		grown := make([]byte, size, max(size, uint64(cap(m.buf))*5/4))
		copy(grown, m.buf)
		m.buf = grown
	}
	m.buf = m.buf[:size]
	return m.buf
}

func (m *sliceMemory) Free() { m.buf = nil }
