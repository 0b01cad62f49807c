package executors

import (
	"fmt"
	"time"

	"github.com/gomesos/mesos/core/units"
)

// Env is what the agent tells an executor through its environment
// (executor-http-api.md, "Environment variables").
type Env struct {
	FrameworkID string
	ExecutorID  string
	// Directory is the sandbox (MESOS_SANDBOX, else MESOS_DIRECTORY).
	Directory string
	// AgentEndpoint is the agent's host:port.
	AgentEndpoint string
	// Checkpoint: the framework checkpoints, so the executor waits for a
	// restarted agent (up to RecoveryTimeout, retrying at most every
	// BackoffMax) instead of exiting when it loses the agent.
	Checkpoint      bool
	RecoveryTimeout time.Duration
	BackoffMax      time.Duration
	// ShutdownGracePeriod is the time the agent gives the executor after
	// SHUTDOWN before it destroys the container.
	ShutdownGracePeriod time.Duration
	// AuthToken is the executor's token (MESOS_EXECUTOR_AUTHENTICATION_TOKEN,
	// given by an agent with --jwt_secret_key): the client presents it as a
	// bearer token on every call. "" sends none.
	AuthToken string
}

// EnvAuthToken holds the executor's authentication token. Its tasks do
// not inherit it (taskEnvironment), as Mesos's executors unset it.
const EnvAuthToken = "MESOS_EXECUTOR_AUTHENTICATION_TOKEN"

// Mesos's defaults when the agent does not say.
const (
	defaultShutdownGracePeriod = 5 * time.Second
	defaultRecoveryTimeout     = 15 * time.Minute
	defaultBackoffMax          = 2 * time.Second
)

// ParseEnv reads the executor environment; lookup is os.LookupEnv or a
// test's map.
func ParseEnv(lookup func(string) (string, bool)) (Env, error) {
	get := func(name string) (string, error) {
		v, ok := lookup(name)
		if !ok || v == "" {
			return "", fmt.Errorf("expecting '%s' to be set in the environment", name)
		}
		return v, nil
	}
	var env Env
	var err error
	if env.FrameworkID, err = get("MESOS_FRAMEWORK_ID"); err != nil {
		return env, err
	}
	if env.ExecutorID, err = get("MESOS_EXECUTOR_ID"); err != nil {
		return env, err
	}
	if env.AgentEndpoint, err = get("MESOS_AGENT_ENDPOINT"); err != nil {
		return env, err
	}
	if v, ok := lookup("MESOS_SANDBOX"); ok && v != "" {
		env.Directory = v
	} else if env.Directory, err = get("MESOS_DIRECTORY"); err != nil {
		return env, err
	}
	duration := func(name string, def time.Duration) (time.Duration, error) {
		v, ok := lookup(name)
		if !ok || v == "" {
			return def, nil
		}
		d, err := units.ParseDuration(v)
		if err != nil {
			return 0, fmt.Errorf("failed to parse %s '%s': %w", name, v, err)
		}
		return d.Std(), nil
	}
	if env.ShutdownGracePeriod, err = duration("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", defaultShutdownGracePeriod); err != nil {
		return env, err
	}
	if v, _ := lookup("MESOS_CHECKPOINT"); v == "1" {
		env.Checkpoint = true
		if env.RecoveryTimeout, err = duration("MESOS_RECOVERY_TIMEOUT", defaultRecoveryTimeout); err != nil {
			return env, err
		}
		if env.BackoffMax, err = duration("MESOS_SUBSCRIPTION_BACKOFF_MAX", defaultBackoffMax); err != nil {
			return env, err
		}
	}
	if env.BackoffMax <= 0 {
		env.BackoffMax = defaultBackoffMax
	}
	env.AuthToken, _ = lookup(EnvAuthToken)
	return env, nil
}
