package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

const (
	masterPort = 5050
	agentPort  = 5051
	zkPath     = "/mesos"
	quorum     = 2

	// Short timeouts, so that a failover or a partition plays out in
	// seconds: ZooKeeper notices a dead master after zkSessionTimeout, a
	// master marks a silent agent unreachable after
	// agentPingTimeout x maxAgentPingTimeouts (Mesos wants that longer
	// than the ZooKeeper session timeout).
	zkSessionTimeout     = "2secs"
	agentPingTimeout     = "1secs"
	maxAgentPingTimeouts = 3
	pingWindow           = 3 * time.Second // agentPingTimeout x maxAgentPingTimeouts

	// splitBrainLimit: several masters claiming the leadership for longer
	// than this (well past a ZooKeeper session timeout) do not contend.
	splitBrainLimit = 20 * time.Second
)

// zkURL is the daemons' --zk and --master value.
func zkURL(zks []*node) string { return "zk://" + zkConnect(zks) + zkPath }

// startMasters starts n masters, master1..n, electing a leader through
// ZooKeeper.
func (c *cluster) startMasters(ctx context.Context, n int, zks []*node) ([]*node, error) {
	var out []*node
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("master%d", i)
		nd, err := c.start(ctx, name, roleMaster, masterPort, nil,
			"mesos-master",
			"--zk="+zkURL(zks),
			"--quorum="+strconv.Itoa(quorum),
			"--work_dir=/var/lib/mesos/master",
			"--hostname="+name,
			"--port="+strconv.Itoa(masterPort),
			"--cluster=gomesos-cluster-test",
			"--zk_session_timeout="+zkSessionTimeout,
			"--agent_ping_timeout="+agentPingTimeout,
			"--max_agent_ping_timeouts="+strconv.Itoa(maxAgentPingTimeouts),
		)
		if err != nil {
			return nil, err
		}
		out = append(out, nd)
	}
	return out, nil
}

// startAgents starts n agents, agent1..n, finding the leader through
// ZooKeeper.
func (c *cluster) startAgents(ctx context.Context, n int, zks []*node) ([]*node, error) {
	var out []*node
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("agent%d", i)
		nd, err := c.start(ctx, name, roleAgent, agentPort, nil, agentCommand(name, zkURL(zks))...)
		if err != nil {
			return nil, err
		}
		out = append(out, nd)
	}
	return out, nil
}

// agentCommand runs an agent of the given master (zk://... or host:port).
// Agents run unprivileged with POSIX isolation only: no cgroups or
// namespaces of their own (Docker's cgroup hierarchy is read-only in an
// unprivileged container, and two privileged agents would share the
// host's cgroups_root); the container itself isolates them from the host.
func agentCommand(name, master string) []string {
	return []string{
		"mesos-agent",
		"--master=" + master,
		"--work_dir=/var/lib/mesos/agent",
		"--hostname=" + name,
		"--port=" + strconv.Itoa(agentPort),
		"--zk_session_timeout=" + zkSessionTimeout,
		"--isolation=posix/cpu,posix/mem",
		"--launcher=posix",
		"--no-switch_user",
		"--no-systemd_enable_support",
		"--registration_backoff_factor=500ms",
		"--resources=cpus:1;mem:512;disk:1024;ports:[31000-31099]",
	}
}

// httpClient reaches the containers from the host: a name of the cluster
// (master1, agent2, as in a redirect's Location) dials the container's
// address. Redirects are not followed: a 307 is an answer here.
func (c *cluster) httpClient(timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			DialContext:           c.dialContext,
			DisableKeepAlives:     true,
			ResponseHeaderTimeout: 10 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func (c *cluster) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if n := c.lookup(host); n != nil {
		c.mu.Lock()
		host, connected := n.ip, n.connected
		c.mu.Unlock()
		if !connected {
			return nil, fmt.Errorf("%s is cut off the network", n.name)
		}
		addr = net.JoinHostPort(host, port)
	}
	d := net.Dialer{Timeout: 3 * time.Second}
	return d.DialContext(ctx, network, addr)
}

// The parts of /master/state and the agent's /state the tests read.
type masterState struct {
	ID                string           `json:"id"`
	PID               string           `json:"pid"`
	Leader            string           `json:"leader"`
	Hostname          string           `json:"hostname"`
	ElectedTime       *float64         `json:"elected_time"`
	ActivatedSlaves   float64          `json:"activated_slaves"`
	UnreachableSlaves float64          `json:"unreachable_slaves"`
	Flags             map[string]any   `json:"flags"`
	Slaves            []agentEntry     `json:"slaves"`
	Frameworks        []frameworkEntry `json:"frameworks"`
}

type agentEntry struct {
	ID       string `json:"id"`
	Hostname string `json:"hostname"`
	PID      string `json:"pid"`
	Active   bool   `json:"active"`
}

type frameworkEntry struct {
	ID               string          `json:"id"`
	Name             string          `json:"name"`
	Active           bool            `json:"active"`
	Tasks            []taskEntry     `json:"tasks"`
	UnreachableTasks []taskEntry     `json:"unreachable_tasks"`
	CompletedTasks   []taskEntry     `json:"completed_tasks"`
	Executors        []executorEntry `json:"executors"` // agent's state
}

type executorEntry struct {
	ID             string      `json:"id"`
	Tasks          []taskEntry `json:"tasks"`
	QueuedTasks    []taskEntry `json:"queued_tasks"`
	CompletedTasks []taskEntry `json:"completed_tasks"`
}

type taskEntry struct {
	ID       string        `json:"id"`
	State    string        `json:"state"`
	SlaveID  string        `json:"slave_id"`
	Statuses []statusEntry `json:"statuses"`
}

type statusEntry struct {
	State     string  `json:"state"`
	Timestamp float64 `json:"timestamp"`
}

type agentState struct {
	ID         string           `json:"id"`
	Hostname   string           `json:"hostname"`
	Frameworks []frameworkEntry `json:"frameworks"`
}

// getJSON GETs a path of a node. A non-200 answer is returned as the
// status with a nil error and v untouched.
func (c *cluster) getJSON(ctx context.Context, n *node, path string, v any) (int, http.Header, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(n.name, strconv.Itoa(n.port))+path, nil)
	if err != nil {
		return 0, nil, err
	}
	resp, err := c.httpClient(10 * time.Second).Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return resp.StatusCode, resp.Header, err
	}
	if resp.StatusCode != http.StatusOK || v == nil {
		return resp.StatusCode, resp.Header, nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return resp.StatusCode, resp.Header, fmt.Errorf("GET %s%s: %w", n.name, path, err)
	}
	return resp.StatusCode, resp.Header, nil
}

// masterView is what one master says about leadership.
type masterView struct {
	node     *node
	err      error
	names    *node        // the master /master/redirect points at; nil on 503
	redirect string       // its Location, or the status when not 307
	state    *masterState // /master/state when it answered 200
}

func (v masterView) claims() bool {
	return v.state != nil && v.state.PID != "" && v.state.PID == v.state.Leader
}

func (v masterView) String() string {
	switch {
	case v.err != nil:
		return v.node.name + ": " + v.err.Error()
	case v.claims():
		return fmt.Sprintf("%s: leads (pid %s), redirect %s", v.node.name, v.state.PID, v.redirect)
	case v.state != nil:
		return fmt.Sprintf("%s: leader %q, redirect %s", v.node.name, v.state.Leader, v.redirect)
	default:
		return fmt.Sprintf("%s: redirect %s", v.node.name, v.redirect)
	}
}

// pidHost is the host of a pid (master@10.0.0.1:5050) or Location
// (//master1:5050/...).
func pidHost(s string) string {
	if _, after, ok := strings.Cut(s, "@"); ok {
		s = after
	}
	if strings.HasPrefix(s, "//") {
		if u, err := url.Parse("http:" + s); err == nil {
			return u.Hostname()
		}
	}
	if h, _, err := net.SplitHostPort(s); err == nil {
		return h
	}
	return s
}

// view asks one master who leads.
func (c *cluster) view(ctx context.Context, m *node) masterView {
	v := masterView{node: m}
	status, hdr, err := c.getJSON(ctx, m, "/master/redirect", nil)
	if err != nil {
		v.err = fmt.Errorf("/master/redirect: %w", err)
		return v
	}
	switch status {
	case http.StatusTemporaryRedirect:
		v.redirect = hdr.Get("Location")
		v.names = c.lookup(pidHost(v.redirect))
		if v.names == nil {
			v.redirect += " (not a master of this cluster)"
		}
	default:
		v.redirect = strconv.Itoa(status)
	}
	st := &masterState{}
	status, _, err = c.getJSON(ctx, m, "/master/state", st)
	switch {
	case err != nil:
		v.err = fmt.Errorf("/master/state: %w", err)
	case status == http.StatusOK:
		v.state = st
	}
	return v
}

// leader asks every running, connected master who leads, and returns the
// leader when exactly one master claims it and every master that answers
// points at it.
func (c *cluster) leader(ctx context.Context, masters []*node) (*node, *masterState, []masterView) {
	var views []masterView
	for _, m := range masters {
		c.mu.Lock()
		skip := m.killed || !m.connected
		c.mu.Unlock()
		if !skip {
			views = append(views, c.view(ctx, m))
		}
	}
	var leader *masterView
	for i, v := range views {
		if v.claims() {
			if leader != nil {
				return nil, nil, views
			}
			leader = &views[i]
		}
	}
	if leader == nil {
		return nil, nil, views
	}
	for _, v := range views {
		if v.err != nil || v.names != leader.node {
			return nil, nil, views
		}
		if v.state != nil && v.state.Leader != leader.state.PID {
			return nil, nil, views
		}
	}
	return leader.node, leader.state, views
}

func describeViews(views []masterView) string {
	parts := make([]string, len(views))
	for i, v := range views {
		parts[i] = v.String()
	}
	return strings.Join(parts, "; ")
}

// waitLeader waits until the masters agree on an elected leader other than
// not (nil: any), failing at once when a master exits, and explaining a
// timeout by what the masters and ZooKeeper showed.
func (c *cluster) waitLeader(ctx context.Context, zks, masters []*node, not *node, timeout time.Duration) (*node, *masterState, time.Duration, error) {
	var (
		leader *node
		state  *masterState
		views  []masterView
	)
	var split time.Time // since when several masters claim to lead
	took, err := waitFor(ctx, timeout, 250*time.Millisecond, "an elected leading master", func(ctx context.Context) (bool, string, error) {
		if err := c.checkDaemons(ctx, masters, "mesos-master"); err != nil {
			return false, "", stop(err)
		}
		leader, state, views = c.leader(ctx, masters)
		if leader != nil && leader != not {
			return true, "", nil
		}
		claimants := 0
		for _, v := range views {
			if v.claims() {
				claimants++
			}
		}
		switch {
		case claimants < 2:
			split = time.Time{}
		case split.IsZero():
			split = time.Now()
		case time.Since(split) > splitBrainLimit:
			// Not a transient of an election: they do not contend at all.
			return false, "", stop(fmt.Errorf("for %s: %s\n%s", splitBrainLimit, describeViews(views), c.explainNoLeader(ctx, zks, views)))
		}
		return false, describeViews(views), nil
	})
	if err != nil && !isStop(err) {
		err = fmt.Errorf("%w\n%s", err, c.explainNoLeader(ctx, zks, views))
	}
	return leader, state, took, err
}

// explainNoLeader names the capability that the masters lack, from what
// they answered and what ZooKeeper holds.
func (c *cluster) explainNoLeader(ctx context.Context, zks []*node, views []masterView) string {
	answered, claimants := 0, []string{}
	for _, v := range views {
		if v.err == nil {
			answered++
		}
		if v.claims() {
			claimants = append(claimants, v.node.name)
		}
	}
	if answered == 0 {
		return "capability missing: mesos-master serving /master/redirect and /master/state on :5050 (no master answered)"
	}
	if len(claimants) > 1 {
		return fmt.Sprintf("capability missing: leader election through --zk: %d masters each report themselves the leader (%s); they do not contend through ZooKeeper",
			len(claimants), strings.Join(claimants, ", "))
	}
	paths, err := zkEphemerals(ctx, zks, zkPath)
	if err != nil {
		return "(could not read ZooKeeper's ephemeral znodes: " + err.Error() + ")"
	}
	var infos []string
	for _, p := range paths {
		if strings.HasPrefix(p, zkPath+"/json.info_") {
			infos = append(infos, p)
		}
	}
	if len(infos) == 0 {
		return fmt.Sprintf("capability missing: mesos-master contending through --zk: no %s/json.info_* znode in ZooKeeper (ephemeral znodes under %s: %v)", zkPath, zkPath, paths)
	}
	if len(claimants) == 0 {
		return fmt.Sprintf("capability missing: mesos-master taking the leadership it won in ZooKeeper: %v are registered but no master reports itself the leader", infos)
	}
	return fmt.Sprintf("capability missing: masters agreeing on the leader (/master/redirect, /master/state leader): ZooKeeper holds %v", infos)
}

// checkDaemons fails when one of the nodes (not killed on purpose) exited,
// saying what its log says.
func (c *cluster) checkDaemons(ctx context.Context, nodes []*node, binary string) error {
	for _, n := range nodes {
		c.mu.Lock()
		killed := n.killed
		c.mu.Unlock()
		if killed {
			continue
		}
		st, err := c.state(ctx, n)
		if err != nil {
			return err
		}
		if !st.running {
			return exitError(binary, n, st.exitCode, c.logs(ctx, n, 200))
		}
	}
	return nil
}

var notThere = regexp.MustCompile(`(?i)not (supported|implemented)|unknown flag|unrecognized|no such flag`)

// exitError says why a daemon exited, naming the missing capability when
// its log names one.
func exitError(binary string, n *node, code int, logs string) error {
	line := keyLine(logs)
	what := fmt.Sprintf("%s on %s exited with code %d: %q", binary, n.name, code, line)
	if !notThere.MatchString(line) {
		return errors.New(what)
	}
	lower := strings.ToLower(line)
	var capability string
	switch {
	case strings.Contains(lower, "zookeeper") || strings.Contains(lower, "zk"):
		if binary == "mesos-agent" {
			capability = "mesos-agent --master=zk://... (finding the leading master through ZooKeeper)"
		} else {
			capability = binary + " --zk (leader election and detection through ZooKeeper)"
		}
	case strings.Contains(lower, "not implemented"):
		capability = binary + " itself (the daemon is not wired yet)"
	default:
		capability = binary + " with the flags the cluster gives it"
	}
	return fmt.Errorf("capability missing: %s: %s", capability, what)
}

// keyLine is the line of a log that best says why the daemon stopped.
func keyLine(logs string) string {
	var lines []string
	for _, l := range strings.Split(logs, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	for i := len(lines) - 1; i >= 0; i-- {
		if notThere.MatchString(lines[i]) {
			return lines[i]
		}
	}
	bad := regexp.MustCompile(`(?i)error|fail|fatal|panic|invalid`)
	for i := len(lines) - 1; i >= 0; i-- {
		if bad.MatchString(lines[i]) {
			return lines[i]
		}
	}
	if len(lines) == 0 {
		return "(no output)"
	}
	return lines[len(lines)-1]
}

// waitAgents waits until the leader lists every agent as active, failing
// at once when an agent exits.
func (c *cluster) waitAgents(ctx context.Context, masters, agents []*node, timeout time.Duration) (*masterState, time.Duration, error) {
	var state *masterState
	took, err := waitFor(ctx, timeout, 250*time.Millisecond, "every agent registered with the leader", func(ctx context.Context) (bool, string, error) {
		if err := c.checkDaemons(ctx, agents, "mesos-agent"); err != nil {
			return false, "", stop(err)
		}
		if err := c.checkDaemons(ctx, masters, "mesos-master"); err != nil {
			return false, "", stop(err)
		}
		leader, st, views := c.leader(ctx, masters)
		if leader == nil {
			return false, "no agreed leader: " + describeViews(views), nil
		}
		state = st
		active := activeAgents(st)
		for _, a := range agents {
			if !active[a.name] {
				return false, fmt.Sprintf("%s lists active agents %v", leader.name, keys(active)), nil
			}
		}
		return true, "", nil
	})
	if err != nil && !isStop(err) {
		err = fmt.Errorf("%w\ncapability missing: mesos-agent --master=zk://... registering with the leader it finds in ZooKeeper", err)
	}
	return state, took, err
}

func activeAgents(st *masterState) map[string]bool {
	m := map[string]bool{}
	for _, s := range st.Slaves {
		if s.Active {
			m[s.Hostname] = true
		}
	}
	return m
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
