package registry

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
)

// The registry file: a fixed 32-byte header, then the encoded registry.
//
//	offset size
//	     0    8  magic "GMREGSTR"
//	     8    4  format version, big-endian (1)
//	    12    8  store version, big-endian (>= 1)
//	    20    8  payload length, big-endian
//	    28    4  CRC-32C (Castagnoli) of bytes 8..27 and the payload
//	    32    n  payload: a protobuf-encoded gomesos.v1.Registry
//
// The file must be exactly 32+n bytes: a short file is truncated, a longer
// one has trailing garbage; both are corrupt.
const (
	fileMagic         = "GMREGSTR"
	fileFormatVersion = 1
	fileHeaderSize    = 32
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// encodeFileHeader returns the header for payload stored as version.
func encodeFileHeader(version Version, payload []byte) []byte {
	h := make([]byte, fileHeaderSize)
	copy(h, fileMagic)
	binary.BigEndian.PutUint32(h[8:], fileFormatVersion)
	binary.BigEndian.PutUint64(h[12:], uint64(version))
	binary.BigEndian.PutUint64(h[20:], uint64(len(payload)))
	sum := crc32.Update(crc32.Checksum(h[8:28], castagnoli), castagnoli, payload)
	binary.BigEndian.PutUint32(h[28:], sum)
	return h
}

// decodeFile checks a whole registry file and returns its version and
// payload (a subslice of data). Every defect is an error wrapping ErrCorrupt
// that says what is wrong.
func decodeFile(data []byte) (Version, []byte, error) {
	if len(data) < fileHeaderSize {
		return 0, nil, fmt.Errorf("%w: truncated: %d bytes, shorter than the %d-byte header", ErrCorrupt, len(data), fileHeaderSize)
	}
	if string(data[:8]) != fileMagic {
		return 0, nil, fmt.Errorf("%w: not a registry file (magic %q, want %q)", ErrCorrupt, data[:8], fileMagic)
	}
	if f := binary.BigEndian.Uint32(data[8:]); f != fileFormatVersion {
		return 0, nil, fmt.Errorf("%w: unsupported file format version %d (this release reads %d)", ErrCorrupt, f, fileFormatVersion)
	}
	version := Version(binary.BigEndian.Uint64(data[12:]))
	if version == 0 {
		return 0, nil, fmt.Errorf("%w: stored version is 0", ErrCorrupt)
	}
	length := binary.BigEndian.Uint64(data[20:])
	have := uint64(len(data) - fileHeaderSize)
	switch {
	case length > have:
		return 0, nil, fmt.Errorf("%w: truncated: header announces %d payload bytes, file holds %d", ErrCorrupt, length, have)
	case length < have:
		return 0, nil, fmt.Errorf("%w: %d unexpected bytes after the %d-byte payload", ErrCorrupt, have-length, length)
	}
	payload := data[fileHeaderSize:]
	want := binary.BigEndian.Uint32(data[28:])
	got := crc32.Update(crc32.Checksum(data[8:28], castagnoli), castagnoli, payload)
	if got != want {
		return 0, nil, fmt.Errorf("%w: checksum mismatch (stored %08x, computed %08x)", ErrCorrupt, want, got)
	}
	return version, payload, nil
}
