package agentflags

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/gomesos/mesos/builtin/authn"
	builtin "github.com/gomesos/mesos/builtin/isolator"
	"github.com/gomesos/mesos/core/agent"
	"github.com/gomesos/mesos/core/agent/docker/engine"
	"github.com/gomesos/mesos/core/flags"
)

// config turns the loaded flags into the agent's Config.
func (f *Flags) Config(fs *flags.FlagSet, env []string, logger *slog.Logger) (agent.Config, error) {
	if fs.Lookup("master_detector").IsSet() {
		return agent.Config{}, errors.New("--master_detector is not supported yet; give the master with --master=host:port")
	}
	cfg := agent.Config{
		Master:                            f.Master,
		ZKSessionTimeout:                  f.ZKSessionTimeout.Std(),
		WorkDir:                           f.WorkDir,
		RuntimeDir:                        f.RuntimeDir,
		IP:                                f.IP,
		Port:                              f.Port,
		AdvertiseIP:                       f.AdvertiseIP,
		AdvertisePort:                     f.AdvertisePort,
		Hostname:                          f.Hostname,
		Resources:                         f.Resources,
		Attributes:                        f.Attributes,
		DefaultRole:                       f.DefaultRole,
		Recover:                           f.Recover,
		Strict:                            f.Strict,
		ReconfigurationPolicy:             f.ReconfigurationPolicy,
		RecoveryTimeout:                   f.RecoveryTimeout.Std(),
		ExecutorRegistrationTimeout:       f.ExecutorRegistrationTimeout.Std(),
		ExecutorReregistrationTimeout:     f.ExecutorReregistrationTimeout.Std(),
		ExecutorShutdownGracePeriod:       f.ExecutorShutdownGracePeriod.Std(),
		RegistrationBackoffFactor:         f.RegistrationBackoffFactor.Std(),
		GCDelay:                           f.GCDelay.Std(),
		DiskWatchInterval:                 f.DiskWatchInterval.Std(),
		GCDiskHeadroom:                    &f.GCDiskHeadroom,
		MaxCompletedExecutorsPerFramework: int(f.MaxCompletedExecutorsPerFramework),
		SwitchUser:                        f.SwitchUser,
		Env:                               env,
		FrameworksHome:                    f.FrameworksHome,
		FetcherCacheDir:                   f.FetcherCacheDir,
		FetcherCacheSize:                  f.FetcherCacheSize,
		FetcherStallTimeout:               f.FetcherStallTimeout.Std(),
		Flags:                             fs.Values(),
		Logger:                            logger,
	}
	if fs.Lookup("docker").IsSet() && f.Docker != "docker" {
		logger.Warn("--docker is not used: the Docker containerizer speaks the Docker Engine API over --docker_socket", "docker", f.Docker)
	}
	if fs.Lookup("launcher_dir").IsSet() {
		cfg.LauncherDir = f.LauncherDir
	}
	if cfg.Hostname == "" && !f.HostnameLookup && f.IP != "" {
		cfg.Hostname = f.IP
	}
	if len(f.ExecutorEnvironmentVariables) > 0 {
		vars := map[string]string{}
		if err := json.Unmarshal(f.ExecutorEnvironmentVariables, &vars); err != nil {
			return cfg, fmt.Errorf("--executor_environment_variables must be a JSON object of strings: %w", err)
		}
		cfg.ExecutorEnvironment = vars
	}
	if f.Credential != "" {
		c, err := authn.ParseCredential([]byte(f.Credential))
		if err != nil {
			return cfg, fmt.Errorf("--credential: %w", err)
		}
		cfg.Credential = c
	}
	cfg.AuthenticateHTTPReadOnly, cfg.AuthenticateHTTPReadWrite = f.AuthenticateHTTPReadonly, f.AuthenticateHTTPReadwrite
	cfg.HTTPAuthenticators, cfg.HTTPCredentials = f.HTTPAuthenticators, f.HTTPCredentials
	cfg.ACLs, cfg.Authorizer = string(f.ACLs), f.Authorizer
	cfg.AuthenticateHTTPExecutors, cfg.JWTSecretKey = f.AuthenticateHTTPExecutors, f.JWTSecretKey
	cfg.Modules, cfg.ModulesDir, cfg.Hooks = f.Modules, f.ModulesDir, f.Hooks
	cfg.Isolation = f.Isolation
	cfg.IsolatorOptions = builtin.Options{
		CgroupsRoot:                      strings.TrimPrefix(f.CgroupsRoot, "/"),
		CgroupsEnableCFS:                 f.CgroupsEnableCFS,
		CgroupsLimitSwap:                 f.CgroupsLimitSwap,
		RevocableCPUNormalPriority:       !f.RevocableCPULowPriority,
		EnforceContainerDiskQuota:        f.EnforceContainerDiskQuota,
		ContainerDiskWatchInterval:       f.ContainerDiskWatchInterval.Std(),
		DisallowSharingAgentPIDNamespace: f.DisallowSharingAgentPIDNamespace,
		Logger:                           logger.With("component", "isolator"),
	}
	cfg.ResourceEstimator = f.ResourceEstimator
	cfg.OversubscribedResourcesInterval = f.OversubscribedResourcesInterval.Std()
	cfg.QoSController = f.QoSController
	cfg.QoSCorrectionIntervalMin = f.QoSCorrectionIntervalMin.Std()
	cfg.ContainerLogger = f.ContainerLogger
	cfg.Containerizers = strings.Split(f.Containerizers, ",")
	cfg.Docker = agent.DockerConfig{
		Socket:          f.DockerSocket,
		StopTimeout:     f.DockerStopTimeout.Std(),
		RemoveDelay:     f.DockerRemoveDelay.Std(),
		KillOrphans:     f.DockerKillOrphans,
		EnableCFS:       f.CgroupsEnableCFS,
		MappedDirectory: f.SandboxDirectory,
	}
	if len(f.DefaultContainerDNS) > 0 {
		dns, err := engine.ParseContainerDNS(f.DefaultContainerDNS)
		if err != nil {
			return cfg, err
		}
		cfg.Docker.DefaultContainerDNS = dns
	}
	if len(f.DockerConfig) > 0 {
		dc, err := engine.ParseDockerConfig(f.DockerConfig)
		if err != nil {
			return cfg, fmt.Errorf("--docker_config: %w", err)
		}
		cfg.Docker.Config = dc
	}
	return cfg, nil
}
