// Package masterflags declares mesos-master's flags, with Mesos's names,
// defaults and help (docs/configuration/master.md and master-and-agent.md
// of Mesos 1.x), and turns them into a master.Config: the registry, the
// election (--zk), the modules (--modules, --allocator, --hooks), the
// log file (--log_dir). mesos-master and mesos-local share it:
//
//	fs := flags.NewFlagSet("mesos-master")
//	f := masterflags.Define(fs) // every master flag, logging ones included
//	// load fs (cmdutil.Load), then:
//	err := f.Check()
//	log, err := f.OpenLog(stderr)  // stderr unless --quiet, and --log_dir
//	l, err := f.Listen(ctx)        // --ip, --port ("Address already in use")
//	cfg, release, err := f.Config(ctx, masterflags.Setup{Log: log, Listener: l})
//	defer release()                // after the master has stopped
//	m, err := master.New(cfg)
//
// A program with flags of its own (mesos-local) declares the master's on
// a FlagSet of their own, since both have --ip, --port and the logging
// flags.
package masterflags

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/gomesos/mesos/builtin/authz"
	"github.com/gomesos/mesos/cmd/internal/cmdutil"
	"github.com/gomesos/mesos/core/flags"
	"github.com/gomesos/mesos/core/units"
	"github.com/gomesos/mesos/core/zk"
)

// Flags are the master's flags, declared by Define. Every master flag
// lives here.
type Flags struct {
	cmdutil.Common
	cmdutil.Logging

	fs *flags.FlagSet

	// Required in Mesos's documentation (see check).
	Quorum  int
	WorkDir string
	Zk      string

	ACLs                              json.RawMessage
	AgentPingTimeout                  units.Duration
	AgentRemovalRateLimit             string
	AgentReregisterTimeout            units.Duration
	AllocationInterval                units.Duration
	Allocator                         string
	AuthenticateAgents                bool
	AuthenticateFrameworks            bool
	AuthenticateHTTPFrameworks        bool
	AuthenticationV0Timeout           units.Duration
	Authenticators                    string
	Authorizers                       string
	Cluster                           string
	Credentials                       string
	FairSharingExcludedResourceNames  string
	FilterGPUResources                bool
	FrameworkSorter                   string
	HTTPFrameworkAuthenticators       string
	LogAutoInitialize                 bool
	MasterContender                   string
	MasterDetector                    string
	MaxAgentPingTimeouts              uint
	MaxCompletedFrameworks            uint
	MaxCompletedTasksPerFramework     uint
	MaxOperatorEventStreamSubscribers uint
	MaxUnreachableTasksPerFramework   uint
	MinAllocatableResources           string
	OfferTimeout                      units.Duration
	PublishPerFrameworkMetrics        bool
	RateLimits                        json.RawMessage
	RecoveryAgentRemovalLimit         string
	Registry                          string
	RegistryFetchTimeout              units.Duration
	RegistryGCInterval                units.Duration
	RegistryMaxAgentAge               units.Duration
	RegistryMaxAgentCount             uint
	RegistryStoreTimeout              units.Duration
	RegistryStrict                    bool
	RequireAgentDomain                bool
	RoleSorter                        string
	Roles                             string
	RootSubmissions                   bool
	WebUIDir                          string
	Weights                           string
	Whitelist                         string
}

// minAgentReregisterTimeout is Mesos's MIN_AGENT_REREGISTER_TIMEOUT.
const minAgentReregisterTimeout = 10 * units.Minute

// Define declares the master's flags on fs (the flags Mesos's master
// takes, the logging and master-and-agent ones included) and returns
// where they land once fs is loaded.
func Define(fs *flags.FlagSet) *Flags {
	f := &Flags{fs: fs}

	cmdutil.AddCommon(fs, &f.Common, "master", 5050)
	cmdutil.AddLogging(fs, &f.Logging)

	fs.Int(&f.Quorum, "quorum",
		"The size of the quorum of replicas when using `replicated_log` based\n"+
			"registry. It is imperative to set this value to be a majority of\n"+
			"masters i.e., `quorum > (number of masters)/2`.\n"+
			"NOTE: Not required if master is run in standalone mode (non-HA).").
		Validate(func() error {
			if fs.Lookup("quorum").IsSet() && f.Quorum < 1 {
				return fmt.Errorf("quorum must be at least 1, not %d", f.Quorum)
			}
			return nil
		})
	fs.String(&f.WorkDir, "work_dir",
		"Path of the master work directory. This is where the persistent\n"+
			"information of the cluster will be stored. Note that locations like\n"+
			"`/tmp` which are cleaned automatically are not suitable for the work\n"+
			"directory when running in production, since long-running masters could\n"+
			"lose data when cleanup occurs. (Example: `/var/lib/mesos/master`)")
	fs.String(&f.Zk, "zk",
		"ZooKeeper URL (used for leader election amongst masters).\n"+
			"May be one of:\n"+
			"  `zk://host1:port1,host2:port2,.../path`\n"+
			"  `zk://username:password@host1:port1,host2:port2,.../path`\n"+
			"  `file:///path/to/file` (where file contains one of the above)\n"+
			"NOTE: Not required if master is run in standalone mode (non-HA).")

	fs.JSON(&f.ACLs, "acls",
		"The value could be a JSON-formatted string of ACLs\n"+
			"or a file path containing the JSON-formatted ACLs used\n"+
			"for authorization. Path could be of the form `file:///path/to/file`\n"+
			"or `/path/to/file`.\n\n"+
			"Note that if the flag `--authorizers` is provided with a value\n"+
			"different than `local`, the ACLs contents\n"+
			"will be ignored.\n\n"+
			"See the ACLs protobuf in acls.proto for the expected format.")
	fs.Duration(&f.AgentPingTimeout, "agent_ping_timeout",
		"The timeout within which an agent is expected to respond to a\n"+
			"ping from the master. Agents that do not respond within\n"+
			"max_agent_ping_timeouts ping retries will be marked unreachable.\n"+
			"NOTE: The total ping timeout (`agent_ping_timeout` multiplied by\n"+
			"`max_agent_ping_timeouts`) should be greater than the ZooKeeper\n"+
			"session timeout to prevent useless re-registration attempts.",
		15*units.Second).DeprecatedAlias("slave_ping_timeout")
	fs.String(&f.AgentRemovalRateLimit, "agent_removal_rate_limit",
		"The maximum rate (e.g., `1/10mins`, `2/3hrs`, etc) at which agents\n"+
			"will be removed from the master when they fail health checks.\n"+
			"By default, agents will be removed as soon as they fail the health\n"+
			"checks. The value is of the form `(Number of agents)/(Duration)`.").
		DeprecatedAlias("slave_removal_rate_limit")
	fs.Duration(&f.AgentReregisterTimeout, "agent_reregister_timeout",
		"The timeout within which an agent is expected to reregister.\n"+
			"Agents reregister when they become disconnected from the master\n"+
			"or when a new master is elected as the leader. Agents that do not\n"+
			"reregister within the timeout will be marked unreachable in the\n"+
			"registry; if/when the agent reregisters with the master, any\n"+
			"non-partition-aware tasks running on the agent will be terminated.\n"+
			"NOTE: This value has to be at least "+minAgentReregisterTimeout.String()+".",
		minAgentReregisterTimeout).DeprecatedAlias("slave_reregister_timeout").
		Validate(func() error {
			if f.AgentReregisterTimeout < minAgentReregisterTimeout {
				return fmt.Errorf("Invalid value '%s' for --agent_reregister_timeout: must be at least %s",
					f.AgentReregisterTimeout, minAgentReregisterTimeout)
			}
			return nil
		})
	fs.Duration(&f.AllocationInterval, "allocation_interval",
		"Amount of time to wait between performing\n"+
			" (batch) allocations (e.g., 500ms, 1sec, etc).", units.Second)
	fs.String(&f.Allocator, "allocator",
		"Allocator to use for resource allocation to frameworks.\n"+
			"Use the default `HierarchicalDRF` allocator, or\n"+
			"load an alternate allocator module using `--modules`.", "HierarchicalDRF")
	fs.Bool(&f.AuthenticateAgents, "authenticate_agents",
		"If `true`, only authenticated agents are allowed to register.\n"+
			"If `false`, unauthenticated agents are also allowed to register.", false).
		DeprecatedAlias("authenticate_slaves")
	fs.Bool(&f.AuthenticateFrameworks, "authenticate_frameworks",
		"If `true`, only authenticated frameworks are allowed to register. If\n"+
			"`false`, unauthenticated frameworks are also allowed to register. For\n"+
			"HTTP based frameworks use the `--authenticate_http_frameworks` flag.", false).
		DeprecatedAlias("authenticate")
	fs.Bool(&f.AuthenticateHTTPFrameworks, "authenticate_http_frameworks",
		"If `true`, only authenticated HTTP frameworks are allowed to register.\n"+
			"If `false`, HTTP frameworks are not authenticated.", false)
	fs.Duration(&f.AuthenticationV0Timeout, "authentication_v0_timeout",
		"The timeout within which an authentication is expected\n"+
			"to complete against a v0 framework or agent. This does not apply to\n"+
			"the v0 or v1 HTTP APIs.", 15*units.Second)
	fs.String(&f.Authenticators, "authenticators",
		"Authenticator implementation to use when authenticating frameworks\n"+
			"and/or agents. Use the default `crammd5`, or\n"+
			"load an alternate authenticator module using `--modules`.", "crammd5")
	fs.String(&f.Authorizers, "authorizers",
		"Authorizer implementation to use when authorizing actions that\n"+
			"require it.\n"+
			"Use the default `local`, or\n"+
			"load an alternate authorizer module using `--modules`.\n\n"+
			"Note that if the flag `--authorizers` is provided with a value\n"+
			"different than the default `local`, the ACLs\n"+
			"passed through the `--acls` flag will be ignored.\n\n"+
			"Currently there is no support for multiple authorizers.", "local")
	fs.String(&f.Cluster, "cluster", "Human readable name for the cluster, displayed in the webui.")
	fs.String(&f.Credentials, "credentials",
		"Path to a JSON-formatted file containing credentials.\n"+
			"Path can be of the form `file:///path/to/file` or `/path/to/file`.\n"+
			"Example:\n"+
			"{\n"+
			"  \"credentials\": [\n"+
			"    {\n"+
			"      \"principal\": \"sherman\",\n"+
			"      \"secret\": \"kitesurf\"\n"+
			"    }\n"+
			"  ]\n"+
			"}").Structured().Sensitive()
	fs.String(&f.FairSharingExcludedResourceNames, "fair_sharing_excluded_resource_names",
		"A comma-separated list of the resource names (e.g. 'gpus')\n"+
			"that will be excluded from fair sharing constraints.")
	fs.Bool(&f.FilterGPUResources, "filter_gpu_resources",
		"When set to true, this flag will cause the mesos master to\n"+
			"filter all offers from agents with GPU resources by only sending\n"+
			"them to frameworks that opt into the 'GPU_RESOURCES' framework\n"+
			"capability.", true)
	fs.String(&f.FrameworkSorter, "framework_sorter",
		"Policy to use for allocating resources between a given role's\n"+
			"frameworks. Options are the same as for `--role_sorter`.", "drf")
	fs.String(&f.HTTPFrameworkAuthenticators, "http_framework_authenticators",
		"HTTP authenticator implementation to use when authenticating HTTP frameworks.\n"+
			"Use the `basic` authenticator or load an alternate HTTP authenticator\n"+
			"module using `--modules`. This must be used in conjunction with\n"+
			"`--authenticate_http_frameworks`.\n\n"+
			"Currently there is no support for multiple HTTP authenticators.")
	fs.Bool(&f.LogAutoInitialize, "log_auto_initialize",
		"Whether to automatically initialize the replicated log used for the\n"+
			"registry. If this is set to false, the log has to be manually\n"+
			"initialized when used for the very first time.", true)
	fs.String(&f.MasterContender, "master_contender",
		"The symbol name of the master contender to use.\n"+
			"This symbol should exist in a module specified through\n"+
			"the --modules flag. Cannot be used in conjunction with --zk.\n"+
			"Must be used in conjunction with --master_detector.")
	fs.String(&f.MasterDetector, "master_detector",
		"The symbol name of the master detector to use. This symbol\n"+
			"should exist in a module specified through the --modules flag.\n"+
			"Cannot be used in conjunction with --zk.\n"+
			"Must be used in conjunction with --master_contender.")
	fs.Uint(&f.MaxAgentPingTimeouts, "max_agent_ping_timeouts",
		"The number of times an agent can fail to respond to a\n"+
			"ping from the master. Agents that do not respond within\n"+
			"`max_agent_ping_timeouts` ping retries will be marked unreachable.", 5).
		DeprecatedAlias("max_slave_ping_timeouts").
		Validate(func() error {
			if f.MaxAgentPingTimeouts < 1 {
				return errors.New("Invalid value '0' for --max_agent_ping_timeouts: must be at least 1")
			}
			return nil
		})
	fs.Uint(&f.MaxCompletedFrameworks, "max_completed_frameworks",
		"Maximum number of completed frameworks to store in memory.", 50)
	fs.Uint(&f.MaxCompletedTasksPerFramework, "max_completed_tasks_per_framework",
		"Maximum number of completed tasks per framework to store in memory.", 1000)
	fs.Uint(&f.MaxOperatorEventStreamSubscribers, "max_operator_event_stream_subscribers",
		"Maximum number of simultaneous subscribers to the master's operator event\n"+
			"stream. If new connections bring the total number of subscribers over\n"+
			"this value, older connections will be closed by the master.", 1000)
	fs.Uint(&f.MaxUnreachableTasksPerFramework, "max_unreachable_tasks_per_framework",
		"Maximum number of unreachable tasks per framework to store in memory.", 1000)
	fs.String(&f.MinAllocatableResources, "min_allocatable_resources",
		"One or more sets of resource quantities that define the minimum allocatable\n"+
			"resources for the allocator. The allocator will only offer resources that\n"+
			"meet the quantity requirement of at least one of the specified sets.\n"+
			"The resources in each set should be delimited by semicolons (acting as\n"+
			"logical AND), and each set should be delimited by the pipe character\n"+
			"(acting as logical OR).\n"+
			"(Example: `disk:1|cpus:1;mem:32;ports:1`)", "cpus:0.01|mem:32")
	fs.Duration(&f.OfferTimeout, "offer_timeout",
		"Duration of time before an offer is rescinded from a framework.\n"+
			"This helps fairness when running frameworks that hold on to offers,\n"+
			"or frameworks that accidentally drop offers.\n"+
			"If not set, offers do not timeout.")
	fs.Bool(&f.PublishPerFrameworkMetrics, "publish_per_framework_metrics",
		"If `true`, an extensive set of metrics for each active framework will\n"+
			"be published. These metrics are useful for understanding cluster\n"+
			"behavior, but can be overwhelming for very large numbers of frameworks.", true)
	fs.JSON(&f.RateLimits, "rate_limits",
		"The value could be a JSON-formatted string of rate limits\n"+
			"or a file path containing the JSON-formatted rate limits used\n"+
			"for framework rate limiting.\n"+
			"Path could be of the form `file:///path/to/file`\n"+
			"or `/path/to/file`.\n\n"+
			"See the RateLimits protobuf in mesos.proto for the expected format.")
	fs.String(&f.RecoveryAgentRemovalLimit, "recovery_agent_removal_limit",
		"For failovers, limit on the percentage of agents that can be removed\n"+
			"from the registry *and* shutdown after the re-registration timeout\n"+
			"elapses. If the limit is exceeded, the master will fail over rather\n"+
			"than remove the agents.\n"+
			"Values: [0%-100%]", "100%").DeprecatedAlias("recovery_slave_removal_limit")
	fs.String(&f.Registry, "registry",
		"Persistence strategy for the registry;\n"+
			"available options are `replicated_log`, `in_memory` (for testing).",
		"replicated_log").Validate(cmdutil.OneOf(&f.Registry, "registry", "replicated_log", "in_memory"))
	fs.Duration(&f.RegistryFetchTimeout, "registry_fetch_timeout",
		"Duration of time to wait in order to fetch data from the registry\n"+
			"after which the operation is considered a failure.", units.Minute)
	fs.Duration(&f.RegistryGCInterval, "registry_gc_interval",
		"How often to garbage collect the registry. The current leading\n"+
			"master will periodically discard information from the registry.\n"+
			"How long registry state is retained is controlled by other\n"+
			"parameters (e.g., `registry_max_agent_age`,\n"+
			"`registry_max_agent_count`); this parameter controls how often\n"+
			"the master will examine the registry to see if data should be\n"+
			"discarded.", 15*units.Minute)
	fs.Duration(&f.RegistryMaxAgentAge, "registry_max_agent_age",
		"Maximum length of time to store information in the registry about\n"+
			"agents that are not currently connected to the cluster. This\n"+
			"information allows frameworks to determine the status of unreachable\n"+
			"and gone agents.", 2*units.Week)
	fs.Uint(&f.RegistryMaxAgentCount, "registry_max_agent_count",
		"Maximum number of partitioned/gone agents to store in the\n"+
			"registry. This information allows frameworks to determine the status\n"+
			"of disconnected agents.", 100*1024)
	fs.Duration(&f.RegistryStoreTimeout, "registry_store_timeout",
		"Duration of time to wait in order to store data in the registry\n"+
			"after which the operation is considered a failure.", 20*units.Second)
	fs.Bool(&f.RegistryStrict, "registry_strict",
		"Whether the master will take actions based on the persistent\n"+
			"information stored in the Registry.\n"+
			"NOTE: This flag is *disabled* and will be removed in a future\n"+
			"version of Mesos.", false)
	fs.Bool(&f.RequireAgentDomain, "require_agent_domain",
		"If true, only agents with a configured domain can register.", false)
	fs.String(&f.RoleSorter, "role_sorter",
		"Policy to use for allocating resources between roles.\n"+
			"May be one of:\n"+
			"  dominant_resource_fairness (drf)", "drf").DeprecatedAlias("user_sorter")
	fs.String(&f.Roles, "roles",
		"A comma-separated list of the allocation roles that frameworks\n"+
			"in this cluster may belong to. This flag is deprecated;\n"+
			"if it is not specified, any role name can be used.")
	fs.Bool(&f.RootSubmissions, "root_submissions", "Can root submit frameworks?", true)
	fs.Path(&f.WebUIDir, "webui_dir", "Directory path of the webui files/assets", "/usr/local/share/mesos/webui")
	fs.String(&f.Weights, "weights",
		"A comma-separated list of role/weight pairs of the form\n"+
			"`role=weight,role=weight`. Weights can be used to control the\n"+
			"relative share of cluster resources that is offered to different\n"+
			"roles. This flag is deprecated. Instead, operators should configure\n"+
			"weights dynamically using the `/weights` HTTP endpoint.")
	fs.Path(&f.Whitelist, "whitelist",
		"Path to a file which contains a list of agents (one per line) to\n"+
			"advertise offers for. The file is watched and periodically re-read to\n"+
			"refresh the agent whitelist. By default there is no whitelist: all\n"+
			"machines are accepted. Path can be of the form\n"+
			"`file:///path/to/file` or `/path/to/file`.")

	return f
}

// FlagSet is the flag set Define declared the flags on.
func (f *Flags) FlagSet() *flags.FlagSet { return f.fs }

// Check applies the rules between flags that mesos-master's main enforces
// after loading (and after --version, which must work on its own).
func (f *Flags) Check() error {
	fs := f.fs
	if err := f.Common.Check(fs); err != nil {
		return err
	}
	if f.Registry == "replicated_log" && !fs.Lookup("work_dir").IsSet() {
		return errors.New("--work_dir needed for replicated log based registry")
	}
	if fs.Lookup("zk").IsSet() {
		if fs.Lookup("master_contender").IsSet() || fs.Lookup("master_detector").IsSet() {
			return errors.New("Only one of --zk or the " +
				"--master_contender/--master_detector pair should be specified")
		}
		if f.Registry == "replicated_log" && !fs.Lookup("quorum").IsSet() {
			return errors.New("Need to specify --quorum for replicated log based registry when using ZooKeeper")
		}
	}
	if fs.Lookup("master_contender").IsSet() != fs.Lookup("master_detector").IsSet() {
		return errors.New("Both --master_contender and --master_detector should be specified or omitted")
	}
	return f.checkValues()
}

// checkValues checks the values with a grammar of their own, so that a bad
// one is reported before anything starts.
func (f *Flags) checkValues() error {
	if f.fs.Lookup("zk").IsSet() {
		if _, err := zk.ParseURL(f.Zk); err != nil {
			return fmt.Errorf("Failed to parse --zk: %w", err)
		}
	}
	if _, err := parseRoles(f.Roles); err != nil {
		return err
	}
	if _, err := parseWeights(f.Weights); err != nil {
		return err
	}
	if _, err := parsePercentage(f.RecoveryAgentRemovalLimit); err != nil {
		return err
	}
	return f.checkACLs()
}

// checkACLs parses --acls when the local authorizer will read them, so
// that bad ACLs stop the master at start-up with the parser's reason.
// (Every authentication and authorization flag is served; none is
// refused any more.)
func (f *Flags) checkACLs() error {
	if len(f.ACLs) == 0 || strings.TrimSpace(f.Authorizers) != "local" {
		return nil
	}
	if _, err := authz.ParseACLs(f.ACLs, slog.New(slog.DiscardHandler)); err != nil {
		return fmt.Errorf("--acls: %w", err)
	}
	return nil
}
