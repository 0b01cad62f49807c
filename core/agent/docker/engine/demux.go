package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// maxFrame bounds one frame of a multiplexed stream (the daemon writes
// frames of at most a few tens of KiB).
const maxFrame = 16 << 20

// Demux splits the daemon's multiplexed stream of a container without a
// TTY (logs, attach): frames of an 8-byte header — the stream (0 stdin,
// 1 stdout, 2 stderr), three zero bytes, the payload's length (big
// endian) — each followed by its payload. It returns nil at the end of
// the stream.
func Demux(r io.Reader, stdout, stderr io.Writer) error {
	var header [8]byte
	buf := make([]byte, 32<<10)
	for {
		if _, err := io.ReadFull(r, header[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("read a frame header: %w", err)
		}
		var w io.Writer
		switch header[0] {
		case 0, 1:
			w = stdout
		case 2:
			w = stderr
		default:
			return fmt.Errorf("frame of unknown stream %d", header[0])
		}
		n := binary.BigEndian.Uint32(header[4:])
		if n > maxFrame {
			return fmt.Errorf("frame of %d bytes is larger than %d", n, maxFrame)
		}
		for n > 0 {
			chunk := buf[:min(int(n), len(buf))]
			if _, err := io.ReadFull(r, chunk); err != nil {
				return fmt.Errorf("read a frame: %w", err)
			}
			if _, err := w.Write(chunk); err != nil {
				return fmt.Errorf("write a frame: %w", err)
			}
			n -= uint32(len(chunk))
		}
	}
}
