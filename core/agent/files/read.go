package files

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
)

// Read reads up to length bytes at offset from a file (Mesos's read,
// behind /files/read and READ_FILE) and returns the file's size with the
// data. A negative length means "to the end"; reads are capped at
// MaxReadLength; an offset at or past the end, or a zero length, reads
// nothing. Directories cannot be read.
func (f *Files) Read(ctx context.Context, path string, offset, length int64) (size int64, data []byte, err error) {
	if offset < 0 {
		return 0, nil, newError(Invalid, "negative offset provided: %d", offset)
	}
	t, err := f.lookup(ctx, path)
	if err != nil {
		return 0, nil, err
	}
	file, st, err := openTarget(t)
	if err != nil {
		return 0, nil, err
	}
	defer file.Close()
	if st.IsDir() {
		return 0, nil, newError(Invalid, "Cannot read a directory")
	}
	size = st.Size()
	if offset >= size {
		return size, []byte{}, nil
	}
	if length < 0 || length > size-offset {
		length = size - offset
	}
	if length > f.maxRead {
		length = f.maxRead
	}
	if length == 0 {
		return size, []byte{}, nil
	}
	buf := make([]byte, length)
	n, err := file.ReadAt(buf, offset)
	if err != nil && !errors.Is(err, io.EOF) {
		return 0, nil, &Error{Kind: Unknown, Msg: "failed to read '" + printable(t.virtual) + "'", Err: err}
	}
	return size, buf[:n], nil
}

// Open opens a regular file for download (/files/download). The caller
// closes it.
func (f *Files) Open(ctx context.Context, path string) (*os.File, fs.FileInfo, error) {
	t, err := f.lookup(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	file, st, err := openTarget(t)
	if err != nil {
		return nil, nil, err
	}
	if st.IsDir() {
		file.Close()
		return nil, nil, newError(Invalid, "Cannot download a directory")
	}
	return file, st, nil
}
