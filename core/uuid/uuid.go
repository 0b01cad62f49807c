// Package uuid makes the random (version 4) UUIDs Mesos uses for master ids,
// stream ids and status update ids, in both its forms: the 16 raw bytes
// carried in protobuf `bytes` fields and the canonical 36-character text.
package uuid

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
)

// UUID is 16 bytes.
type UUID [16]byte

// New returns a random version 4 UUID.
func New() UUID {
	var u UUID
	// crypto/rand.Read never fails on supported platforms (it panics
	// itself if the kernel cannot supply randomness).
	_, _ = rand.Read(u[:])
	u[6] = (u[6] & 0x0f) | 0x40 // version 4
	u[8] = (u[8] & 0x3f) | 0x80 // RFC 4122 variant
	return u
}

// Bytes returns the raw 16 bytes, as protobuf `bytes` fields carry them.
func (u UUID) Bytes() []byte { return append([]byte(nil), u[:]...) }

// String returns the canonical form, e.g. 9b2f4a1c-3e5d-4f60-8a7b-1c2d3e4f5a6b.
func (u UUID) String() string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:36], u[10:16])
	return string(b[:])
}

// FromBytes reads raw bytes.
func FromBytes(b []byte) (UUID, error) {
	var u UUID
	if len(b) != len(u) {
		return u, fmt.Errorf("uuid: %d bytes, want %d", len(b), len(u))
	}
	copy(u[:], b)
	return u, nil
}

// Parse reads the canonical text form.
func Parse(s string) (UUID, error) {
	var u UUID
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, errors.New("uuid: malformed " + fmt.Sprintf("%q", s))
	}
	hexDigits := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:36]
	if _, err := hex.Decode(u[:], []byte(hexDigits)); err != nil {
		return u, fmt.Errorf("uuid: malformed %q: %w", s, err)
	}
	return u, nil
}
