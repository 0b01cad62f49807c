package zkstore

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
)

// encode compresses data when that makes it smaller.
func encode(data []byte) (stored []byte, encoding string, err error) {
	if len(data) < 256 {
		return data, encodingIdentity, nil
	}
	var buf bytes.Buffer
	buf.Grow(len(data) / 4)
	w, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		return nil, "", err
	}
	if _, err := w.Write(data); err != nil {
		return nil, "", fmt.Errorf("compressing registry: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, "", fmt.Errorf("compressing registry: %w", err)
	}
	if buf.Len() >= len(data) {
		return data, encodingIdentity, nil
	}
	return buf.Bytes(), encodingGzip, nil
}

// decode undoes encode and checks the result against the header.
func decode(h header, stored []byte) ([]byte, error) {
	if len(stored) != h.Stored {
		return nil, fmt.Errorf("stored registry is %d bytes, header says %d", len(stored), h.Stored)
	}
	data := stored
	if h.Encoding == encodingGzip {
		r, err := gzip.NewReader(bytes.NewReader(stored))
		if err != nil {
			return nil, fmt.Errorf("decompressing registry: %w", err)
		}
		// Never more than the header promises (and one byte to notice).
		data, err = io.ReadAll(io.LimitReader(r, int64(h.Size)+1))
		if err != nil {
			return nil, fmt.Errorf("decompressing registry: %w", err)
		}
	}
	if len(data) != h.Size {
		return nil, fmt.Errorf("registry is %d bytes, header says %d", len(data), h.Size)
	}
	if checksum(data) != h.SHA256 {
		return nil, fmt.Errorf("registry checksum mismatch")
	}
	return data, nil
}

func checksum(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
