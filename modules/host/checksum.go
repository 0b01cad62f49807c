package host

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/gomesos/mesos/modules"
)

// verifyFile checks that a library file exists and, when the manifest
// gives one, that its SHA-256 is sum. The runtime opens the file again
// afterwards: the check guards against the wrong file, not against one
// swapped in between (keep module files where only root writes).
func verifyFile(path, sum string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s does not exist", modules.ErrFileMissing, path)
	}
	if err != nil {
		return fmt.Errorf("opening module file: %w", err)
	}
	defer f.Close()
	if sum == "" {
		return nil
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("reading %s for its checksum: %w", path, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != strings.ToLower(sum) {
		return fmt.Errorf("%w: %s has sha256 %s, the manifest says %s", modules.ErrChecksum, path, got, strings.ToLower(sum))
	}
	return nil
}
