package plugin

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gomesos/mesos/modules"
)

// fileSHA256 is the hex SHA-256 of a file.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// verifyChecksum checks the file against the manifest's sha256, before
// every start of the process (a file replaced between restarts is
// caught too).
func verifyChecksum(path, want string) error {
	if want == "" {
		return nil
	}
	got, err := fileSHA256(path)
	if err != nil {
		return fmt.Errorf("%w: %v", modules.ErrFileMissing, err)
	}
	if !strings.EqualFold(got, strings.TrimSpace(want)) {
		return fmt.Errorf("%w: %s has sha256 %s, the manifest says %s", modules.ErrChecksum, path, got, want)
	}
	return nil
}

// executable resolves the plugin's file to an absolute path of an
// executable regular file.
func executable(file string) (string, error) {
	if file == "" {
		return "", fmt.Errorf("%w: no plugin executable named", modules.ErrFileMissing)
	}
	path, err := absPath(file)
	if err != nil {
		return "", fmt.Errorf("%w: %v", modules.ErrFileMissing, err)
	}
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return "", fmt.Errorf("%w: %v", modules.ErrFileMissing, err)
	case !fi.Mode().IsRegular():
		return "", fmt.Errorf("%w: %s is not a regular file", modules.ErrFileMissing, path)
	case fi.Mode().Perm()&0o111 == 0:
		return "", fmt.Errorf("%s is not executable", path)
	}
	return path, nil
}
