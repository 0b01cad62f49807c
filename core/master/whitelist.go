package master

import (
	"context"
	"os"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// The agent whitelist (--whitelist), Mesos's WhitelistWatcher: a file of
// hostnames, one per line, re-read every WhitelistInterval. Only agents
// listed are offered: the allocator learns the list (WhitelistUpdated),
// and the master refuses allocations of agents off it (offers.go). An
// empty file lists no agent; a file that cannot be read keeps the last
// list, as in Mesos.

// readWhitelist reads the whitelist file: nil for "every agent".
func (m *Master) readWhitelist(last *allocator.WhitelistUpdated) *allocator.WhitelistUpdated {
	path := m.cfg.Whitelist
	if path == "" || path == "*" {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		m.log.Error("error reading the agent whitelist file; retrying", "path", path, "error", err)
		return last
	}
	hosts := []string{}
	for line := range strings.Lines(string(data)) {
		if host := strings.TrimSpace(line); host != "" && !slices.Contains(hosts, host) {
			hosts = append(hosts, host)
		}
	}
	slices.Sort(hosts)
	return &allocator.WhitelistUpdated{Hostnames: hosts}
}

// loadWhitelist reads the whitelist before the master leads, so that no
// cycle runs without it. Called by Run before the loop.
func (m *Master) loadWhitelist() {
	if m.cfg.Whitelist == "" {
		return
	}
	m.whitelist = m.readWhitelist(nil)
	m.logWhitelist()
}

// watchWhitelist re-reads the whitelist every WhitelistInterval and hands
// changes to the loop.
func (m *Master) watchWhitelist(ctx context.Context) {
	if m.cfg.Whitelist == "" || m.cfg.Whitelist == "*" {
		return
	}
	last := proto.CloneOf(m.whitelist)
	m.goBg(func() {
		t := time.NewTicker(m.cfg.WhitelistInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			next := m.readWhitelist(last)
			if proto.Equal(next, last) {
				continue
			}
			last = next
			update := proto.CloneOf(next)
			m.post(func() { m.setWhitelist(update) })
		}
	})
}

// setWhitelist takes a new whitelist on the loop.
func (m *Master) setWhitelist(w *allocator.WhitelistUpdated) {
	m.whitelist = w
	m.logWhitelist()
	if m.currentRole() != roleLeading {
		return // the allocator gets it when this master leads
	}
	update := w
	if update == nil {
		update = &allocator.WhitelistUpdated{All: true}
	}
	m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_WhitelistUpdated{WhitelistUpdated: proto.CloneOf(update)}})
	m.allocateSoon()
}

func (m *Master) logWhitelist() {
	if m.whitelist == nil {
		m.log.Info("advertising offers for all agents")
		return
	}
	m.log.Info("updated agent whitelist: "+strings.Join(m.whitelist.GetHostnames(), ", "), "path", m.cfg.Whitelist)
}

// agentWhitelisted reports whether an agent's offers may be made.
func (m *Master) agentWhitelisted(a *agent) bool {
	if m.whitelist == nil {
		return true
	}
	_, found := slices.BinarySearch(m.whitelist.GetHostnames(), a.info.GetHostname())
	return found
}
