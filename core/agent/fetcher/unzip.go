package fetcher

import (
	"archive/zip"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

// zip unpacks a zip archive.
func (x *extractor) zip(r io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return fmt.Errorf("zip: %w", err)
	}
	for _, f := range zr.File {
		if err := x.ctx.Err(); err != nil {
			return err
		}
		if err := x.zipEntry(f); err != nil {
			return err
		}
	}
	return nil
}

func (x *extractor) zipEntry(f *zip.File) error {
	// Zip tools on Windows may write '\' separators.
	name, err := cleanEntry(strings.ReplaceAll(f.Name, `\`, "/"))
	if err != nil {
		return err
	}
	mode := f.Mode()
	switch {
	case mode.IsDir():
		return x.mkdir(name, mode.Perm())
	case mode&fs.ModeSymlink != 0:
		target, err := x.zipLinkTarget(f)
		if err != nil {
			return err
		}
		if name == "." {
			return fmt.Errorf("%w: symlink entry names the destination itself", ErrUnsafeArchive)
		}
		return x.symlink(name, target)
	case mode.IsRegular():
		if name == "." {
			return fmt.Errorf("%w: file entry names the destination itself", ErrUnsafeArchive)
		}
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("zip entry '%s': %w", printable(name), err)
		}
		defer rc.Close()
		perm := mode.Perm()
		if perm == 0 {
			perm = sandboxFileMode // archives from tools that store no mode
		}
		if err := x.writeFile(name, rc, perm); err != nil {
			return err
		}
		x.setTime(name, f.Modified)
		return nil
	}
	x.log.Warn("Skipping archive entry of unsupported type", "entry", name, "mode", mode.String())
	return nil
}

// zipLinkTarget reads a symlink's target, stored as the entry's content.
func (x *extractor) zipLinkTarget(f *zip.File) (string, error) {
	rc, err := f.Open()
	if err != nil {
		return "", fmt.Errorf("zip entry '%s': %w", printable(f.Name), err)
	}
	defer rc.Close()
	const maxTarget = 4096 // PATH_MAX
	b, err := io.ReadAll(io.LimitReader(rc, maxTarget+1))
	if err != nil {
		return "", fmt.Errorf("zip entry '%s': %w", printable(f.Name), err)
	}
	if len(b) > maxTarget {
		return "", fmt.Errorf("%w: symlink '%s' has an overlong target", ErrUnsafeArchive, printable(f.Name))
	}
	return string(b), nil
}
