// Package zk is the ZooKeeper support shared by the master contender, the
// master detector and the registry store: the --zk URL, a client that keeps
// a ZooKeeper session (over github.com/go-zookeeper/zk) and reports when it
// is lost, and the znode layout Mesos uses for its masters.
//
// # URL
//
// ParseURL reads Mesos's zk://[user:pass@]host1:port1,host2:port2/path
// (Mesos's zookeeper::URL): the credentials are for ZooKeeper's digest
// scheme, a server without a port gets 2181, and the path is where the
// masters' znodes live (/ when absent, a trailing / dropped).
//
// # Sessions
//
// A Client connects to the ensemble and hands out Sessions. A Session is
// one ZooKeeper session: its ephemeral znodes live exactly as long as it
// does, and its Done channel is closed when it ends. It ends when the
// server expires it, when the client closes, or, as in Mesos's
// zookeeper::Group, when the client has been disconnected for longer than
// the session timeout: ZooKeeper only reports an expiry after reconnecting,
// which during a partition may be much later than the expiry itself, so
// the client gives the session up locally and starts a new one. A master
// whose session ends has lost its candidacy. With credentials, the client
// authenticates with the digest scheme before a session is handed out, and
// ACL gives the ACL Mesos puts on what it creates: world-readable and
// creator-all when authenticated, open otherwise.
//
// # Layout
//
// Under the URL's path each master has an ephemeral sequential znode
// json.info_<10-digit sequence> holding its MasterInfo in Mesos's JSON
// dialect; the lowest sequence leads. Older Mesos masters wrote info_<seq>
// (binary MasterInfo) or a bare <seq> (the master's UPID); Members,
// LeaderOf and DecodeMasterInfo understand all three. Children whose names
// have no sequence (the registry's znode, for one) are not members.
package zk
