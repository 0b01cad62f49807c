package logger

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strconv"
	"sync"
)

// Rotator appends a stream to a file and rotates the file, as Mesos's
// mesos-logrotate-logger does with the logrotate program: before a write
// that would take the file past MaxSize, the file is rotated ("<file>" to
// "<file>.1", "<file>.1" to "<file>.2", ..., dropping the oldest beyond
// Options.Rotations) and a new one started. Data is taken a page at a
// time, as Mesos's logger reads its pipe, so a file never exceeds MaxSize
// and only writes larger than a page are split across files.
//
// Rotation runs in Go, not by running logrotate; a rotation that fails is
// logged and writing goes on in the current file, as in Mesos.
type Rotator struct {
	path    string
	maxSize int64
	opts    RotateOptions
	page    int
	log     *slog.Logger

	mu      sync.Mutex
	file    *os.File
	written int64
}

// NewRotator returns a rotator of the file at path. maxSize must be at
// least a page (os.Getpagesize). The file's current size counts towards
// maxSize.
func NewRotator(path string, maxSize int64, opts RotateOptions, log *slog.Logger) (*Rotator, error) {
	page := os.Getpagesize()
	if maxSize < int64(page) {
		return nil, fmt.Errorf("maximum log file size %d is less than a page (%d bytes)", maxSize, page)
	}
	r := &Rotator{path: path, maxSize: maxSize, opts: opts, page: page, log: log}
	if fi, err := os.Stat(path); err == nil {
		r.written = fi.Size()
	}
	return r, nil
}

// Write appends p, rotating as needed. It fails only when the file cannot
// be opened or written.
func (r *Rotator) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	total := 0
	for len(p) > 0 {
		piece := p[:min(len(p), r.page)]
		if r.written+int64(len(piece)) > r.maxSize {
			r.rotate()
		}
		if r.file == nil {
			f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
			if err != nil {
				return total, fmt.Errorf("open log file: %w", err)
			}
			r.file = f
		}
		n, err := r.file.Write(piece)
		total += n
		r.written += int64(n)
		if err != nil {
			return total, fmt.Errorf("write log file %s: %w", r.path, err)
		}
		p = p[len(piece):]
	}
	return total, nil
}

// Close closes the file; a later Write reopens it.
func (r *Rotator) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.file == nil {
		return nil
	}
	err := r.file.Close()
	r.file = nil
	return err
}

// RotatedName is the name of the n-th rotated file (n ≥ 1).
func (r *Rotator) RotatedName(n int) string {
	name := r.path + "." + strconv.Itoa(n)
	if r.opts.Compress && !(r.opts.DelayCompress && n == 1) {
		name += ".gz"
	}
	return name
}

// rotate moves the files along and starts a new one. Called with mu held.
func (r *Rotator) rotate() {
	if r.file != nil {
		if err := r.file.Close(); err != nil {
			r.log.Warn("container logger: closing log file for rotation", "file", r.path, "error", err)
		}
		r.file = nil
	}
	if err := r.shift(); err != nil {
		// As Mesos: carry on appending, counting from zero again.
		r.log.Warn("container logger: log rotation failed; appending to the current file", "file", r.path, "error", err)
	}
	r.written = 0
}

// shift renames <file>.N-1 to <file>.N, ..., <file> to <file>.1, dropping
// what falls off the end and compressing as configured.
func (r *Rotator) shift() error {
	if r.opts.Rotations == 0 {
		return ignoreMissing(os.Remove(r.path))
	}
	if err := ignoreMissing(os.Remove(r.RotatedName(r.opts.Rotations))); err != nil {
		return err
	}
	for n := r.opts.Rotations - 1; n >= 1; n-- {
		if err := r.move(r.RotatedName(n), r.RotatedName(n+1)); err != nil {
			return err
		}
	}
	return r.move(r.path, r.RotatedName(1))
}

// move renames src to dst, gzipping when dst is compressed and src is not.
// A missing src is not an error.
func (r *Rotator) move(src, dst string) error {
	if _, err := os.Stat(src); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if isGzip(dst) && !isGzip(src) {
		if err := gzipFile(src, dst); err != nil {
			return err
		}
		return os.Remove(src)
	}
	return os.Rename(src, dst)
}

func isGzip(name string) bool { return len(name) > 3 && name[len(name)-3:] == ".gz" }

func ignoreMissing(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// gzipFile writes src compressed to dst, through a temporary file so that
// dst is never half-written.
func gzipFile(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := dst + ".tmp"
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp)
		}
	}()
	zw := gzip.NewWriter(out)
	if _, err := io.Copy(zw, in); err != nil {
		_ = out.Close()
		return fmt.Errorf("compress %s: %w", src, err)
	}
	if err := zw.Close(); err != nil {
		_ = out.Close()
		return fmt.Errorf("compress %s: %w", src, err)
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}
