package master

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// LIST_FILES and READ_FILE see what Mesos's master attaches to its files
// process: its own log file, as the virtual path /master/log, when it logs
// to disk (--log_dir or --external_log_file). Any other path is not found.

// logVirtualPath is where Mesos attaches the master's log.
const logVirtualPath = "/master/log"

// Read sizes: Mesos reads 16 pages when no length is given; we also bound
// an explicit length so that one call cannot make the master buffer a
// whole large log.
const (
	defaultReadLength = 16 * 4096
	maxReadLength     = 16 << 20
)

// resolveFile maps a virtual path to the file it names ("" if none).
func (m *Master) resolveFile(p string) string {
	clean := path.Clean("/" + p)
	if m.cfg.LogFile != "" && clean == logVirtualPath {
		return m.cfg.LogFile
	}
	return ""
}

func fileNotFound(p string) error {
	return &callError{http.StatusNotFound, fmt.Sprintf("No file or directory found at path '%s'", p)}
}

// listFiles is LIST_FILES. The log is a file, and listing a file gives an
// empty list, as Mesos's browse does.
func (m *Master) listFiles(p string) ([]*mesospb.FileInfo, error) {
	file := m.resolveFile(p)
	if file == "" {
		return nil, fileNotFound(p)
	}
	if _, err := os.Stat(file); err != nil {
		return nil, fileNotFound(p)
	}
	return nil, nil
}

// readFile is READ_FILE: up to length bytes (-1: Mesos's default) from
// offset, and the file's size. Reading past the end gives no data.
func (m *Master) readFile(p string, offset uint64, length int64) (uint64, []byte, error) {
	file := m.resolveFile(p)
	if file == "" {
		return 0, nil, fileNotFound(p)
	}
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil, fileNotFound(p)
	}
	if err != nil {
		return 0, nil, &callError{http.StatusInternalServerError, fmt.Sprintf("Failed to open file '%s': %v", p, err)}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, nil, &callError{http.StatusInternalServerError, fmt.Sprintf("Failed to stat file '%s': %v", p, err)}
	}
	if st.IsDir() {
		return 0, nil, badRequest("Cannot read a directory")
	}
	size := uint64(st.Size())
	if offset >= size {
		return size, []byte{}, nil
	}
	if length < 0 {
		length = defaultReadLength
	}
	n := min(uint64(length), size-offset)
	data := make([]byte, n)
	read, err := f.ReadAt(data, int64(offset))
	if err != nil && !errors.Is(err, io.EOF) {
		return 0, nil, &callError{http.StatusInternalServerError, fmt.Sprintf("Failed to read file '%s': %v", p, err)}
	}
	return size, data[:read], nil
}
