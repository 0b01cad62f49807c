// Package filesystem holds filesystem/shared: volumes of the shared host
// filesystem mounted into a container's view of it.
package filesystem

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// Shared is filesystem/shared. For each volume of the container's
// ContainerInfo it bind-mounts host_path over container_path in the
// container's own mount namespace: an absolute host_path must exist; a
// relative one is a directory of the sandbox, created with the mode and
// owner of container_path (so host_path "tmp", container_path "/tmp"
// gives the container a private /tmp). container_path must exist on the
// host and no volume may sit below another (or the sandbox). Read-only
// volumes are remounted read-only (Mesos ignores the mode here). Mounts
// vanish with the namespace, so there is nothing to clean up.
type Shared struct{ isolator.Nop }

var _ isolator.Isolator = (*Shared)(nil)

// NewShared returns filesystem/shared; it needs root.
func NewShared() (*Shared, error) {
	if os.Geteuid() != 0 {
		return nil, errors.New("filesystem/shared requires root privileges")
	}
	return &Shared{}, nil
}

func (s *Shared) Prepare(_ context.Context, req *isolator.PrepareRequest) (*isolator.PrepareResponse, error) {
	cfg := req.GetConfig()
	info := cfg.GetContainerInfo()
	if info == nil {
		info = cfg.GetExecutorInfo().GetContainer()
	}
	if info == nil {
		return &isolator.PrepareResponse{}, nil
	}
	if info.GetType() != mesospb.ContainerInfo_MESOS {
		return nil, errors.New("can only prepare filesystem for a MESOS container")
	}
	sandbox := filepath.Clean(cfg.GetDirectory())
	taken := []string{sandbox}
	li := &isolator.ContainerLaunchInfo{CloneNamespaces: []int32{isolator.CloneNewNS}}
	for _, v := range info.GetVolumes() {
		target := v.GetContainerPath()
		if !filepath.IsAbs(target) {
			return nil, fmt.Errorf("volume container path '%s' must be absolute for shared filesystem isolator", target)
		}
		target = filepath.Clean(target)
		// The filesystem is shared: containers may not create paths outside
		// their sandbox.
		st, err := os.Stat(target)
		if err != nil {
			return nil, fmt.Errorf("volume with container path '%s' must exist on host for shared filesystem isolator", target)
		}
		if v.GetHostPath() == "" {
			return nil, fmt.Errorf("volume with container path '%s' must specify host path for shared filesystem isolator", target)
		}
		for _, other := range taken {
			if within(target, other) {
				return nil, fmt.Errorf("cannot mount volume to '%s' because it is under volume '%s'", target, other)
			}
			if within(other, target) {
				return nil, fmt.Errorf("cannot mount volume to '%s' because it is under volume '%s'", other, target)
			}
		}
		taken = append(taken, target)

		source := v.GetHostPath()
		if filepath.IsAbs(source) {
			if _, err := os.Stat(source); err != nil {
				return nil, fmt.Errorf("volume with container path '%s' must have host path '%s' present on host for shared filesystem isolator", target, source)
			}
		} else {
			source = filepath.Join(sandbox, source)
			if hasDotComponent(v.GetHostPath()) || !within(source, sandbox) {
				return nil, fmt.Errorf("relative host path '%s' cannot contain relative components", v.GetHostPath())
			}
			if err := makeLike(source, st); err != nil {
				return nil, fmt.Errorf("create host path '%s' for mount to '%s': %w", source, target, err)
			}
		}
		flags := isolator.MountBind
		if v.GetMode() == mesospb.Volume_RO {
			flags |= isolator.MountReadOnly
		}
		li.Mounts = append(li.Mounts, &isolator.ContainerMountInfo{Source: source, Target: target, Flags: flags})
	}
	return &isolator.PrepareResponse{LaunchInfo: li}, nil
}

// within reports whether path is dir or below it.
func within(path, dir string) bool {
	return path == dir || strings.HasPrefix(path, strings.TrimSuffix(dir, "/")+"/")
}

// makeLike creates dir with the permissions and owner of like: a bind
// mount shows the source's, and the container expects the target's.
func makeLike(dir string, like os.FileInfo) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.Chmod(dir, like.Mode().Perm()|like.Mode()&(os.ModeSticky|os.ModeSetuid|os.ModeSetgid)); err != nil {
		return err
	}
	if st, ok := like.Sys().(*syscall.Stat_t); ok {
		if err := os.Lchown(dir, int(st.Uid), int(st.Gid)); err != nil {
			return err
		}
	}
	return nil
}

// hasDotComponent reports "." or ".." among a path's components.
func hasDotComponent(p string) bool {
	for _, c := range strings.Split(p, "/") {
		if c == "." || c == ".." {
			return true
		}
	}
	return false
}
