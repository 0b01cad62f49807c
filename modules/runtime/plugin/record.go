package plugin

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/gomesos/mesos/modules"
)

// record is what a daemon leaves for the next one to reattach to a
// detached plugin process. It holds the host's TLS key: it is written
// 0600 in a 0700 directory.
type record struct {
	Format     int       `json:"format"`
	Library    string    `json:"library"`
	Module     string    `json:"module"`
	Kind       string    `json:"kind"`
	File       string    `json:"file"`
	SHA256     string    `json:"sha256"`
	PID        int       `json:"pid"`
	Network    string    `json:"network"`
	Address    string    `json:"address"`
	APIVersion int       `json:"api_version"`
	ClientCert string    `json:"client_cert"`
	ClientKey  string    `json:"client_key"`
	ServerCert []byte    `json:"server_cert"`
	Started    time.Time `json:"started"`
}

const recordFormat = 1

// detachPaths are a detached module's files under Options.StateDir.
type detachPaths struct {
	record, sockets, log string
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func newDetachPaths(stateDir string, spec modules.Spec) (detachPaths, error) {
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return detachPaths{}, err
	}
	sum := sha256.Sum256([]byte(spec.Library + "\x00" + spec.Name))
	base := unsafeChars.ReplaceAllString(spec.Name, "_") + "-" + hex.EncodeToString(sum[:4])
	p := detachPaths{
		record:  filepath.Join(stateDir, "plugin-"+base+".json"),
		sockets: socketDir(stateDir),
		log:     filepath.Join(stateDir, "plugin-"+base+".log"),
	}
	if err := os.MkdirAll(p.sockets, 0o700); err != nil {
		return detachPaths{}, err
	}
	return p, nil
}

// maxSocketDirLen keeps a detached plugin's socket path under the 108-byte
// limit of a Unix socket address: go-plugin names each socket "plugin"
// followed by up to 20 random digits in the directory it is given.
const maxSocketDirLen = 80

// socketDir is where a detached plugin's socket goes: beside its record
// when that path is short enough, otherwise in a short directory of the
// temporary directory named after the state directory, so that it is the
// same one after an agent restart (reattach finds it through the record).
func socketDir(stateDir string) string {
	dir := filepath.Join(stateDir, "sockets")
	if len(dir) <= maxSocketDirLen {
		return dir
	}
	sum := sha256.Sum256([]byte(stateDir))
	return filepath.Join(os.TempDir(), "gomesos-plugins-"+hex.EncodeToString(sum[:6]))
}

// readRecord returns nil when there is none.
func readRecord(path string) (*record, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var r record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("reattach record %s: %w", path, err)
	}
	if r.Format != recordFormat {
		return nil, fmt.Errorf("reattach record %s: format %d, want %d", path, r.Format, recordFormat)
	}
	return &r, nil
}

func writeRecord(path string, r *record) error {
	r.Format = recordFormat
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func removeRecord(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
