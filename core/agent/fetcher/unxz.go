package fetcher

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os/exec"
)

// xzTar unpacks an xz-compressed tar. The standard library has no xz, so
// the "xz" program decompresses and this package still reads and checks
// the tar stream it produces; without xz the extraction fails saying so.
func (x *extractor) xzTar(compressed io.Reader) error {
	prog, err := exec.LookPath(x.xz)
	if err != nil {
		return fmt.Errorf("cannot decompress xz: the '%s' program is not available: %w", x.xz, err)
	}
	cmd := exec.CommandContext(x.ctx, prog, "-d", "-c")
	cmd.Stdin = compressed
	var stderr bytes.Buffer
	cmd.Stderr = &limitedBuffer{buf: &stderr, max: 4096}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("xz: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("xz: %w", err)
	}
	tarErr := x.tar(out)
	if tarErr != nil {
		// Stop xz rather than wait for it to write into a closed pipe.
		_ = cmd.Process.Kill()
	}
	// Drain what tar left (block padding) so xz can finish, but not an
	// endless stream after the archive's end.
	const maxTrailing = 1 << 20
	if n, _ := io.CopyN(io.Discard, out, maxTrailing); n == maxTrailing {
		_ = cmd.Process.Kill()
		_, _ = io.Copy(io.Discard, out)
	}
	waitErr := cmd.Wait()
	if tarErr != nil {
		return tarErr
	}
	if waitErr != nil {
		var exit *exec.ExitError
		if errors.As(waitErr, &exit) && stderr.Len() > 0 {
			return fmt.Errorf("xz failed: %s", bytes.TrimSpace(stderr.Bytes()))
		}
		return fmt.Errorf("xz: %w", waitErr)
	}
	return nil
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	buf *bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); room > 0 {
		if len(p) > room {
			b.buf.Write(p[:room])
		} else {
			b.buf.Write(p)
		}
	}
	return len(p), nil
}
