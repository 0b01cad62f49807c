package zk

import "github.com/go-zookeeper/zk"

// ACL is what Mesos puts on the znodes it creates: anyone may read and the
// creator may do anything when the client authenticates
// (EVERYONE_READ_CREATOR_ALL), anyone may do anything otherwise
// (ZOO_OPEN_ACL_UNSAFE).
func (u URL) ACL() []zk.ACL {
	if u.Auth == nil {
		return zk.WorldACL(zk.PermAll)
	}
	return []zk.ACL{
		{Perms: zk.PermRead, Scheme: "world", ID: "anyone"},
		{Perms: zk.PermAll, Scheme: "auth", ID: ""},
	}
}
