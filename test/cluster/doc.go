// Package cluster holds the multi-host tests: the project's own binaries as
// containers on a private Docker network (a ZooKeeper ensemble, three
// masters, two agents), where a test can kill a container or cut it off the
// network and watch the cluster recover.
//
// The tests run only when GOMESOS_CLUSTER=1 (make test-cluster sets it);
// otherwise they skip, so plain `go test ./...` needs no Docker (only
// TestDiagnosis, which checks the failure messages, runs everywhere). They build
// the images first with scripts/cluster/build-image.sh (no registry: a
// debootstrap rootfs imported with docker import, plus the static binaries).
//
// Environment:
//
//	GOMESOS_CLUSTER=1          run the tests
//	GOMESOS_CLUSTER_BUILD=0    use the images as they are (no build)
//	GOMESOS_CLUSTER_KEEP=1     leave the containers of a failed test running
//	GOMESOS_CLUSTER_LOG_DIR    write every container's full log there on failure
//
// Everything the tests create carries the label org.gomesos.cluster;
// scripts/cluster/clean.sh removes what a killed run left behind.
package cluster
