// Package checkpoint writes and reads what the agent persists under its
// meta directory so that a restarted agent finds its executors and tasks
// again (Mesos's src/slave/state.cpp): the agent's, frameworks',
// executors' and tasks' infos, the status update logs of the tasks, the
// sentinels of finished executors and the checkpointed resources.
//
// Every file but the update logs is written whole and atomically (a
// temporary file renamed over the old one), so a crash leaves the old or
// the new content, never a mix. Update logs are appended to, one record
// per update or acknowledgement, and synced before the append returns; a
// record cut short by a crash is dropped when the log is read again.
package checkpoint

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"google.golang.org/protobuf/proto"
)

const (
	dirPerm  = 0o755
	filePerm = 0o644
)

// Write checkpoints m (protobuf encoding) at path, creating the parent
// directories.
func Write(path string, m proto.Message) error {
	data, err := proto.MarshalOptions{AllowPartial: true}.Marshal(m)
	if err != nil {
		return fmt.Errorf("checkpoint %s: encode %s: %w", path, m.ProtoReflect().Descriptor().Name(), err)
	}
	return WriteBytes(path, data)
}

// Read reads a message Write checkpointed. A missing file is an error
// satisfying errors.Is(err, os.ErrNotExist).
func Read(path string, m proto.Message) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read checkpoint: %w", err)
	}
	if err := (proto.UnmarshalOptions{AllowPartial: true}).Unmarshal(data, m); err != nil {
		return fmt.Errorf("decode checkpoint %s: %w", path, err)
	}
	return nil
}

// WriteBytes writes data at path atomically and durably.
func WriteBytes(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, dirPerm); err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	var suffix [6]byte
	_, _ = rand.Read(suffix[:])
	tmp := filepath.Join(dir, "."+filepath.Base(path)+"."+hex.EncodeToString(suffix[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, filePerm)
	if err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return nil
}

// Touch creates an empty marker file (and its parents) if it is missing.
func Touch(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), dirPerm); err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, filePerm)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	return f.Close()
}

// exists reports whether path exists; other errors count as absent.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// isNotExist is errors.Is(err, os.ErrNotExist).
func isNotExist(err error) bool { return errors.Is(err, os.ErrNotExist) }
