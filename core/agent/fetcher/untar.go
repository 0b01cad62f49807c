package fetcher

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// tarTypeRegA is the pre-POSIX type of regular files.
const tarTypeRegA = '\x00'

// tar unpacks a tar stream entry by entry; an unsafe entry stops it.
func (x *extractor) tar(r io.Reader) error {
	tr := tar.NewReader(r)
	for {
		if err := x.ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read archive header: %w", err)
		}
		if err := x.tarEntry(tr, hdr); err != nil {
			return err
		}
	}
}

func (x *extractor) tarEntry(tr *tar.Reader, hdr *tar.Header) error {
	name, err := cleanEntry(hdr.Name)
	if err != nil {
		return err
	}
	mode := fs.FileMode(hdr.Mode).Perm()
	switch hdr.Typeflag {
	case tar.TypeDir:
		return x.mkdir(name, mode)
	case tar.TypeReg, tarTypeRegA:
		if name == "." {
			return fmt.Errorf("%w: file entry names the destination itself", ErrUnsafeArchive)
		}
		if err := x.writeFile(name, tr, mode); err != nil {
			return err
		}
		x.setTime(name, hdr.ModTime)
		return nil
	case tar.TypeSymlink:
		if name == "." {
			return fmt.Errorf("%w: symlink entry names the destination itself", ErrUnsafeArchive)
		}
		return x.symlink(name, hdr.Linkname)
	case tar.TypeLink:
		if name == "." {
			return fmt.Errorf("%w: link entry names the destination itself", ErrUnsafeArchive)
		}
		return x.hardlink(name, hdr.Linkname)
	}
	// Devices, FIFOs and anything unknown: nothing a sandbox needs, and
	// device nodes would be a way out.
	x.log.Warn("Skipping archive entry of unsupported type", "entry", name, "type", string(rune(hdr.Typeflag)))
	return nil
}
