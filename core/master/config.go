package master

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gomesos/mesos/core/registry"
	"github.com/gomesos/mesos/hooks"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
	"github.com/gomesos/mesos/modules/kinds/mastercontender"
	"github.com/gomesos/mesos/modules/kinds/masterdetector"
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
	// HidePerFrameworkMetrics leaves the master/frameworks/<name>/<id>/...
	// metrics out of /metrics/snapshot (--publish_per_framework_metrics=false).
	HidePerFrameworkMetrics bool
	// HeartbeatInterval between scheduler HEARTBEAT events (Mesos: 15secs).
	HeartbeatInterval time.Duration
	// AgentPingTimeout and MaxAgentPingTimeouts: an agent missing that many
	// pings in a row is unreachable (Mesos: 15secs and 5).
	AgentPingTimeout     time.Duration
	MaxAgentPingTimeouts int
	// MaxCompletedFrameworks and MaxCompletedTasksPerFramework bound the
	// history kept for the state endpoints (Mesos: 50 and 1000). Zero
	// means Mesos's default; KeepNone keeps none (the flags' 0).
	MaxCompletedFrameworks        int
	MaxCompletedTasksPerFramework int
	// FairSharingExcludedResourceNames (--fair_sharing_excluded_resource_names),
	// FilterGPUResources (--filter_gpu_resources; Mesos's default is true,
	// which the flags give) and MinAllocatableResources
	// (--min_allocatable_resources: alternatives, each a set of minimum
	// quantities by resource name) are the allocator's settings, passed in
	// its InitializeRequest. A nil MinAllocatableResources leaves the
	// allocator's default (Mesos's cpus:0.01|mem:32); an empty set in it
	// means no minimum.
	FairSharingExcludedResourceNames []string
	FilterGPUResources               bool
	MinAllocatableResources          []map[string]float64
	// Roles, when non-empty, is the --roles whitelist; Weights is --weights.
	Roles   []string
	Weights map[string]float64

	// Registrar persists the registry (admitted, unreachable and gone
	// agents, maintenance, quota, weights). The master recovers it when it
	// starts and refuses to start when it cannot. Nil means an in-memory
	// registry the master owns (--registry=in_memory).
	Registrar *registry.Registrar
	// AgentReregisterTimeout is --agent_reregister_timeout: after a restart,
	// agents admitted in the registry that do not come back within it are
	// marked unreachable (Mesos: 10mins).
	AgentReregisterTimeout time.Duration
	// RecoveryAgentRemovalLimit is --recovery_agent_removal_limit as a
	// fraction (Mesos: 100%, i.e. 1): when more of the recovered agents than
	// this fail to come back, the master stops rather than mark them all
	// unreachable.
	RecoveryAgentRemovalLimit float64
	// RegistryGCInterval, RegistryMaxAgentAge and RegistryMaxAgentCount
	// bound the unreachable and gone lists of the registry (Mesos: 15mins,
	// 2weeks, 102400).
	RegistryGCInterval    time.Duration
	RegistryMaxAgentAge   time.Duration
	RegistryMaxAgentCount int

	// MaxOperatorEventStreamSubscribers is
	// --max_operator_event_stream_subscribers: a new SUBSCRIBE beyond it
	// closes the oldest stream (Mesos: 1000).
	MaxOperatorEventStreamSubscribers int

	// Flags are the master's flags as /flags, /master/state and GET_FLAGS
	// show them (name to value, Mesos's formatting); cmd/mesos-master fills
	// them.
	Flags map[string]string
	// LogFile is the master's own log file, served as /master/log by
	// LIST_FILES and READ_FILE (from --log_dir or --external_log_file);
	// empty when the master logs nowhere on disk.
	LogFile string
	// LogDir and ExternalLogFile are shown in /master/state as Mesos does.
	LogDir          string
	ExternalLogFile string

	// Authenticate, when set, checks the credentials of operator HTTP
	// requests (--http_authenticators); an error is answered 401.
	// AuthenticateReadOnly and AuthenticateReadWrite say which endpoints
	// require it (--authenticate_http_readonly, --authenticate_http_readwrite).
	Authenticate          func(r *http.Request) (principal string, err error)
	AuthenticateReadOnly  bool
	AuthenticateReadWrite bool
	// AuthenticateFramework, when set, checks the credentials of every
	// scheduler API request (--authenticate_http_frameworks with
	// --http_framework_authenticators); AuthenticateAgent, when set, checks
	// an agent's credential on SUBSCRIBE (--authenticate_agents with
	// --authenticators). Errors as for Authenticate (authn.go).
	AuthenticateFramework func(r *http.Request) (principal string, err error)
	AuthenticateAgent     func(r *http.Request) (principal string, err error)
	// Authorizer decides what principals may do (--acls with the local
	// authorizer, or an Authorizer module); nil allows everything, as a
	// Mesos master without an authorizer does. Errors deny (authz.go).
	Authorizer authorizer.Authorizer

	// Allocator decides who gets which free resources. AllocatorSnapshot,
	// when set, is bound to the master by New: an allocator decorator that
	// hands over to a built-in (decorate.AllocatorOptions.Snapshot) reads
	// the master's state through it.
	Allocator         allocator.Allocator
	AllocatorSnapshot *AllocatorSnapshot

	// Contender and Detector elect the leading master (--zk, or
	// --master_contender and --master_detector): the master contends with
	// its MasterInfo and leads once the detector names it (leadership.go).
	// Both nil: this master is the only one and leads from the start, as
	// with Mesos's standalone contender and detector.
	Contender mastercontender.MasterContender
	Detector  masterdetector.MasterDetector

	// Hooks are the --hooks master hooks (masterLaunchTaskLabelDecorator,
	// masterLaunchTaskResourceDecorator, masterSlaveLostHook); nil runs
	// none.
	Hooks *hooks.Manager

	// Whitelist is --whitelist: a file of agent hostnames, one per line,
	// re-read every WhitelistInterval (Mesos: 5secs); only those agents
	// are offered. Empty (or "*"): every agent is.
	Whitelist         string
	WhitelistInterval time.Duration

	// Modules serves GET /modules (the module host's status); nil answers
	// an empty list. ModuleMetrics are the modules' metrics, added to
	// /metrics/snapshot under Mesos-style names (modules/<library>/...).
	Modules       http.Handler
	ModuleMetrics prometheus.Gatherer
	// Logger receives the master's structured logs.
	Logger *slog.Logger
	// Now is the clock (tests substitute their own).
	Now func() time.Time

	// recoveryHold bounds how long a call waits for the registry's
	// recovery (recovery_hold.go); tests shorten it.
	recoveryHold time.Duration
}

// KeepNone, as MaxCompletedFrameworks or MaxCompletedTasksPerFramework,
// keeps no completed frameworks or tasks (zero there means the default).
const KeepNone = -1

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
	c.MaxCompletedFrameworks = historyLimit(c.MaxCompletedFrameworks, 50)
	c.MaxCompletedTasksPerFramework = historyLimit(c.MaxCompletedTasksPerFramework, 1000)
	if c.AgentReregisterTimeout <= 0 {
		c.AgentReregisterTimeout = 10 * time.Minute
	}
	if c.RecoveryAgentRemovalLimit <= 0 {
		c.RecoveryAgentRemovalLimit = 1
	}
	if c.recoveryHold <= 0 {
		c.recoveryHold = recoveryHoldTimeout
	}
	if c.RegistryGCInterval <= 0 {
		c.RegistryGCInterval = 15 * time.Minute
	}
	if c.RegistryMaxAgentAge <= 0 {
		c.RegistryMaxAgentAge = 14 * 24 * time.Hour
	}
	if c.RegistryMaxAgentCount <= 0 {
		c.RegistryMaxAgentCount = 100 * 1024
	}
	if c.MaxOperatorEventStreamSubscribers <= 0 {
		c.MaxOperatorEventStreamSubscribers = 1000
	}
	if c.WhitelistInterval <= 0 {
		c.WhitelistInterval = 5 * time.Second
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
	if (c.Contender == nil) != (c.Detector == nil) {
		return errors.New("master: a master contender needs a master detector, and the other way round")
	}
	return nil
}

// historyLimit is a bound on completed history: zero is the default,
// negative (KeepNone) is none.
func historyLimit(n, def int) int {
	switch {
	case n == 0:
		return def
	case n < 0:
		return 0
	}
	return n
}
