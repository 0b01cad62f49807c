package cluster

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"
)

const zkClientPort = 2181

// startZooKeeper starts an ensemble of n servers, zk1..zkn, each knowing
// the others by their network aliases (gomesos-zookeeper in the image
// writes zoo.cfg and myid).
func (c *cluster) startZooKeeper(ctx context.Context, n int) ([]*node, error) {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("zk%d", i+1)
	}
	var nodes []*node
	for i, name := range names {
		nd, err := c.start(ctx, name, roleZooKeeper, zkClientPort,
			map[string]string{"ZK_MYID": strconv.Itoa(i + 1), "ZK_SERVERS": strings.Join(names, ",")},
			"gomesos-zookeeper")
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, nd)
	}
	return nodes, nil
}

// zkConnect is the ensemble's connect string as the daemons see it.
func zkConnect(zks []*node) string {
	hosts := make([]string, len(zks))
	for i, z := range zks {
		hosts[i] = fmt.Sprintf("%s:%d", z.name, zkClientPort)
	}
	return strings.Join(hosts, ",")
}

// fourLetter sends a ZooKeeper four-letter word and returns the answer.
func fourLetter(ctx context.Context, addr, word string) (string, error) {
	d := net.Dialer{Timeout: 2 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := io.WriteString(conn, word); err != nil {
		return "", err
	}
	out, err := io.ReadAll(io.LimitReader(conn, 1<<20))
	if err != nil && len(out) == 0 {
		return "", err
	}
	return string(out), nil
}

// zkMode is a server's role ("leader", "follower", "standalone") from
// srvr, or an error saying why it has none (not serving, no quorum).
func zkMode(ctx context.Context, z *node) (string, error) {
	out, err := fourLetter(ctx, z.addr(), "srvr")
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(out, "\n") {
		if mode, ok := strings.CutPrefix(line, "Mode: "); ok {
			return strings.TrimSpace(mode), nil
		}
	}
	return "", fmt.Errorf("no Mode in srvr: %q", strings.TrimSpace(out))
}

// zkMntr is the leader's (or any server's) mntr as a map.
func zkMntr(ctx context.Context, z *node) (map[string]string, error) {
	out, err := fourLetter(ctx, z.addr(), "mntr")
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "\t"); ok {
			m[k] = v
		}
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("mntr: %q", strings.TrimSpace(out))
	}
	return m, nil
}

// waitQuorum waits until the given servers form a quorum: one leader, the
// others followers, the leader with all of them synced. It returns the
// leader.
func (c *cluster) waitQuorum(ctx context.Context, zks []*node, timeout time.Duration) (*node, time.Duration, error) {
	var leader *node
	took, err := waitFor(ctx, timeout, 500*time.Millisecond, "ZooKeeper quorum", func(ctx context.Context) (bool, string, error) {
		leader = nil
		var seen []string
		followers := 0
		for _, z := range zks {
			if st, err := c.state(ctx, z); err == nil && !st.running {
				return false, "", stop(fmt.Errorf("ZooKeeper server %s exited (code %d): %s", z.name, st.exitCode, lastLines(c.logs(ctx, z, 20), 5)))
			}
			mode, err := zkMode(ctx, z)
			if err != nil {
				seen = append(seen, z.name+": "+err.Error())
				continue
			}
			seen = append(seen, z.name+": "+mode)
			switch mode {
			case "leader":
				leader = z
			case "follower":
				followers++
			}
		}
		progress := strings.Join(seen, "; ")
		if leader == nil || followers != len(zks)-1 {
			return false, progress, nil
		}
		m, err := zkMntr(ctx, leader)
		if err != nil {
			return false, progress, err
		}
		if m["zk_synced_followers"] != strconv.Itoa(len(zks)-1) {
			return false, progress + "; synced followers " + m["zk_synced_followers"], nil
		}
		return true, progress, nil
	})
	return leader, took, err
}

// zkEphemerals lists the ephemeral znodes under prefix, read with the dump
// four-letter word (it lists them on the ensemble's leader).
func zkEphemerals(ctx context.Context, zks []*node, prefix string) ([]string, error) {
	set := map[string]bool{}
	var lastErr error
	answered := false
	for _, z := range zks {
		out, err := fourLetter(ctx, z.addr(), "dump")
		if err != nil {
			lastErr = err
			continue
		}
		answered = true
		for _, line := range strings.Split(out, "\n") {
			p := strings.TrimSpace(line)
			if strings.HasPrefix(p, prefix+"/") {
				set[p] = true
			}
		}
	}
	if !answered {
		return nil, lastErr
	}
	paths := make([]string, 0, len(set))
	for p := range set {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths, nil
}

// lastLines is the last n non-empty lines of s, joined with " | ".
func lastLines(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
