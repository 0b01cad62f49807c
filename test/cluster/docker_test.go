package cluster

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	image     = "gomesos/mesos:latest"
	labelKey  = "org.gomesos.cluster"
	ownerKey  = labelKey + ".owner"
	roleKey   = labelKey + ".role"
	dockerCmd = 60 * time.Second // bound of one docker CLI call
)

type role string

const (
	roleZooKeeper role = "zookeeper"
	roleMaster    role = "master"
	roleAgent     role = "agent"
	roleProbe     role = "probe"
)

// node is one container of the cluster.
type node struct {
	name      string // hostname and network alias: zk1, master2, agent1
	container string // the container's name: gomesos-<cluster id>-<name>
	role      role
	port      int // the service's port
	ip        string
	connected bool // on the cluster's network (not cut off)
	killed    bool // killed on purpose (not a crash)
}

func (n *node) addr() string { return net.JoinHostPort(n.ip, strconv.Itoa(n.port)) }

// cluster is a private Docker network and the containers on it. Cleanup
// (registered by newCluster) removes them all, dumping their logs first
// when the test failed.
type cluster struct {
	t       *testing.T
	id      string
	network string
	subnet  string

	mu    sync.Mutex
	nodes []*node
}

// docker runs the docker CLI, bounded by timeout, and returns its stdout.
func docker(ctx context.Context, timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "docker", args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		what := "docker " + strings.Join(args, " ")
		if len(what) > 200 {
			what = what[:200] + "..."
		}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return "", fmt.Errorf("%s: no answer within %s", what, timeout)
		}
		return "", fmt.Errorf("%s: %v: %s", what, err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}

// newCluster creates the cluster's network. Docker chooses its subnet: a
// probe network gets one, which the real network then declares as its
// own, because only a network with a declared subnet lets a container
// reconnect with the address it had (docker network connect --ip).
func newCluster(ctx context.Context, t *testing.T) *cluster {
	t.Helper()
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, id: hex.EncodeToString(b)}
	c.network = "gomesos-" + c.id
	t.Cleanup(c.teardown)
	var lastErr error
	for attempt := 1; attempt <= 3; attempt++ {
		if err := c.createNetwork(ctx); err != nil {
			lastErr = err
			t.Logf("create network %s (attempt %d of 3): %v", c.network, attempt, err)
			continue
		}
		t.Logf("network %s on %s (cluster id %s)", c.network, c.subnet, c.id)
		return c
	}
	t.Fatalf("create the cluster network: %v", lastErr)
	return nil
}

func (c *cluster) labels() []string {
	host, _ := os.Hostname()
	return []string{
		"--label", labelKey + "=" + c.id,
		"--label", ownerKey + "=" + host + ":" + strconv.Itoa(os.Getpid()),
	}
}

func (c *cluster) createNetwork(ctx context.Context) error {
	probe := c.network + "-probe"
	args := append([]string{"network", "create", "--driver", "bridge"}, c.labels()...)
	if _, err := docker(ctx, dockerCmd, append(args, probe)...); err != nil {
		return err
	}
	subnet, err := docker(ctx, dockerCmd, "network", "inspect", "--format", "{{range .IPAM.Config}}{{.Subnet}} {{end}}", probe)
	if _, rmErr := docker(ctx, dockerCmd, "network", "rm", probe); rmErr != nil && err == nil {
		err = rmErr
	}
	if err != nil {
		return err
	}
	subnet = strings.Fields(subnet + " ")[0]
	if _, _, err := net.ParseCIDR(subnet); err != nil {
		return fmt.Errorf("docker gave the probe network no IPv4 subnet (%q)", subnet)
	}
	if _, err := docker(ctx, dockerCmd, append(args, "--subnet", subnet, c.network)...); err != nil {
		return err
	}
	c.subnet = subnet
	return nil
}

// start runs a container of the cluster's image (its entrypoint adds
// --ip=<address> to mesos-master and mesos-agent) and records its address.
func (c *cluster) start(ctx context.Context, name string, r role, port int, env map[string]string, cmd ...string) (*node, error) {
	n := &node{name: name, container: "gomesos-" + c.id + "-" + name, role: r, port: port}
	args := []string{"run", "--detach", "--init", "--name", n.container, "--hostname", name,
		"--network", c.network, "--network-alias", name, "--label", roleKey + "=" + string(r)}
	args = append(args, c.labels()...)
	for k, v := range env {
		args = append(args, "--env", k+"="+v)
	}
	args = append(args, image)
	args = append(args, cmd...)
	c.mu.Lock()
	c.nodes = append(c.nodes, n) // before run: cleanup removes even a half-started one
	c.mu.Unlock()
	if _, err := docker(ctx, dockerCmd, args...); err != nil {
		return nil, err
	}
	if err := c.refreshIP(ctx, n); err != nil {
		// A daemon that exits at once loses its address before we read
		// it: the waits that follow report why it exited.
		if st, serr := c.state(ctx, n); serr == nil && !st.running {
			c.t.Logf("started %s (%s), which exited at once (code %d): %s", name, r, st.exitCode, strings.Join(cmd, " "))
			return n, nil
		}
		return nil, err
	}
	c.t.Logf("started %s (%s) at %s: %s", name, r, n.ip, strings.Join(cmd, " "))
	return n, nil
}

func (c *cluster) refreshIP(ctx context.Context, n *node) error {
	ip, err := docker(ctx, dockerCmd, "inspect", "--format",
		fmt.Sprintf("{{with index .NetworkSettings.Networks %q}}{{.IPAddress}}{{end}}", c.network), n.container)
	if err != nil {
		return err
	}
	if net.ParseIP(ip) == nil {
		return fmt.Errorf("%s has no address on %s (%q)", n.name, c.network, ip)
	}
	c.mu.Lock()
	n.ip, n.connected = ip, true
	c.mu.Unlock()
	return nil
}

// containerState is what docker says of a container.
type containerState struct {
	running  bool
	status   string // running, exited, ...
	exitCode int
}

func (c *cluster) state(ctx context.Context, n *node) (containerState, error) {
	out, err := docker(ctx, dockerCmd, "inspect", "--format", "{{.State.Status}} {{.State.Running}} {{.State.ExitCode}}", n.container)
	if err != nil {
		return containerState{}, err
	}
	f := strings.Fields(out)
	if len(f) != 3 {
		return containerState{}, fmt.Errorf("docker inspect %s: unexpected %q", n.container, out)
	}
	code, _ := strconv.Atoi(f[2])
	return containerState{status: f[0], running: f[1] == "true", exitCode: code}, nil
}

// logs is the container's output (stdout and stderr), its last tail lines
// (all when tail <= 0).
func (c *cluster) logs(ctx context.Context, n *node, tail int) string {
	ctx, cancel := context.WithTimeout(ctx, dockerCmd)
	defer cancel()
	args := []string{"logs"}
	if tail > 0 {
		args = append(args, "--tail", strconv.Itoa(tail))
	}
	cmd := exec.CommandContext(ctx, "docker", append(args, n.container)...)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Sprintf("%s(docker logs: %v)", out, err)
	}
	return string(out)
}

// kill stops a container at once (SIGKILL), as a host that loses power.
func (c *cluster) kill(ctx context.Context, n *node) error {
	if _, err := docker(ctx, dockerCmd, "kill", n.container); err != nil {
		return err
	}
	c.mu.Lock()
	n.killed = true
	c.mu.Unlock()
	c.t.Logf("killed %s (%s)", n.name, n.ip)
	return nil
}

// restart starts a stopped container again (same command, same data).
func (c *cluster) restart(ctx context.Context, n *node) error {
	if _, err := docker(ctx, dockerCmd, "start", n.container); err != nil {
		return err
	}
	c.mu.Lock()
	n.killed = false
	c.mu.Unlock()
	if err := c.refreshIP(ctx, n); err != nil {
		return err
	}
	c.t.Logf("restarted %s at %s", n.name, n.ip)
	return nil
}

// disconnect cuts a container off the network: its interface goes away,
// nothing reaches it and it reaches nothing, but it runs on.
func (c *cluster) disconnect(ctx context.Context, n *node) error {
	if _, err := docker(ctx, dockerCmd, "network", "disconnect", c.network, n.container); err != nil {
		return err
	}
	c.mu.Lock()
	n.connected = false
	c.mu.Unlock()
	c.t.Logf("disconnected %s (%s) from %s", n.name, n.ip, c.network)
	return nil
}

// reconnect puts a container back on the network with the address and
// alias it had.
func (c *cluster) reconnect(ctx context.Context, n *node) error {
	if _, err := docker(ctx, dockerCmd, "network", "connect", "--ip", n.ip, "--alias", n.name, c.network, n.container); err != nil {
		return err
	}
	c.mu.Lock()
	n.connected = true
	c.mu.Unlock()
	c.t.Logf("reconnected %s (%s) to %s", n.name, n.ip, c.network)
	return nil
}

func (c *cluster) byRole(r role) []*node {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*node
	for _, n := range c.nodes {
		if n.role == r {
			out = append(out, n)
		}
	}
	return out
}

// lookup finds a node by its name or address (as in a redirect's Location
// or a pid). An address that Docker gave again after its container stopped
// names the one that runs.
func (c *cluster) lookup(host string) *node {
	c.mu.Lock()
	defer c.mu.Unlock()
	var byIP *node
	for _, n := range c.nodes {
		if n.name == host {
			return n
		}
		if n.ip == host && (byIP == nil || byIP.killed) {
			byIP = n
		}
	}
	return byIP
}

// teardown removes every container and the network, even when the test
// failed; then it first logs the end of every container's log (and writes
// the whole logs to GOMESOS_CLUSTER_LOG_DIR when set). GOMESOS_CLUSTER_KEEP=1
// keeps a failed test's cluster for a look.
func (c *cluster) teardown() {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c.mu.Lock()
	nodes := append([]*node(nil), c.nodes...)
	c.mu.Unlock()
	if c.t.Failed() {
		dir := os.Getenv(envLogDir)
		if dir != "" {
			dir = filepath.Join(dir, c.t.Name()+"-"+c.id)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				c.t.Logf("log dir: %v", err)
				dir = ""
			}
		}
		for _, n := range nodes {
			st, err := c.state(ctx, n)
			desc := fmt.Sprintf("%s %d", st.status, st.exitCode)
			if err != nil {
				desc = err.Error()
			}
			tail := 60
			if n.role == roleZooKeeper {
				tail = 15 // chatty, and rarely the cause
			}
			c.t.Logf("---- %s (%s, %s): last %d lines ----\n%s", n.name, n.ip, desc, tail, c.logs(ctx, n, tail))
			if dir != "" {
				_ = os.WriteFile(filepath.Join(dir, n.name+".log"), []byte(c.logs(ctx, n, 0)), 0o644)
			}
		}
		if dir != "" {
			c.t.Logf("full container logs in %s", dir)
		}
		if os.Getenv(envKeep) == "1" {
			c.t.Logf("%s=1: containers and network %s kept; remove them with scripts/cluster/clean.sh", envKeep, c.network)
			return
		}
	}
	ids, err := docker(ctx, dockerCmd, "ps", "--all", "--quiet", "--filter", "label="+labelKey+"="+c.id)
	if err != nil {
		c.t.Errorf("cleanup: list containers: %v", err)
	} else if ids != "" {
		if _, err := docker(ctx, 2*time.Minute, append([]string{"rm", "--force", "--volumes"}, strings.Fields(ids)...)...); err != nil {
			c.t.Errorf("cleanup: %v", err)
		}
	}
	nets, err := docker(ctx, dockerCmd, "network", "ls", "--quiet", "--filter", "label="+labelKey+"="+c.id)
	if err != nil {
		c.t.Errorf("cleanup: list networks: %v", err)
	} else if nets != "" {
		if _, err := docker(ctx, dockerCmd, append([]string{"network", "rm"}, strings.Fields(nets)...)...); err != nil {
			c.t.Errorf("cleanup: %v", err)
		}
	}
}
