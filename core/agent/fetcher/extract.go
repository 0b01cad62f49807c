package fetcher

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// archiveKind is what a file name says about extraction.
type archiveKind int

const (
	notArchive archiveKind = iota
	isArchive              // tar (plain or compressed) or zip
	isGzip                 // a single gzipped file
)

// kindOf decides by file name, as the mesos-fetcher does: these suffixes
// are archives, a bare .gz is one compressed file, anything else is left
// as it is.
func kindOf(name string) archiveKind {
	for _, suffix := range []string{".tar", ".tgz", ".tar.gz", ".tbz2", ".tar.bz2", ".txz", ".tar.xz", ".zip"} {
		if strings.HasSuffix(name, suffix) {
			return isArchive
		}
	}
	if strings.HasSuffix(name, ".gz") {
		return isGzip
	}
	return notArchive
}

// ExtractOptions bound an extraction.
type ExtractOptions struct {
	// MaxExtractedSize bounds the bytes written; zero is no bound.
	MaxExtractedSize int64
	// XZ is the xz program; empty is "xz" from PATH.
	XZ string
	// Logger notes skipped entries; nil discards.
	Logger *slog.Logger
}

// ErrUnsafeArchive is wrapped when an archive tries to write outside its
// destination.
var ErrUnsafeArchive = errors.New("unsafe archive entry")

// Extract unpacks the file at src into the directory dest when name (the
// file's name in the sandbox) marks it as an archive, and reports whether
// it did. Archives are unpacked into dest; a bare .gz becomes
// dest/<name without .gz>.
func Extract(ctx context.Context, src, name, dest string, opts ExtractOptions) (bool, error) {
	root, err := os.OpenRoot(dest)
	if err != nil {
		return false, fmt.Errorf("open extraction directory: %w", err)
	}
	defer root.Close()
	return extractInto(ctx, root, func() (*os.File, error) { return os.Open(src) }, name, opts)
}

// extractInto unpacks the file open returns into root, if name says it is
// an archive.
func extractInto(ctx context.Context, root *os.Root, open func() (*os.File, error), name string, opts ExtractOptions) (bool, error) {
	kind := kindOf(name)
	if kind == notArchive {
		return false, nil
	}
	f, err := open()
	if err != nil {
		return true, fmt.Errorf("failed to extract archive '%s': %w", name, err)
	}
	defer f.Close()
	x := newExtractor(ctx, root, opts)
	if kind == isGzip {
		err = x.gunzipFile(f, strings.TrimSuffix(filepath.Base(name), ".gz"))
	} else {
		err = x.archiveFile(f)
	}
	if err != nil {
		return true, fmt.Errorf("failed to extract archive '%s': %w", name, err)
	}
	return true, nil
}

// extractor writes entries under root, within a byte budget.
type extractor struct {
	ctx    context.Context
	root   *os.Root
	left   int64 // bytes still allowed; negative is unlimited
	xz     string
	log    *slog.Logger
	budget bool
}

func newExtractor(ctx context.Context, root *os.Root, opts ExtractOptions) *extractor {
	x := &extractor{ctx: ctx, root: root, xz: opts.XZ, log: opts.Logger}
	if x.xz == "" {
		x.xz = "xz"
	}
	if x.log == nil {
		x.log = slog.New(slog.DiscardHandler)
	}
	if opts.MaxExtractedSize > 0 {
		x.left, x.budget = opts.MaxExtractedSize, true
	}
	return x
}

// Magic numbers of the formats, as libarchive detects them.
var (
	magicGzip  = []byte{0x1f, 0x8b}
	magicBzip2 = []byte("BZh")
	magicXZ    = []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}
	magicZip   = []byte("PK\x03\x04")
	magicZipE  = []byte("PK\x05\x06") // an empty zip
)

// archiveFile unpacks a tar (plain, gzip, bzip2 or xz) or zip, detected by
// content whatever the suffix said.
func (x *extractor) archiveFile(f *os.File) error {
	br := bufio.NewReader(f)
	head, _ := br.Peek(len(magicXZ))
	switch {
	case bytes.HasPrefix(head, magicZip), bytes.HasPrefix(head, magicZipE):
		st, err := f.Stat()
		if err != nil {
			return err
		}
		return x.zip(f, st.Size())
	case bytes.HasPrefix(head, magicGzip):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("decompress: %w", err)
		}
		defer zr.Close()
		return x.tar(zr)
	case bytes.HasPrefix(head, magicBzip2):
		return x.tar(bzip2.NewReader(br))
	case bytes.HasPrefix(head, magicXZ):
		return x.xzTar(br)
	}
	return x.tar(br)
}

// gunzipFile writes the decompressed file to name in the root.
func (x *extractor) gunzipFile(f *os.File, name string) error {
	if err := checkEntryName(name); err != nil {
		return err
	}
	zr, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return fmt.Errorf("decompress: %w", err)
	}
	defer zr.Close()
	return x.writeFile(name, zr, sandboxFileMode)
}

// errExtractTooLarge ends an extraction over its budget.
var errExtractTooLarge = errors.New("archive unpacks to more than the allowed size")

// budgeted counts written bytes against the budget.
type budgeted struct {
	x *extractor
	r io.Reader
}

func (b budgeted) Read(p []byte) (int, error) {
	if !b.x.budget {
		return b.r.Read(p)
	}
	if b.x.left < 0 {
		return 0, errExtractTooLarge
	}
	if int64(len(p)) > b.x.left+1 {
		p = p[:b.x.left+1]
	}
	n, err := b.r.Read(p)
	b.x.left -= int64(n)
	if b.x.left < 0 {
		return 0, errExtractTooLarge
	}
	return n, err
}
