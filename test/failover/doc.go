// Package failover measures a master failover the way an operator lives
// through one: three real mesos-master processes (bin/mesos-master, started
// with --zk, --quorum and --registry as in docs/DEPLOYMENT.md) elect a
// leader through a real ZooKeeper server (scripts/zookeeper), N simulated
// agents in the benchmark's process register with it over the master-agent
// protocol (core/proto/gomesos/v1/agentmaster.proto), and the leader is
// killed with SIGKILL. The benchmark reports how long the cluster is
// without a leader and how long until every agent has re-registered with
// the next one.
//
// It holds benchmarks only: go test -run='^$' -bench=Failover ./test/failover
// (docs/PERFORMANCE.md, "Master failover"). It skips, saying why, when
// bin/mesos-master is missing (make build) or ZooKeeper cannot be installed.
package failover
