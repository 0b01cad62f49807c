package cluster

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// timings collects how long each step took, logged at the end (also when
// the test fails half-way).
type timings struct {
	names []string
	took  []time.Duration
}

func (tm *timings) add(name string, d time.Duration) {
	tm.names = append(tm.names, name)
	tm.took = append(tm.took, d)
}

func (tm *timings) log(t *testing.T) {
	var b strings.Builder
	for i, n := range tm.names {
		fmt.Fprintf(&b, "\n  %-58s %8s", n, tm.took[i].Round(10*time.Millisecond))
	}
	t.Logf("timings:%s", b.String())
}

func taskState(id string, states ...mesospb.TaskState) func(statusUpdate) bool {
	return func(u statusUpdate) bool {
		if u.taskID != id {
			return false
		}
		for _, s := range states {
			if u.state == s {
				return true
			}
		}
		return false
	}
}

// TestFailoverAndPartition: three masters electing a leader through a
// ZooKeeper ensemble, two agents, and a framework run from the test
// process with a long task. The leading master is killed: a new one is
// elected, the framework fails over to it with its id, reconciliation
// finds the task running. The task's agent is cut off the network for
// longer than the masters' ping timeouts: the task goes unreachable; the
// agent, reconnected, registers again and the task is running again. At
// the end every status update the agent keeps reached the framework and
// the leader's /master/state agrees with the framework.
//
// The agents find the leader through ZooKeeper (--master=zk://...) and
// re-register with the master elected next. A daemon that exits fails
// the step that needs it, naming the missing capability from its log.
func TestFailoverAndPartition(t *testing.T) {
	requireCluster(t)
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 12*time.Minute)
	defer cancel()
	tm := &timings{}
	defer tm.log(t)
	step := func(format string, args ...any) { t.Logf("==== "+format, args...) }

	c := newCluster(ctx, t)

	step("ZooKeeper ensemble of 3")
	zks, err := c.startZooKeeper(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	_, took, err := c.waitQuorum(ctx, zks, 2*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	tm.add("ZooKeeper quorum", took)

	step("3 masters with --zk=%s --quorum=%d", zkURL(zks), quorum)
	masters, err := c.startMasters(ctx, 3, zks)
	if err != nil {
		t.Fatal(err)
	}
	leader, _, took, err := c.waitLeader(ctx, zks, masters, nil, 90*time.Second)
	if err != nil {
		t.Fatalf("first election: %v", err)
	}
	tm.add("first leader elected ("+leader.name+")", took)
	t.Logf("%s leads", leader.name)

	step("2 agents with --master=%s", zkURL(zks))
	agents, err := c.startAgents(ctx, 2, zks)
	if err != nil {
		t.Fatal(err)
	}
	if _, took, err = c.waitAgents(ctx, masters, agents, 90*time.Second); err != nil {
		t.Fatal(err)
	}
	tm.add("both agents registered", took)

	step("framework subscribes and launches %q", taskCommand)
	f := newFramework(c, t)
	if took, err = f.resubscribe(ctx, masters, time.Minute); err != nil {
		t.Fatal(err)
	}
	tm.add("framework subscribed", took)
	taskID := "sleeper-" + c.id
	running, took, err := f.waitUpdate(ctx, 90*time.Second, "TASK_RUNNING of "+taskID, 0, taskState(taskID, mesospb.TaskState_TASK_RUNNING), nil)
	if err != nil {
		t.Fatal(err)
	}
	tm.add("task running", took)
	f.mu.Lock()
	taskAgent := c.lookup(f.taskHost)
	frameworkID := f.id
	f.mu.Unlock()
	if taskAgent == nil || taskAgent.role != roleAgent {
		t.Fatalf("the task runs on %q, not one of the cluster's agents", f.taskHost)
	}
	t.Logf("task %s runs on %s (agent %s), framework %s", taskID, taskAgent.name, running.agentID, frameworkID)

	step("kill the leading master %s", leader.name)
	before := len(f.snapshot())
	killedAt := time.Now()
	if err := c.kill(ctx, leader); err != nil {
		t.Fatal(err)
	}
	f.dropSession()
	newLeader, _, _, err := c.waitLeader(ctx, zks, masters, leader, time.Minute)
	if err != nil {
		t.Fatalf("election after %s was killed: %v", leader.name, err)
	}
	tm.add("new leader elected ("+newLeader.name+") after the kill", time.Since(killedAt))
	t.Logf("%s leads, %s after %s was killed", newLeader.name, time.Since(killedAt).Round(time.Millisecond), leader.name)

	step("framework fails over to %s with id %s", newLeader.name, frameworkID)
	if took, err = f.resubscribe(ctx, masters, time.Minute); err != nil {
		t.Fatal(err)
	}
	if since := time.Since(killedAt); since >= failoverTimeout {
		t.Fatalf("re-subscribed %s after the kill, beyond the failover timeout %s", since, failoverTimeout)
	}
	tm.add("framework re-subscribed", took)
	_, took, err = f.waitUpdate(ctx, 90*time.Second, "reconciliation answering TASK_RUNNING", before,
		func(u statusUpdate) bool {
			return taskState(taskID, mesospb.TaskState_TASK_RUNNING)(u) && u.reconciliation()
		},
		func(ctx context.Context) {
			if err := f.reconcile(ctx); err != nil {
				f.note("RECONCILE: %v", err)
			}
		})
	if err != nil {
		t.Fatal(err)
	}
	tm.add("reconciliation: task still running", took)
	if took, err = c.waitTaskOnLeader(ctx, masters, frameworkID, taskID, running.agentID, "TASK_RUNNING", time.Minute); err != nil {
		t.Fatal(err)
	}
	tm.add("new leader's state shows the task running", took)

	step("restart %s: it rejoins and follows %s", leader.name, newLeader.name)
	if err := c.restart(ctx, leader); err != nil {
		t.Fatal(err)
	}
	took, err = waitFor(ctx, 90*time.Second, 250*time.Millisecond, leader.name+" following "+newLeader.name, func(ctx context.Context) (bool, string, error) {
		if err := c.checkDaemons(ctx, masters, "mesos-master"); err != nil {
			return false, "", stop(err)
		}
		got, _, views := c.leader(ctx, masters)
		if got != nil && got != newLeader {
			return false, "", stop(fmt.Errorf("the leadership moved to %s when %s came back", got.name, leader.name))
		}
		return got == newLeader && len(views) == len(masters), describeViews(views), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tm.add(leader.name+" restarted and follows", took)

	step("cut %s off the network for longer than the ping timeouts (%s)", taskAgent.name, pingWindow)
	before = len(f.snapshot())
	cutAt := time.Now()
	if err := c.disconnect(ctx, taskAgent); err != nil {
		t.Fatal(err)
	}
	_, took, err = f.waitUpdate(ctx, time.Minute, "TASK_UNREACHABLE of "+taskID, before, taskState(taskID, mesospb.TaskState_TASK_UNREACHABLE), nil)
	if err != nil {
		t.Fatal(err)
	}
	tm.add("task unreachable after the cut", took)
	if took, err = waitFor(ctx, 30*time.Second, 250*time.Millisecond, newLeader.name+" listing "+taskAgent.name+" unreachable", func(ctx context.Context) (bool, string, error) {
		st := &masterState{}
		if _, _, err := c.getJSON(ctx, newLeader, "/master/state", st); err != nil {
			return false, "", err
		}
		return st.UnreachableSlaves == 1 && !activeAgents(st)[taskAgent.name],
			fmt.Sprintf("unreachable_slaves %v, active %v", st.UnreachableSlaves, keys(activeAgents(st))), nil
	}); err != nil {
		t.Fatal(err)
	}
	// Stay cut off well past the ping window, then come back.
	if rest := 2*pingWindow - time.Since(cutAt); rest > 0 {
		time.Sleep(rest)
	}
	before = len(f.snapshot())
	reconnectedAt := time.Now()
	if err := c.reconnect(ctx, taskAgent); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s was cut off for %s", taskAgent.name, reconnectedAt.Sub(cutAt).Round(time.Millisecond))
	if took, err = waitFor(ctx, 90*time.Second, 250*time.Millisecond, taskAgent.name+" registered again", func(ctx context.Context) (bool, string, error) {
		if err := c.checkDaemons(ctx, agents, "mesos-agent"); err != nil {
			return false, "", stop(err)
		}
		st := &masterState{}
		if _, _, err := c.getJSON(ctx, newLeader, "/master/state", st); err != nil {
			return false, "", err
		}
		return activeAgents(st)[taskAgent.name], fmt.Sprintf("active %v, unreachable_slaves %v", keys(activeAgents(st)), st.UnreachableSlaves), nil
	}); err != nil {
		t.Fatal(err)
	}
	tm.add(taskAgent.name+" re-registered after the reconnect", took)
	_, _, err = f.waitUpdate(ctx, time.Minute, "TASK_RUNNING of "+taskID+" after the reconnect", before,
		taskState(taskID, mesospb.TaskState_TASK_RUNNING),
		func(ctx context.Context) {
			if err := f.reconcile(ctx); err != nil {
				f.note("RECONCILE: %v", err)
			}
		})
	if err != nil {
		t.Fatal(err)
	}
	tm.add("task running again (update or reconciliation) after the reconnect", time.Since(reconnectedAt))

	step("state converges")
	if took, err = c.waitConverged(ctx, f, masters, newLeader, agents, taskAgent, taskID, running.agentID, time.Minute); err != nil {
		t.Fatal(err)
	}
	tm.add("state converged", took)
	for _, u := range f.snapshot() {
		if u.taskID != taskID {
			t.Errorf("an update for an unknown task: %s for %s", u, u.taskID)
			continue
		}
		switch u.state {
		case mesospb.TaskState_TASK_STAGING, mesospb.TaskState_TASK_STARTING, mesospb.TaskState_TASK_RUNNING, mesospb.TaskState_TASK_UNREACHABLE:
		default:
			t.Errorf("the task went through %s: %s", u.state, f.describeUpdates(0))
		}
	}
	f.mu.Lock()
	acked, updates := f.acked, len(f.updates)
	f.mu.Unlock()
	if acked == 0 {
		t.Errorf("no update acknowledged: %s", f.describeUpdates(0))
	}
	t.Logf("the framework received %d updates and acknowledged %d", updates, acked)

	if err := f.teardown(ctx); err != nil {
		t.Logf("TEARDOWN: %v", err)
	}
	tm.add("whole scenario", time.Since(start))
}

// waitTaskOnLeader waits until the leader's /master/state shows the task
// of the framework in the state, on the agent.
func (c *cluster) waitTaskOnLeader(ctx context.Context, masters []*node, frameworkID, taskID, agentID, state string, timeout time.Duration) (time.Duration, error) {
	return waitFor(ctx, timeout, 250*time.Millisecond, "the leader's /master/state showing "+taskID+" "+state, func(ctx context.Context) (bool, string, error) {
		leader, st, views := c.leader(ctx, masters)
		if leader == nil {
			return false, "no agreed leader: " + describeViews(views), nil
		}
		for _, fw := range st.Frameworks {
			if fw.ID != frameworkID {
				continue
			}
			for _, tk := range fw.Tasks {
				if tk.ID == taskID {
					return tk.State == state && tk.SlaveID == agentID, fmt.Sprintf("%s: task %s %s on %s", leader.name, tk.ID, tk.State, tk.SlaveID), nil
				}
			}
			return false, fmt.Sprintf("%s: framework %s without task %s", leader.name, frameworkID, taskID), nil
		}
		return false, fmt.Sprintf("%s: no framework %s", leader.name, frameworkID), nil
	})
}

// waitConverged waits until the cluster agrees with the framework: every
// master follows the leader, both agents are active and none unreachable,
// the framework is active with its task running on its agent in the
// leader's state and the agent's, and every status the agent and the
// leader keep for the task reached the framework.
func (c *cluster) waitConverged(ctx context.Context, f *framework, masters []*node, leader *node, agents []*node, taskAgent *node, taskID, agentID string, timeout time.Duration) (time.Duration, error) {
	f.mu.Lock()
	frameworkID := f.id
	f.mu.Unlock()
	return waitFor(ctx, timeout, 500*time.Millisecond, "converged state", func(ctx context.Context) (bool, string, error) {
		got, st, views := c.leader(ctx, masters)
		if got != leader || len(views) != len(masters) {
			return false, "masters: " + describeViews(views), nil
		}
		active := activeAgents(st)
		if len(active) != len(agents) || st.UnreachableSlaves != 0 {
			return false, fmt.Sprintf("leader: active agents %v, unreachable %v", keys(active), st.UnreachableSlaves), nil
		}
		var fw *frameworkEntry
		for i := range st.Frameworks {
			if st.Frameworks[i].ID == frameworkID {
				fw = &st.Frameworks[i]
			}
		}
		if fw == nil || !fw.Active {
			return false, fmt.Sprintf("leader: framework %s missing or inactive", frameworkID), nil
		}
		var onMaster *taskEntry
		for i := range fw.Tasks {
			if fw.Tasks[i].ID == taskID {
				onMaster = &fw.Tasks[i]
			}
		}
		if onMaster == nil || onMaster.State != "TASK_RUNNING" || onMaster.SlaveID != agentID {
			return false, fmt.Sprintf("leader: task %+v (unreachable tasks %d)", onMaster, len(fw.UnreachableTasks)), nil
		}
		as := &agentState{}
		if _, _, err := c.getJSON(ctx, taskAgent, "/state", as); err != nil {
			return false, "", err
		}
		var onAgent *taskEntry
		for _, afw := range as.Frameworks {
			if afw.ID != frameworkID {
				continue
			}
			for _, ex := range afw.Executors {
				for i := range ex.Tasks {
					if ex.Tasks[i].ID == taskID {
						onAgent = &ex.Tasks[i]
					}
				}
			}
		}
		if onAgent == nil || onAgent.State != "TASK_RUNNING" {
			return false, fmt.Sprintf("%s: task %+v", taskAgent.name, onAgent), nil
		}
		if len(onAgent.Statuses) == 0 {
			return false, taskAgent.name + " keeps no statuses for the task", nil
		}
		if missing := f.missingFrom(onAgent.Statuses); len(missing) > 0 {
			return false, fmt.Sprintf("statuses %s sent that the framework never received: %v; %s", taskAgent.name, missing, f.describeUpdates(0)), nil
		}
		if missing := f.missingFrom(onMaster.Statuses); len(missing) > 0 {
			return false, fmt.Sprintf("statuses the leader keeps that the framework never received: %v; %s", missing, f.describeUpdates(0)), nil
		}
		return true, "", nil
	})
}
