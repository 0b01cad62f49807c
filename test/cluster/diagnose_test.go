package cluster

import (
	"context"
	"strings"
	"testing"
)

// TestDiagnosis checks, without Docker, that the scenario's failures name
// the missing capability, from the daemons' own messages.
func TestDiagnosis(t *testing.T) {
	master := &node{name: "master1", role: roleMaster}
	agent := &node{name: "agent1", role: roleAgent}
	for _, tc := range []struct {
		binary string
		n      *node
		logs   string
		want   string
	}{
		{"mesos-master", master,
			"time=... level=INFO msg=\"Flags at startup\"\nmesos-master: flags are valid, but mesos-master is not implemented yet; exiting\n",
			"capability missing: mesos-master itself"},
		{"mesos-master", master,
			"mesos-master: --zk=zk://zk1:2181/mesos: ZooKeeper is not supported yet\nUsage: mesos-master [options]\n",
			"capability missing: mesos-master --zk (leader election and detection through ZooKeeper)"},
		{"mesos-agent", agent,
			"mesos-agent: agent: --master=zk://zk1:2181/mesos: finding the master through ZooKeeper is not supported yet; give the master as host:port\n\nUsage: mesos-agent [options]\n",
			"capability missing: mesos-agent --master=zk://"},
		{"mesos-master", master,
			"level=ERROR msg=\"master stopped\" error=\"registry: bad state\"\n",
			`mesos-master on master1 exited with code 1: "level=ERROR msg=\"master stopped\" error=\"registry: bad state\""`},
	} {
		code := 2
		if !strings.Contains(tc.logs, "not implemented") {
			code = 1
		}
		got := exitError(tc.binary, tc.n, code, tc.logs).Error()
		if !strings.Contains(got, tc.want) {
			t.Errorf("exitError(%s):\n got %s\nwant it to contain %s", tc.binary, got, tc.want)
		}
	}

	claim := func(n *node) masterView {
		pid := "master@10.0.0.1:5050"
		return masterView{node: n, names: n, redirect: "//" + n.name + ":5050", state: &masterState{PID: pid, Leader: pid}}
	}
	m2, m3 := &node{name: "master2"}, &node{name: "master3"}
	got := (&cluster{}).explainNoLeader(context.Background(), nil, []masterView{claim(master), claim(m2), claim(m3)})
	if want := "capability missing: leader election through --zk: 3 masters each report themselves the leader (master1, master2, master3)"; !strings.HasPrefix(got, want) {
		t.Errorf("three claimants:\n got %s\nwant %s...", got, want)
	}
	got = (&cluster{}).explainNoLeader(context.Background(), nil, []masterView{{node: master, err: context.DeadlineExceeded}})
	if want := "capability missing: mesos-master serving /master/redirect and /master/state"; !strings.HasPrefix(got, want) {
		t.Errorf("no answer:\n got %s\nwant %s...", got, want)
	}

	for in, want := range map[string]string{
		"master@172.18.0.5:5050":      "172.18.0.5",
		"//master2:5050":              "master2",
		"//master2:5050/master/state": "master2",
		"master3:5050":                "master3",
	} {
		if got := pidHost(in); got != want {
			t.Errorf("pidHost(%q) = %q, want %q", in, got, want)
		}
	}
}
