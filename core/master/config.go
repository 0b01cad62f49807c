package master

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// Config is what a master is started with; cmd/mesos-master fills it from
// Mesos's flags.
type Config struct {
	// Hostname and IP the master advertises; Port is the one it serves on.
	Hostname string
	IP       string
	Port     int
	Cluster  string
	Version  string

	// AllocationInterval is --allocation_interval (Mesos: 1secs).
	AllocationInterval time.Duration
	// OfferTimeout is --offer_timeout; zero means offers never time out.
	OfferTimeout time.Duration
	// HeartbeatInterval between scheduler HEARTBEAT events (Mesos: 15secs).
	HeartbeatInterval time.Duration
	// AgentPingTimeout and MaxAgentPingTimeouts: an agent missing that many
	// pings in a row is unreachable (Mesos: 15secs and 5).
	AgentPingTimeout     time.Duration
	MaxAgentPingTimeouts int
	// MaxCompletedFrameworks and MaxCompletedTasksPerFramework bound the
	// history kept for the state endpoints (Mesos: 50 and 1000).
	MaxCompletedFrameworks        int
	MaxCompletedTasksPerFramework int
	// Roles, when non-empty, is the --roles whitelist; Weights is --weights.
	Roles   []string
	Weights map[string]float64

	// Allocator decides who gets which free resources.
	Allocator allocator.Allocator
	// Logger receives the master's structured logs.
	Logger *slog.Logger
	// Now is the clock (tests substitute their own).
	Now func() time.Time
}

func (c *Config) setDefaults() {
	if c.AllocationInterval <= 0 {
		c.AllocationInterval = time.Second
	}
	if c.HeartbeatInterval <= 0 {
		c.HeartbeatInterval = 15 * time.Second
	}
	if c.AgentPingTimeout <= 0 {
		c.AgentPingTimeout = 15 * time.Second
	}
	if c.MaxAgentPingTimeouts <= 0 {
		c.MaxAgentPingTimeouts = 5
	}
	if c.MaxCompletedFrameworks <= 0 {
		c.MaxCompletedFrameworks = 50
	}
	if c.MaxCompletedTasksPerFramework <= 0 {
		c.MaxCompletedTasksPerFramework = 1000
	}
	if c.Hostname == "" {
		c.Hostname = c.IP
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

func (c *Config) validate() error {
	if c.Allocator == nil {
		return fmt.Errorf("master: no allocator configured")
	}
	if c.IP == "" {
		return fmt.Errorf("master: no IP to advertise")
	}
	if c.Port <= 0 || c.Port > 65535 {
		return fmt.Errorf("master: invalid port %d", c.Port)
	}
	return nil
}
