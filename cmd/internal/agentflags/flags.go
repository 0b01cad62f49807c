// Package agentflags declares mesos-agent's flags, with Mesos's names,
// defaults and help, and turns them into the agent's Config. mesos-agent
// loads them from its command line and MESOS_* environment; mesos-local
// loads them from the environment only, as Apache Mesos's mesos-local does.
package agentflags

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gomesos/mesos/cmd/internal/cmdutil"
	"github.com/gomesos/mesos/core/flags"
	"github.com/gomesos/mesos/core/units"
)

// Flags are mesos-agent's flags, declared in New with Mesos's
// names, defaults and help (docs/configuration/agent.md and
// master-and-agent.md of Mesos 1.x). Every agent flag lives here; the
// isolator- and image-specific flags of Mesos come with those features.
type Flags struct {
	cmdutil.Common
	cmdutil.Logging

	// Required in Mesos's documentation (see check).
	Master  string
	WorkDir string

	ACLs                              json.RawMessage
	AgentFeatures                     json.RawMessage
	Attributes                        string
	Authenticatee                     string
	AuthenticateHTTPExecutors         bool
	AuthenticationBackoffFactor       units.Duration
	AuthenticationTimeoutMax          units.Duration
	AuthenticationTimeoutMin          units.Duration
	Authorizer                        string
	CgroupsEnableCFS                  bool
	CgroupsHierarchy                  string
	CgroupsLimitSwap                  bool
	CgroupsRoot                       string
	ContainerDiskWatchInterval        units.Duration
	ContainerLogger                   string
	Containerizers                    string
	Credential                        string
	DefaultContainerDNS               json.RawMessage
	DefaultContainerInfo              json.RawMessage
	DefaultRole                       string
	DisallowSharingAgentPIDNamespace  bool
	DiskWatchInterval                 units.Duration
	Docker                            string
	DockerConfig                      json.RawMessage
	DockerKillOrphans                 bool
	DockerRemoveDelay                 units.Duration
	DockerSocket                      string
	DockerStopTimeout                 units.Duration
	EnforceContainerDiskQuota         bool
	ExecutorEnvironmentVariables      json.RawMessage
	ExecutorRegistrationTimeout       units.Duration
	ExecutorReregistrationTimeout     units.Duration
	ExecutorShutdownGracePeriod       units.Duration
	FetcherCacheDir                   string
	FetcherCacheSize                  units.Bytes
	FetcherStallTimeout               units.Duration
	FrameworksHome                    string
	GCDelay                           units.Duration
	GCDiskHeadroom                    float64
	HadoopHome                        string
	HTTPCommandExecutor               bool
	HTTPCredentials                   string
	HTTPHeartbeatInterval             units.Duration
	ImageProviders                    string
	Isolation                         string
	JWTSecretKey                      string
	Launcher                          string
	LauncherDir                       string
	MasterDetector                    string
	MaxCompletedExecutorsPerFramework uint
	OversubscribedResourcesInterval   units.Duration
	QoSController                     string
	QoSCorrectionIntervalMin          units.Duration
	ReconfigurationPolicy             string
	Recover                           string
	RecoveryTimeout                   units.Duration
	RegistrationBackoffFactor         units.Duration
	ResourceEstimator                 string
	Resources                         string
	RevocableCPULowPriority           bool
	RuntimeDir                        string
	SandboxDirectory                  string
	Strict                            bool
	SwitchUser                        bool
	SystemdEnableSupport              bool
	SystemdRuntimeDirectory           string
}

func New() (*flags.FlagSet, *Flags) {
	f := &Flags{}
	fs := flags.NewFlagSet("mesos-agent")
	fs.SetEnvPrefix(cmdutil.EnvPrefix)

	cmdutil.AddCommon(fs, &f.Common, "agent", 5051)
	cmdutil.AddLogging(fs, &f.Logging)

	fs.String(&f.Master, "master",
		"May be one of:\n"+
			"  `host:port`\n"+
			"  `zk://host1:port1,host2:port2,.../path`\n"+
			"  `zk://username:password@host1:port1,host2:port2,.../path`\n"+
			"  `file:///path/to/file` (where file contains one of the above)")
	fs.String(&f.WorkDir, "work_dir",
		"Path of the agent work directory. This is where executor sandboxes\n"+
			"will be placed, as well as the agent's checkpointed state in case of\n"+
			"failover. Note that locations like `/tmp` which are cleaned\n"+
			"automatically are not suitable for the work directory when running in\n"+
			"production, since long-running agents could lose data when cleanup\n"+
			"occurs. (Example: `/var/lib/mesos/agent`)")

	fs.JSON(&f.ACLs, "acls",
		"The value could be a JSON-formatted string of ACLs\n"+
			"or a file path containing the JSON-formatted ACLs used\n"+
			"for authorization. Path could be of the form `file:///path/to/file`\n"+
			"or `/path/to/file`.\n\n"+
			"Note that if the `--authorizer` flag is provided with a value\n"+
			"other than `local`, the ACLs contents will be ignored.\n\n"+
			"See the ACLs protobuf in acls.proto for the expected format.")
	fs.JSON(&f.AgentFeatures, "agent_features",
		"JSON representation of agent features to whitelist. We always require\n"+
			"'MULTI_ROLE', 'HIERARCHICAL_ROLE', and 'RESERVATION_REFINEMENT'.")
	fs.String(&f.Attributes, "attributes",
		"Attributes of the agent machine, in the form:\n"+
			"`rack:2` or `rack:2;u:1`")
	fs.String(&f.Authenticatee, "authenticatee",
		"Authenticatee implementation to use when authenticating against the\n"+
			"master. Use the default `crammd5`, or\n"+
			"load an alternate authenticatee module using `--modules`.", "crammd5")
	fs.Bool(&f.AuthenticateHTTPExecutors, "authenticate_http_executors",
		"If `true`, only authenticated requests for the HTTP executor API are\n"+
			"allowed. If `false`, unauthenticated requests are also allowed. This\n"+
			"flag requires `--jwt_secret_key`: the agent gives each executor a JWT\n"+
			"signed with that key in MESOS_EXECUTOR_AUTHENTICATION_TOKEN, which\n"+
			"the executor presents as `Authorization: Bearer <token>`.", false)
	fs.Duration(&f.AuthenticationBackoffFactor, "authentication_backoff_factor",
		"The agent will time out its authentication with the master based on\n"+
			"exponential backoff. The timeout will be randomly chosen within the\n"+
			"range `[min, min + factor*2^n]` where `n` is the number of failed\n"+
			"attempts. To tune these parameters, set the\n"+
			"`--authentication_timeout_[min|max|factor]` flags.", units.Second)
	fs.Duration(&f.AuthenticationTimeoutMax, "authentication_timeout_max",
		"The maximum amount of time the agent waits before retrying authenticating\n"+
			"with the master. See `--authentication_backoff_factor` for more details.", units.Minute)
	fs.Duration(&f.AuthenticationTimeoutMin, "authentication_timeout_min",
		"The minimum amount of time the agent waits before retrying authenticating\n"+
			"with the master. See `--authentication_backoff_factor` for more details.", 5*units.Second)
	fs.String(&f.Authorizer, "authorizer",
		"Authorizer implementation to use when authorizing actions that\n"+
			"require it.\n"+
			"Use the default `local`, or\n"+
			"load an alternate authorizer module using `--modules`.\n\n"+
			"Note that if the `--authorizer` flag is provided with a value\n"+
			"other than the default `local`, the ACLs\n"+
			"passed through the `--acls` flag will be ignored.", "local")
	fs.Bool(&f.CgroupsEnableCFS, "cgroups_enable_cfs",
		"Cgroups feature flag to enable hard limits on CPU resources\n"+
			"via the CFS bandwidth limiting subfeature.", false)
	fs.Path(&f.CgroupsHierarchy, "cgroups_hierarchy",
		"The path to the cgroups hierarchy root", "/sys/fs/cgroup")
	fs.Bool(&f.CgroupsLimitSwap, "cgroups_limit_swap",
		"Cgroups feature flag to enable memory limits on both memory and\n"+
			"swap instead of just memory.", false)
	fs.String(&f.CgroupsRoot, "cgroups_root", "Name of the root cgroup", "mesos")
	fs.Duration(&f.ContainerDiskWatchInterval, "container_disk_watch_interval",
		"The interval between disk quota checks for containers. This flag is\n"+
			"used for the `disk/du` isolator.", 15*units.Second)
	fs.String(&f.ContainerLogger, "container_logger",
		"The name of the container logger to use for logging container\n"+
			"(i.e., executor and task) stdout and stderr. The default\n"+
			"container logger writes to `stdout` and `stderr` files\n"+
			"in the sandbox directory.")
	fs.String(&f.Containerizers, "containerizers",
		"Comma-separated list of containerizer implementations\n"+
			"to compose in order to provide containerization.\n"+
			"Available options are `mesos` and\n"+
			"`docker` (on Linux). The order the containerizers\n"+
			"are specified is the order they are tried.", "mesos")
	fs.String(&f.Credential, "credential",
		"Path to a JSON-formatted file containing the credential\n"+
			"to use to authenticate with the master.\n"+
			"Path could be of the form `file:///path/to/file` or `/path/to/file`.\n"+
			"Example:\n"+
			"{\n"+
			"  \"principal\": \"username\",\n"+
			"  \"secret\": \"secret\"\n"+
			"}").Structured().Sensitive()
	fs.JSON(&f.DefaultContainerDNS, "default_container_dns",
		"JSON-formatted DNS information for CNI networks (Mesos containerizer)\n"+
			"and CNM networks (Docker containerizer). For CNI networks, this flag\n"+
			"can be used to configure `nameservers`, `domain`, `search` and\n"+
			"`options`, and its priority is lower than the DNS information returned\n"+
			"by a CNI plugin, but higher than the DNS information in agent host's\n"+
			"/etc/resolv.conf. For CNM networks, this flag can be used to configure\n"+
			"`nameservers`, `search` and `options`, it will only be used if there\n"+
			"is no DNS information provided in the ContainerInfo.docker.parameters\n"+
			"message.\n\n"+
			"See the ContainerDNS message in `flags.proto` for the expected format.\n\n"+
			"Example:\n"+
			"{\n"+
			"  \"docker\": [\n"+
			"    {\n"+
			"      \"network_mode\": \"BRIDGE\",\n"+
			"      \"dns\": {\n"+
			"        \"nameservers\": [ \"8.8.8.8\", \"8.8.4.4\" ]\n"+
			"      }\n"+
			"    }\n"+
			"  ]\n"+
			"}")
	fs.JSON(&f.DefaultContainerInfo, "default_container_info",
		"JSON-formatted ContainerInfo that will be included into\n"+
			"any ExecutorInfo that does not specify a ContainerInfo.\n\n"+
			"See the ContainerInfo protobuf in mesos.proto for\n"+
			"the expected format.")
	fs.String(&f.DefaultRole, "default_role",
		"Any resources in the `--resources` flag that\n"+
			"omit a role, as well as any resources that\n"+
			"are not present in `--resources` but that are\n"+
			"automatically detected, will be assigned to\n"+
			"this role.", "*")
	fs.Bool(&f.DisallowSharingAgentPIDNamespace, "disallow_sharing_agent_pid_namespace",
		"If set to `true`, each top-level container will have its own pid\n"+
			"namespace, and if the framework requests to share the agent pid\n"+
			"namespace for the top level container, it will be rejected. If set\n"+
			"to `false`, the top-level containers will share the pid namespace\n"+
			"with agent if the framework requests it. This flag will be ignored\n"+
			"if the `namespaces/pid` isolator is not enabled.", false)
	fs.Duration(&f.DiskWatchInterval, "disk_watch_interval",
		"Periodic time interval (e.g., 10secs, 2mins, etc)\n"+
			"to check the overall disk usage managed by the agent.\n"+
			"This drives the garbage collection of archived\n"+
			"information and sandboxes.", units.Minute)
	fs.JSON(&f.DockerConfig, "docker_config",
		"The default docker config file for agent. Can be provided either as an\n"+
			"absolute path pointing to the agent local docker config file, or as a\n"+
			"JSON-formatted string. The format of the docker config file should be\n"+
			"identical to docker's default one (e.g., either\n"+
			"`$HOME/.docker/config.json` or `$HOME/.dockercfg`).\n"+
			"Example JSON (`$HOME/.docker/config.json`):\n"+
			"{\n"+
			"  \"auths\": {\n"+
			"    \"https://index.docker.io/v1/\": {\n"+
			"      \"auth\": \"xXxXxXxXxXx=\",\n"+
			"      \"email\": \"username@example.com\"\n"+
			"    }\n"+
			"  }\n"+
			"}\n"+
			"The Docker containerizer's image pulls send the credential of the\n"+
			"image's registry. Credential helpers (`credsStore`, `credHelpers`)\n"+
			"are not run.").Sensitive()
	fs.String(&f.Docker, "docker",
		"The absolute path to the docker executable for docker\n"+
			"containerizer. Accepted for Mesos's command lines and not used:\n"+
			"the Docker containerizer and its executor speak the Docker Engine\n"+
			"API over `--docker_socket`; no docker CLI is run.", "docker")
	fs.Bool(&f.DockerKillOrphans, "docker_kill_orphans",
		"Enable docker containerizer to kill orphaned containers.\n"+
			"Only containers this agent labelled (its runtime directory)\n"+
			"are considered, so agents sharing a Docker daemon do not\n"+
			"remove each other's containers.", true)
	fs.Duration(&f.DockerRemoveDelay, "docker_remove_delay",
		"The amount of time to wait before removing docker containers\n"+
			"(i.e., `docker rm`) after Mesos regards the container as TERMINATED\n"+
			"(e.g., `3days`, `2weeks`, etc). This only applies for the Docker\n"+
			"Containerizer.", 6*units.Hour)
	fs.String(&f.DockerSocket, "docker_socket",
		"The unix socket of the Docker daemon, used by the agent and the\n"+
			"docker executor (the Engine API is spoken over it directly; no\n"+
			"docker CLI is needed).", "/var/run/docker.sock")
	fs.Duration(&f.DockerStopTimeout, "docker_stop_timeout",
		"The time docker daemon waits after stopping a container before\n"+
			"killing that container. This flag is deprecated; use task's kill\n"+
			"policy instead.", 0)
	fs.Bool(&f.EnforceContainerDiskQuota, "enforce_container_disk_quota",
		"Whether to enable disk quota enforcement for containers. This flag\n"+
			"is used by the `disk/du` and `disk/xfs` isolators.", false)
	fs.JSON(&f.ExecutorEnvironmentVariables, "executor_environment_variables",
		"JSON object representing the environment variables that should be\n"+
			"passed to the executor, and thus subsequently task(s). By default this\n"+
			"flag is none. Users have to define executor environment explicitly.\n"+
			"Example:\n"+
			"{\n"+
			"  \"PATH\": \"/bin:/usr/bin\",\n"+
			"  \"LD_LIBRARY_PATH\": \"/usr/local/lib\"\n"+
			"}")
	fs.Duration(&f.ExecutorRegistrationTimeout, "executor_registration_timeout",
		"Amount of time to wait for an executor\n"+
			"to register with the agent before considering it hung and\n"+
			"shutting it down (e.g., 60secs, 3mins, etc)", units.Minute)
	fs.Duration(&f.ExecutorReregistrationTimeout, "executor_reregistration_timeout",
		"The timeout within which an executor is expected to reregister after\n"+
			"the agent has restarted, before the agent considers it gone and shuts\n"+
			"it down. Note that currently, the agent will not reregister with the\n"+
			"master until this timeout has elapsed (see MESOS-7539).", 2*units.Second)
	fs.Duration(&f.ExecutorShutdownGracePeriod, "executor_shutdown_grace_period",
		"Default amount of time to wait for an executor to shut down\n"+
			"(e.g. 60secs, 3mins, etc). ExecutorInfo.shutdown_grace_period\n"+
			"overrides this default. Note that the executor must not assume\n"+
			"that it will always be allotted the full grace period, as the\n"+
			"agent may decide to allot a shorter period, and failures / forcible\n"+
			"terminations may occur.", 5*units.Second)
	fs.String(&f.FetcherCacheDir, "fetcher_cache_dir",
		"Parent directory for fetcher cache directories\n"+
			"(one subdirectory per agent).", "/tmp/mesos/fetch")
	fs.Bytes(&f.FetcherCacheSize, "fetcher_cache_size",
		"Size of the fetcher cache in Bytes.", 2*units.Gigabyte)
	fs.Duration(&f.FetcherStallTimeout, "fetcher_stall_timeout",
		"Amount of time for the fetcher to wait before considering a download\n"+
			"being too slow and abort it when the download stalls (i.e., the speed\n"+
			"keeps below one byte per second).\n"+
			"NOTE: This feature only applies when downloading data from the net and\n"+
			"does not apply to HDFS.", units.Minute)
	fs.String(&f.FrameworksHome, "frameworks_home",
		"Directory path prepended to relative executor URIs", "")
	fs.Duration(&f.GCDelay, "gc_delay",
		"Maximum amount of time to wait before cleaning up\n"+
			"executor directories (e.g., 3days, 2weeks, etc).\n"+
			"Note that this delay may be shorter depending on\n"+
			"the available disk usage.", units.Week)
	fs.Float64(&f.GCDiskHeadroom, "gc_disk_headroom",
		"Adjust disk headroom used to calculate maximum executor\n"+
			"directory age. Age is calculated by:\n"+
			"`gc_delay * max(0.0, (1.0 - gc_disk_headroom - disk usage))`\n"+
			"every `--disk_watch_interval` duration. `gc_disk_headroom` must\n"+
			"be a value between 0.0 and 1.0", 0.1).
		Validate(func() error {
			if f.GCDiskHeadroom < 0 || f.GCDiskHeadroom > 1 {
				return fmt.Errorf("Invalid value '%g' for --gc_disk_headroom. Must be between 0.0 and 1.0", f.GCDiskHeadroom)
			}
			return nil
		})
	fs.String(&f.HadoopHome, "hadoop_home",
		"Path to find Hadoop installed (for\n"+
			"fetching framework executors from HDFS)\n"+
			"(no default, look for `HADOOP_HOME` in\n"+
			"environment or find hadoop on `PATH`)")
	fs.Bool(&f.HTTPCommandExecutor, "http_command_executor",
		"The underlying executor library to be used for the command executor.\n"+
			"Accepted for Mesos's command lines: this agent's command executor\n"+
			"always speaks the v1 executor HTTP API (there is no libprocess\n"+
			"driver), whatever the value.", false)
	fs.String(&f.HTTPCredentials, "http_credentials",
		"Path to a JSON-formatted file containing credentials. These\n"+
			"credentials are used to authenticate HTTP endpoints on the agent.\n"+
			"Path can be of the form `file:///path/to/file` or `/path/to/file`.").
		Structured().Sensitive()
	fs.Duration(&f.HTTPHeartbeatInterval, "http_heartbeat_interval",
		"This flag sets a heartbeat interval (e.g. '5secs', '10mins') for\n"+
			"messages to be sent over persistent connections made against\n"+
			"the agent HTTP API. Currently, this only applies to the\n"+
			"`LAUNCH_NESTED_CONTAINER_SESSION` and `ATTACH_CONTAINER_OUTPUT` calls.",
		30*units.Second)
	fs.String(&f.ImageProviders, "image_providers",
		"Comma-separated list of supported image providers,\n"+
			"e.g., `APPC,DOCKER`.")
	fs.String(&f.Isolation, "isolation",
		"Isolation mechanisms to use, e.g., `posix/cpu,posix/mem`, or\n"+
			"`cgroups/cpu,cgroups/mem`, or load an alternate isolator module\n"+
			"using the `--modules` flag. Note that this flag is only relevant\n"+
			"for the Mesos Containerizer.", "posix/cpu,posix/mem")
	fs.Path(&f.JWTSecretKey, "jwt_secret_key",
		"Path to a file containing the key used when generating JWT secrets.\n"+
			"The agent signs (HMAC-SHA256) with it the authentication token it\n"+
			"gives each executor; `--authenticate_http_executors` requires it.").
		DeprecatedAlias("executor_secret_key")
	fs.String(&f.Launcher, "launcher",
		"The launcher to be used for Mesos containerizer. It could either be\n"+
			"`linux` or `posix`. The Linux launcher is required for cgroups\n"+
			"isolation and for any isolators that require Linux namespaces such as\n"+
			"network, pid, etc. If unspecified, the agent will choose the Linux\n"+
			"launcher if it's running as root on Linux.").
		Validate(func() error {
			if fs.Lookup("launcher").IsSet() {
				return cmdutil.OneOf(&f.Launcher, "launcher", "linux", "posix")()
			}
			return nil
		})
	fs.Path(&f.LauncherDir, "launcher_dir",
		"Directory path of Mesos binaries. Mesos looks for the\n"+
			"fetcher, containerizer, and executor binary files under this\n"+
			"directory.", "/usr/local/libexec/mesos")
	fs.String(&f.MasterDetector, "master_detector",
		"The symbol name of the master detector to use. This symbol\n"+
			"should exist in a module specified through the --modules flag.\n"+
			"Cannot be used in conjunction with --master.")
	fs.Uint(&f.MaxCompletedExecutorsPerFramework, "max_completed_executors_per_framework",
		"Maximum number of completed executors per framework to store\n"+
			"in memory.", 150)
	fs.Duration(&f.OversubscribedResourcesInterval, "oversubscribed_resources_interval",
		"The agent periodically updates the master with the current estimation\n"+
			"about the total amount of oversubscribed resources that are allocated\n"+
			"and available. The interval between updates is controlled by this flag.",
		15*units.Second)
	fs.String(&f.QoSController, "qos_controller",
		"The name of the QoS Controller to use for oversubscription.")
	fs.Duration(&f.QoSCorrectionIntervalMin, "qos_correction_interval_min",
		"The agent polls and carries out QoS corrections from the QoS\n"+
			"Controller based on its observed performance of running tasks.\n"+
			"The smallest interval between these corrections is controlled by\n"+
			"this flag.", 0)
	fs.String(&f.ReconfigurationPolicy, "reconfiguration_policy",
		"This flag controls which agent configuration changes are considered\n"+
			"acceptable when recovering the previous agent state. Possible values:\n"+
			"    equal:    The old and the new state must match exactly.\n"+
			"    additive: The new state must be a superset of the old state:\n"+
			"              it is permitted to add additional resources, attributes\n"+
			"              and domains but not to remove or to modify existing ones.",
		"equal").Validate(cmdutil.OneOf(&f.ReconfigurationPolicy, "reconfiguration_policy", "equal", "additive"))
	fs.String(&f.Recover, "recover",
		"Whether to recover status updates and reconnect with old executors.\n"+
			"Valid values for `recover` are\n"+
			"reconnect: Reconnect with any old live executors.\n"+
			"cleanup  : Kill any old live executors and exit.\n"+
			"           Use this option when doing an incompatible agent\n"+
			"           or executor upgrade!).", "reconnect").
		Validate(cmdutil.OneOf(&f.Recover, "recover", "reconnect", "cleanup"))
	fs.Duration(&f.RecoveryTimeout, "recovery_timeout",
		"Amount of time allotted for the agent to recover. If the agent takes\n"+
			"longer than recovery_timeout to recover, any executors that are\n"+
			"waiting to reconnect to the agent will self-terminate.", 15*units.Minute)
	fs.Duration(&f.RegistrationBackoffFactor, "registration_backoff_factor",
		"Agent initially picks a random amount of time between `[0, b]`, where\n"+
			"`b = registration_backoff_factor`, to (re-)register with a new master.\n"+
			"Subsequent retries are exponentially backed off based on this\n"+
			"interval (e.g., 1st retry uses a random value between `[0, b * 2^1]`,\n"+
			"2nd retry between `[0, b * 2^2]`, 3rd retry between `[0, b * 2^3]`,\n"+
			"etc) up to a maximum of 1mins", units.Second)
	fs.String(&f.ResourceEstimator, "resource_estimator",
		"The name of the resource estimator to use for oversubscription.")
	fs.String(&f.Resources, "resources",
		"Total consumable resources per agent. Can be provided in JSON format\n"+
			"or as a semicolon-delimited list of key:value pairs, with the role\n"+
			"optionally specified.\n\n"+
			"As a key:value list:\n"+
			"`name(role):value;name:value...`\n\n"+
			"To use JSON, pass a JSON-formatted string or use\n"+
			"`--resources=filepath` to specify the resources via a file containing\n"+
			"a JSON-formatted string. 'filepath' can be of the form\n"+
			"`file:///path/to/file` or `/path/to/file`.").Structured()
	fs.Bool(&f.RevocableCPULowPriority, "revocable_cpu_low_priority",
		"Run containers with revocable CPU at a lower priority than\n"+
			"normal containers (non-revocable cpu). Currently only\n"+
			"supported by the cgroups/cpu isolator.", true)
	fs.String(&f.RuntimeDir, "runtime_dir",
		"Path of the agent runtime directory. This is where runtime data\n"+
			"is stored by an agent that it needs to persist across crashes (but\n"+
			"not across reboots). This directory will be cleared on reboot.\n"+
			"(Example: `/var/run/mesos`)")
	fs.String(&f.SandboxDirectory, "sandbox_directory",
		"The absolute path for the directory in the container where the\n"+
			"sandbox is mapped to.", "/mnt/mesos/sandbox")
	fs.Bool(&f.Strict, "strict",
		"If `strict=true`, any and all recovery errors are considered fatal.\n"+
			"If `strict=false`, any expected errors (e.g., agent cannot recover\n"+
			"information about an executor, because the agent died right before\n"+
			"the executor registered.) during recovery are ignored and as much\n"+
			"state as possible is recovered.", true)
	fs.Bool(&f.SwitchUser, "switch_user",
		"If set to `true`, the agent will attempt to run tasks as\n"+
			"the `user` who submitted them (as defined in `FrameworkInfo`)\n"+
			"(this requires `setuid` permission and that the given `user`\n"+
			"exists on the agent).\n"+
			"If the user does not exist, an error occurs and the task will fail.\n"+
			"If set to `false`, tasks will be run as the same user as the Mesos\n"+
			"agent process.", true)
	fs.Bool(&f.SystemdEnableSupport, "systemd_enable_support",
		"Top level control of systemd support. When enabled, features such as\n"+
			"executor life-time extension are enabled unless there is an explicit\n"+
			"flag to disable these (see other flags). This should be enabled when\n"+
			"the agent is launched as a systemd unit.", true)
	fs.Path(&f.SystemdRuntimeDirectory, "systemd_runtime_directory",
		"The path to the systemd system run time directory", "/run/systemd/system")

	return fs, f
}

// check applies the rules between flags that mesos-agent's main enforces
// after loading (and after --version, which must work on its own).
func (f *Flags) Check(fs *flags.FlagSet) error {
	if err := f.Common.Check(fs); err != nil {
		return err
	}
	master, detector := fs.Lookup("master").IsSet(), fs.Lookup("master_detector").IsSet()
	switch {
	case master && detector:
		return errors.New("Only one of --master or --master_detector options should be specified")
	case !master && !detector:
		return errors.New("Missing required option `--master` or `--master_detector`")
	}
	if !fs.Lookup("work_dir").IsSet() {
		return errors.New("Flag 'work_dir' is required, but it was not provided")
	}
	return nil
}
