package agent

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gomesos/mesos/builtin/isolator"
	"github.com/gomesos/mesos/core/agent/containerizer"
	"github.com/gomesos/mesos/core/agent/docker/engine"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/units"
	"github.com/gomesos/mesos/core/zk"
	"github.com/gomesos/mesos/modules/host"
	"github.com/gomesos/mesos/modules/runtime/builtin"
)

// Config is what an agent is started with; cmd/mesos-agent fills it from
// Mesos's flags. Zero values take Mesos's defaults.
type Config struct {
	// Master is --master: the master's host:port, or zk://... (the
	// masters' znodes, followed to the leader), or file:///path holding
	// either.
	Master string
	// ZKSessionTimeout is the ZooKeeper session timeout of the master
	// detector with --master=zk://... (zk.DefaultSessionTimeout when
	// zero).
	ZKSessionTimeout time.Duration
	// WorkDir is --work_dir (sandboxes and checkpoints); created if
	// missing.
	WorkDir string
	// RuntimeDir is --runtime_dir (the containers' runtime state); default
	// <work_dir>/run.
	RuntimeDir string

	// IP and Port to listen on (--ip, --port; Port 0 picks a free port).
	// Listener, when set, is used instead (and IP and Port are ignored).
	IP       string
	Port     int
	Listener net.Listener
	// AdvertiseIP and AdvertisePort are the address the agent gives the
	// master and its executors, when different from the bound one.
	AdvertiseIP   string
	AdvertisePort int
	// Hostname is --hostname; default the host's name.
	Hostname string

	// Resources is --resources (text or JSON); what it does not give is
	// detected from the host. Attributes is --attributes. DefaultRole is
	// --default_role.
	Resources   string
	Attributes  string
	DefaultRole string

	// Recover is --recover ("reconnect" or "cleanup"); Strict is --strict.
	// ReconfigurationPolicy is --reconfiguration_policy ("equal" or
	// "additive").
	Recover               string
	Strict                bool
	ReconfigurationPolicy string

	RecoveryTimeout               time.Duration // --recovery_timeout (15mins)
	ExecutorRegistrationTimeout   time.Duration // --executor_registration_timeout (1mins)
	ExecutorReregistrationTimeout time.Duration // --executor_reregistration_timeout (2secs)
	ExecutorShutdownGracePeriod   time.Duration // --executor_shutdown_grace_period (5secs)
	RegistrationBackoffFactor     time.Duration // --registration_backoff_factor (1secs)
	GCDelay                       time.Duration // --gc_delay (1weeks)
	DiskWatchInterval             time.Duration // --disk_watch_interval (1mins)
	// GCDiskHeadroom is --gc_disk_headroom; nil means 0.1.
	GCDiskHeadroom *float64
	// MaxCompletedExecutorsPerFramework is
	// --max_completed_executors_per_framework (150).
	MaxCompletedExecutorsPerFramework int
	// SwitchUser is --switch_user: run tasks as their framework's user.
	SwitchUser bool

	// ExecutorEnvironment is --executor_environment_variables; nil means
	// executors inherit Env.
	ExecutorEnvironment map[string]string
	// Env is the agent's own environment; default os.Environ().
	Env []string
	// ExecutorBinary is the program re-executed as the command and
	// default executors (it must run cmd/internal/executors' MaybeRun
	// first thing in main); default mesos-executor from the launcher
	// directory (see LauncherDir), else the running binary.
	ExecutorBinary string
	// LauncherDir is --launcher_dir when given: the directory of the
	// helper programs (mesos-containerizer, mesos-executor), which must
	// then be there. Empty: they are looked for next to the running
	// binary, and without them the running binary plays their parts.
	LauncherDir string

	// Fetcher flags.
	FrameworksHome      string
	FetcherCacheDir     string
	FetcherCacheSize    units.Bytes
	FetcherStallTimeout time.Duration

	// Modules is --modules: a manifest's JSON text (the flag layer has
	// read the file a path or file:// value names); ModulesDir is
	// --modules_dir. Both empty: no modules are loaded.
	Modules    []byte
	ModulesDir string
	// Catalog holds the built-in modules (manifest libraries without a
	// file, and the names the flags below fall back to); nil is
	// builtin/catalog's, with IsolatorOptions.
	Catalog         *builtin.Catalog
	IsolatorOptions isolator.Options

	// Isolation is --isolation: isolators by name, in order, each a
	// loaded Isolator module of that name or a built-in. Isolators, when
	// not nil, are used instead, as they are (tests).
	Isolation string
	Isolators []containerizer.NamedIsolator
	// Containerizers is --containerizers: "mesos" and/or "docker" (the
	// order is Mesos's preference; a DOCKER ContainerInfo goes to docker,
	// the others to mesos). Empty means mesos. Docker configures the
	// Docker containerizer.
	Containerizers []string
	Docker         DockerConfig
	// Launcher runs the containers (default: the launcher package's,
	// running mesos-containerizer from the launcher directory, else
	// re-executing this binary).
	Launcher containerizer.Launcher

	// ResourceEstimator is --resource_estimator: a ResourceEstimator
	// module or built-in by name; "" (or "noop") estimates nothing.
	// OversubscribedResourcesInterval is how often it is asked
	// (--oversubscribed_resources_interval, 15secs).
	ResourceEstimator               string
	OversubscribedResourcesInterval time.Duration
	// QoSController is --qos_controller: a QoSController module or
	// built-in by name; "" (or "noop") corrects nothing.
	// QoSCorrectionIntervalMin is the least time between two requests for
	// corrections (--qos_correction_interval_min; Mesos's default, 0, is
	// raised to MinQoSCorrectionInterval).
	QoSController            string
	QoSCorrectionIntervalMin time.Duration
	// ContainerLogger is --container_logger: a ContainerLogger module or
	// built-in by name; "" is the built-in sandbox logger.
	ContainerLogger string
	// Hooks is --hooks: Hook modules by name, run in that order.
	Hooks string
	// Registry collects the modules' metrics (module_*), which
	// /metrics/snapshot shows under Mesos-style names; nil: a registry
	// of the agent's own.
	Registry *prometheus.Registry
	// SharedModules, when set, is a module host shared with the other
	// daemons of the process (mesos-local's): the agent loads its
	// manifest into it, uses its Catalog and Registry (replacing the two
	// above), and leaves it open when it stops, detaching its plugin
	// isolators if containers are left, for the owner to close.
	SharedModules *host.Shared

	// Flags are the effective flags, for /flags and GET_FLAGS.
	Flags map[string]string
	// Version is the Mesos release reported (default 1.11.0).
	Version string

	// StatusUpdateRetryMin and Max bound the resending of unacknowledged
	// status updates (Mesos: 10secs and 10mins).
	StatusUpdateRetryMin, StatusUpdateRetryMax time.Duration

	// Credential is --credential: the principal and secret the agent
	// presents to the master when it registers (registration.go); nil
	// presents none.
	Credential *mesospb.Credential

	// Authentication and authorization of the agent's own endpoints
	// (auth.go): --authenticate_http_readonly (/state, /flags,
	// /metrics/snapshot, /monitor/statistics, /files/*),
	// --authenticate_http_readwrite (/api/v1), with the
	// --http_authenticators authenticator ("basic" over
	// --http_credentials, or an HttpAuthenticator module); --authorizer
	// ("local" over --acls, or an Authorizer module) decides what the
	// authenticated principal may do and see. No ACLs and the local
	// authorizer: no authorization.
	AuthenticateHTTPReadOnly  bool
	AuthenticateHTTPReadWrite bool
	HTTPAuthenticators        string
	HTTPCredentials           string
	ACLs                      string
	Authorizer                string

	// Executor authentication (executor_auth.go): JWTSecretKey is
	// --jwt_secret_key, the file whose contents sign the token each
	// executor gets in MESOS_EXECUTOR_AUTHENTICATION_TOKEN;
	// --authenticate_http_executors (which needs it) makes
	// /api/v1/executor require that token.
	AuthenticateHTTPExecutors bool
	JWTSecretKey              string

	// HTTPClient talks to the master and fetches URIs.
	HTTPClient *http.Client
	Logger     *slog.Logger
}

// DockerConfig is the Docker containerizer's flags.
type DockerConfig struct {
	Socket          string        // --docker_socket (/var/run/docker.sock)
	StopTimeout     time.Duration // --docker_stop_timeout (0ns)
	RemoveDelay     time.Duration // --docker_remove_delay (6hrs)
	KillOrphans     bool          // --docker_kill_orphans
	EnableCFS       bool          // --cgroups_enable_cfs
	MappedDirectory string        // --sandbox_directory (/mnt/mesos/sandbox)
	// DefaultContainerDNS is --default_container_dns (nil: none).
	DefaultContainerDNS *engine.ContainerDNS
	// Config is --docker_config, the registry credentials of image pulls
	// (nil: none).
	Config *engine.DockerConfig
}

// Recovery modes.
const (
	RecoverReconnect = "reconnect"
	RecoverCleanup   = "cleanup"
)

// DefaultVersion is the Mesos release the agent reports.
const DefaultVersion = "1.11.0"

// The floors of the oversubscription loops' intervals. Mesos asks the QoS
// controller again as soon as it answered (its
// --qos_correction_interval_min defaults to 0); each round here gathers
// every executor's usage, so it is not done more often than this.
const (
	MinQoSCorrectionInterval           = time.Second
	MinOversubscribedResourcesInterval = 100 * time.Millisecond
)

func (c *Config) setDefaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.RecoveryTimeout, 15*time.Minute)
	def(&c.ExecutorRegistrationTimeout, time.Minute)
	def(&c.ExecutorReregistrationTimeout, 2*time.Second)
	def(&c.ExecutorShutdownGracePeriod, 5*time.Second)
	def(&c.RegistrationBackoffFactor, time.Second)
	def(&c.GCDelay, 7*24*time.Hour)
	def(&c.DiskWatchInterval, time.Minute)
	def(&c.OversubscribedResourcesInterval, 15*time.Second)
	c.OversubscribedResourcesInterval = max(c.OversubscribedResourcesInterval, MinOversubscribedResourcesInterval)
	c.QoSCorrectionIntervalMin = max(c.QoSCorrectionIntervalMin, MinQoSCorrectionInterval)
	if c.SharedModules != nil {
		c.Catalog, c.Registry = c.SharedModules.Catalog, c.SharedModules.Registry
	}
	if c.Registry == nil {
		c.Registry = prometheus.NewRegistry()
	}
	if c.Recover == "" {
		c.Recover = RecoverReconnect
	}
	if c.ReconfigurationPolicy == "" {
		c.ReconfigurationPolicy = "equal"
	}
	if c.DefaultRole == "" {
		c.DefaultRole = "*"
	}
	if c.MaxCompletedExecutorsPerFramework <= 0 {
		c.MaxCompletedExecutorsPerFramework = 150
	}
	if c.Version == "" {
		c.Version = DefaultVersion
	}
	if c.Env == nil {
		c.Env = os.Environ()
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.HTTPClient == nil {
		c.HTTPClient = newHTTPClient()
	}
	if c.WorkDir != "" {
		if abs, err := filepath.Abs(c.WorkDir); err == nil {
			c.WorkDir = abs
		}
		if c.RuntimeDir == "" {
			c.RuntimeDir = filepath.Join(c.WorkDir, "run")
		}
	}
	if c.Hostname == "" {
		if h, err := os.Hostname(); err == nil {
			c.Hostname = h
		}
	}
}

func (c *Config) validate() error {
	switch {
	case c.Master == "":
		return errors.New("agent: no master given (--master=host:port or zk://...)")
	case c.WorkDir == "":
		return errors.New("agent: no work directory given (--work_dir)")
	}
	master, err := resolveMasterFile(c.Master)
	if err != nil {
		return fmt.Errorf("agent: --master=%s: %w", c.Master, err)
	}
	c.Master = master
	if strings.HasPrefix(c.Master, zk.Scheme) {
		if _, err := zk.ParseURL(c.Master); err != nil {
			return fmt.Errorf("agent: --master: %w", err)
		}
	} else if _, _, err := net.SplitHostPort(standaloneMaster(c.Master)); err != nil {
		return fmt.Errorf("agent: --master=%s is not host:port or zk://...: %w", c.Master, err)
	}
	if c.Recover != RecoverReconnect && c.Recover != RecoverCleanup {
		return fmt.Errorf("agent: --recover=%s: expected 'reconnect' or 'cleanup'", c.Recover)
	}
	if c.ReconfigurationPolicy != "equal" && c.ReconfigurationPolicy != "additive" {
		return fmt.Errorf("agent: --reconfiguration_policy=%s: expected 'equal' or 'additive'", c.ReconfigurationPolicy)
	}
	return nil
}

// resolveMasterFile reads a file:///path --master (the flags package
// usually has already); its contents are the master, which must not name
// another file.
func resolveMasterFile(master string) (string, error) {
	master = strings.TrimSpace(master)
	if !strings.HasPrefix(master, "file://") {
		return master, nil
	}
	data, err := os.ReadFile(strings.TrimPrefix(master, "file://"))
	if err != nil {
		return "", fmt.Errorf("read the master: %w", err)
	}
	inner := strings.TrimSpace(string(data))
	if strings.HasPrefix(inner, "file://") {
		return "", fmt.Errorf("the file names another file (%s)", inner)
	}
	if inner == "" {
		return "", errors.New("the file is empty")
	}
	return inner, nil
}

// standaloneMaster is host:port of a --master given as host:port,
// master@host:port or http://host:port.
func standaloneMaster(m string) string {
	m = strings.TrimPrefix(m, "http://")
	if i := strings.LastIndexByte(m, '@'); i >= 0 {
		m = m[i+1:]
	}
	return strings.TrimSuffix(m, "/")
}

// masterURL is the base URL of a standalone master; with zk://... it is
// the first ZooKeeper server's (only good for picking the route out).
func (c *Config) masterURL() string {
	if strings.HasPrefix(c.Master, zk.Scheme) {
		if u, err := zk.ParseURL(c.Master); err == nil && len(u.Servers) > 0 {
			return "http://" + u.Servers[0]
		}
	}
	return "http://" + standaloneMaster(c.Master)
}

// newHTTPClient is an agent's own client: http.DefaultClient's settings
// with its own connection pool. Agents in one process (mesos-local) would
// otherwise share http.DefaultTransport's 2 idle connections per host with
// each other and with an in-process framework, closing a connection to
// the master after most calls and dialing a new one for the next.
func newHTTPClient() *http.Client {
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return &http.Client{}
	}
	return &http.Client{Transport: t.Clone()}
}
