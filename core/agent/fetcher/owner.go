package fetcher

import (
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"strconv"

	"github.com/gomesos/mesos/core/agent/sandbox"
)

// owner is the user a fetch works for.
type owner struct {
	name     string
	uid, gid int
	groups   []int // supplementary groups, for reading local files as the user
}

// lookupOwner validates the fetch's user: it must be one path component
// (cache directories are named after it) and exist on this host, as Mesos
// checks before fetching.
func lookupOwner(name string) (*owner, error) {
	if name == "" {
		return nil, nil
	}
	if err := sandbox.ValidateID(name); err != nil {
		return nil, fmt.Errorf("invalid user '%s': %w", printable(name), err)
	}
	uid, gid, err := sandbox.LookupUser(name)
	if err != nil {
		return nil, err
	}
	groups, err := supplementaryGroups(name, gid)
	if err != nil {
		return nil, err
	}
	return &owner{name: name, uid: uid, gid: gid, groups: groups}, nil
}

// supplementaryGroups are the user's groups (initgroups's list): its
// primary group and those naming it as a member.
func supplementaryGroups(name string, primary int) ([]int, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("user '%s': %w", name, err)
	}
	ids, err := u.GroupIds()
	if err != nil {
		return nil, fmt.Errorf("groups of user '%s': %w", name, err)
	}
	groups := []int{primary}
	for _, id := range ids {
		gid, err := strconv.Atoi(id)
		if err != nil {
			return nil, fmt.Errorf("user '%s' has a non-numeric group id %q", name, id)
		}
		if gid != primary {
			groups = append(groups, gid)
		}
	}
	return groups, nil
}

// chownSandbox gives everything in the sandbox to the user, as Mesos's
// recursive chown before running the fetcher as that user. Only root can
// give files away; an agent running as another user leaves them as they
// are (they are its own).
func chownSandbox(root *os.Root, o *owner) error {
	if o == nil || os.Geteuid() != 0 {
		return nil
	}
	return fs.WalkDir(root.FS(), ".", func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := root.Lchown(p, o.uid, o.gid); err != nil {
			return fmt.Errorf("chown '%s' to user '%s': %w", p, o.name, err)
		}
		return nil
	})
}
