package containerizer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

const (
	containersDir = "containers"
	configFile    = "config"
)

// containerDir is the runtime directory of a container; nested containers
// live below their parent's.
func containerDir(runtimeDir string, id *mesospb.ContainerID) string {
	if id.GetParent() != nil {
		return filepath.Join(containerDir(runtimeDir, id.GetParent()), containersDir, id.GetValue())
	}
	return filepath.Join(runtimeDir, containersDir, id.GetValue())
}

// key names a container in maps and logs as Mesos prints it: the values
// of its ancestors and itself joined with dots.
func key(id *mesospb.ContainerID) string {
	if id.GetParent() != nil {
		return key(id.GetParent()) + "." + id.GetValue()
	}
	return id.GetValue()
}

// validateID rejects ids that cannot name a directory.
func validateID(id *mesospb.ContainerID) error {
	for ; id != nil; id = id.GetParent() {
		v := id.GetValue()
		if v == "" || v == "." || v == ".." || strings.ContainsAny(v, "/\x00") {
			return fmt.Errorf("invalid container id %q", v)
		}
	}
	return nil
}

// listContainers finds every container checkpointed under runtimeDir,
// parents before their children.
func listContainers(runtimeDir string) ([]*mesospb.ContainerID, error) {
	var out []*mesospb.ContainerID
	var walk func(dir string, parent *mesospb.ContainerID) error
	walk = func(dir string, parent *mesospb.ContainerID) error {
		entries, err := os.ReadDir(filepath.Join(dir, containersDir))
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("list containers: %w", err)
		}
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			id := &mesospb.ContainerID{Value: proto.String(e.Name()), Parent: parent}
			out = append(out, id)
			if err := walk(filepath.Join(dir, containersDir, e.Name()), id); err != nil {
				return err
			}
		}
		return nil
	}
	return out, walk(runtimeDir, nil)
}

func writeConfig(dir string, cfg *isolator.ContainerConfig) error {
	data, err := proto.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("encode container config: %w", err)
	}
	path := filepath.Join(dir, configFile)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("checkpoint container config: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("checkpoint container config: %w", err)
	}
	return nil
}

// readConfig returns nil, nil when no config was checkpointed.
func readConfig(dir string) (*isolator.ContainerConfig, error) {
	data, err := os.ReadFile(filepath.Join(dir, configFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read container config: %w", err)
	}
	var cfg isolator.ContainerConfig
	if err := proto.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("decode container config %s: %w", filepath.Join(dir, configFile), err)
	}
	return &cfg, nil
}
