package cluster

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestImage checks the image the cluster runs: the static binaries start
// (--version) and the entrypoint gives the daemons the container's address.
func TestImage(t *testing.T) {
	requireCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for _, bin := range []string{"mesos-master", "mesos-agent", "mesos-local", "mesos-execute", "mesos"} {
		out, err := docker(ctx, dockerCmd, "run", "--rm", "--network", "none", image, bin, "--version")
		if err != nil {
			t.Errorf("%s --version in %s: %v", bin, image, err)
			continue
		}
		t.Logf("%s --version: %s", bin, lastLines(out, 1))
	}
	c := newCluster(ctx, t)
	// The entrypoint appends --ip=<address>; print the arguments instead
	// of running a daemon.
	n, err := c.start(ctx, "probe", roleProbe, 0, nil, "sh", "-c", `echo "GOMESOS_IP=$GOMESOS_IP"; sleep 600`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = waitFor(ctx, 30*time.Second, 200*time.Millisecond, "the entrypoint's address", func(ctx context.Context) (bool, string, error) {
		out := c.logs(ctx, n, 0)
		return strings.Contains(out, "GOMESOS_IP="+n.ip), out, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestZooKeeperEnsemble is the environment's smoke test: three ZooKeeper
// servers on the private network form a quorum, seen from the host through
// their container addresses; killing the leader leaves a quorum of two
// that elects a new one; a follower cut off the network drops out and,
// reconnected, syncs again; the restarted server rejoins.
func TestZooKeeperEnsemble(t *testing.T) {
	requireCluster(t)
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	c := newCluster(ctx, t)

	zks, err := c.startZooKeeper(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	leader, took, err := c.waitQuorum(ctx, zks, 2*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("quorum of 3 in %s, %s leads", took.Round(time.Millisecond), leader.name)
	for _, z := range zks {
		if out, err := fourLetter(ctx, z.addr(), "ruok"); err != nil || out != "imok" {
			t.Fatalf("ruok to %s: %q, %v", z.name, out, err)
		}
	}

	// The leader dies: the other two are still a majority.
	if err := c.kill(ctx, leader); err != nil {
		t.Fatal(err)
	}
	var rest []*node
	for _, z := range zks {
		if z != leader {
			rest = append(rest, z)
		}
	}
	newLeader, took, err := c.waitQuorum(ctx, rest, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("after killing %s: %s leads the remaining two, elected in %s", leader.name, newLeader.name, took.Round(time.Millisecond))

	// The old leader comes back and follows.
	if err := c.restart(ctx, leader); err != nil {
		t.Fatal(err)
	}
	if _, took, err = c.waitQuorum(ctx, zks, 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s restarted and rejoined in %s", leader.name, took.Round(time.Millisecond))

	// A follower is cut off: the host cannot reach it, the leader drops
	// it; reconnected with its address, it syncs again.
	var follower *node
	for _, z := range zks {
		if mode, err := zkMode(ctx, z); err == nil && mode == "follower" {
			follower = z
			break
		}
	}
	if follower == nil {
		t.Fatal("no follower")
	}
	if err := c.disconnect(ctx, follower); err != nil {
		t.Fatal(err)
	}
	took, err = waitFor(ctx, time.Minute, 500*time.Millisecond, "the leader to drop "+follower.name, func(ctx context.Context) (bool, string, error) {
		for _, z := range zks {
			if z == follower {
				continue
			}
			if mode, err := zkMode(ctx, z); err == nil && mode == "leader" {
				m, err := zkMntr(ctx, z)
				if err != nil {
					return false, "", err
				}
				return m["zk_synced_followers"] == "1", "synced followers " + m["zk_synced_followers"], nil
			}
		}
		return false, "no leader among the connected servers", nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the leader dropped %s %s after it was cut off", follower.name, took.Round(time.Millisecond))
	if _, err := zkMode(ctx, follower); err == nil {
		t.Fatalf("%s answers at %s while disconnected", follower.name, follower.addr())
	}
	if err := c.reconnect(ctx, follower); err != nil {
		t.Fatal(err)
	}
	if _, took, err = c.waitQuorum(ctx, zks, 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s cut off and reconnected: quorum of 3 again in %s", follower.name, took.Round(time.Millisecond))
	t.Logf("smoke test done in %s", time.Since(start).Round(time.Second))
}
