package sandbox

import (
	"fmt"
	"os/user"
	"strconv"
)

// LookupUser finds the numeric IDs of a user name on this host.
func LookupUser(name string) (uid, gid int, err error) {
	u, err := user.Lookup(name)
	if err != nil {
		return 0, 0, fmt.Errorf("user '%s': %w", name, err)
	}
	uid, err = strconv.Atoi(u.Uid)
	if err != nil {
		return 0, 0, fmt.Errorf("user '%s' has non-numeric uid %q", name, u.Uid)
	}
	gid, err = strconv.Atoi(u.Gid)
	if err != nil {
		return 0, 0, fmt.Errorf("user '%s' has non-numeric gid %q", name, u.Gid)
	}
	return uid, gid, nil
}
