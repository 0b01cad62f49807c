// Package zkstore is a registry.Store kept in ZooKeeper, for masters that
// run with --zk: the registry survives any one master, and ZooKeeper's
// majority makes each write durable (ZooKeeper answers once a majority of
// its servers has it; Mesos's --quorum plays that part for its replicated
// log and is checked with zk.CheckQuorum).
//
// # Layout
//
// The registry lives at one znode, <zk path>/registry by default (a child
// that Mesos tools skip: its name has no sequence number). Its content is a
// header, then the registry itself when it fits:
//
//	gomesos-registry/1\n
//	{"version":7,"encoding":"gzip","size":9437184,"sha256":"...","stored":1830211,"write":"w3f9c...","chunks":3}\n
//	<stored bytes, when not chunked>
//
// The registry is gzip-compressed when that makes it smaller. A registry
// that is still larger than one chunk (768 KiB, under ZooKeeper's 1 MB
// jute.maxbuffer) is written in chunks, children <write>-00000,
// <write>-00001, ... of the registry's znode, named after the write. A
// write stores its chunks first and then commits, in one multi-op
// transaction, the header (a compare-and-set on the znode's version)
// together with a check that every chunk still exists. Readers see the
// old registry or the new one, never a mix. After committing, the writer
// deletes the chunks of earlier writes: those created before its commit
// (older zxid), so a concurrent writer's chunks are only deleted when that
// writer read a stale version and could not commit anyway. One
// transaction cannot carry the chunks themselves: ZooKeeper bounds a whole
// request, multi included, by jute.maxbuffer.
//
// # Versions
//
// The registry's version is the znode's data version: the znode is created
// empty (version 0, nothing stored) and each write sets it at the version
// the writer read, so ZooKeeper refuses a stale writer (ErrConflict). The
// header repeats the version; a mismatch means someone else wrote the
// znode and is reported as corruption, as is a checksum mismatch.
package zkstore
