package logger

import (
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/units"
)

// StreamConfig is how one stream is rotated.
type StreamConfig struct {
	// MaxSize is the most a log file may hold, in bytes (at least a page).
	MaxSize int64
	Options RotateOptions
}

// LogrotateConfig configures the logrotate logger.
type LogrotateConfig struct {
	Stdout, Stderr StreamConfig
	// EnvPrefix is the prefix of the executor environment variables that
	// override Stdout and Stderr for one executor.
	EnvPrefix string
	Logger    *slog.Logger
}

// DefaultMaxSize is Mesos's default max_stdout_size and max_stderr_size.
const DefaultMaxSize = 10 * units.Megabyte

// DefaultEnvPrefix is Mesos's default environment_variable_prefix.
const DefaultEnvPrefix = "CONTAINER_LOGGER_"

// ParseLogrotateParams reads the logrotate logger's parameters, Mesos's:
// max_stdout_size, logrotate_stdout_options, max_stderr_size,
// logrotate_stderr_options, environment_variable_prefix; launcher_dir,
// logrotate_path and libprocess_num_worker_threads are accepted and
// ignored (rotation runs in the agent, in Go). Any other parameter is an
// error, as in Mesos.
func ParseLogrotateParams(params map[string]string, log *slog.Logger) (LogrotateConfig, error) {
	cfg := LogrotateConfig{
		Stdout:    StreamConfig{MaxSize: int64(DefaultMaxSize)},
		Stderr:    StreamConfig{MaxSize: int64(DefaultMaxSize)},
		EnvPrefix: DefaultEnvPrefix,
		Logger:    log,
	}
	for key, value := range params {
		switch key {
		case "environment_variable_prefix":
			cfg.EnvPrefix = value
		case "launcher_dir", "logrotate_path", "libprocess_num_worker_threads":
			log.Info("logrotate container logger: parameter not used (rotation runs in the agent)", "parameter", key)
		default:
			if ok, err := cfg.setStream(key, value); err != nil {
				return LogrotateConfig{}, fmt.Errorf("logrotate container logger: parameter '%s': %w", key, err)
			} else if !ok {
				return LogrotateConfig{}, fmt.Errorf("logrotate container logger: unknown parameter '%s'", key)
			}
		}
	}
	return cfg, nil
}

// setStream sets one of the per-stream settings, reporting whether key is
// one.
func (c *LogrotateConfig) setStream(key, value string) (bool, error) {
	var s *StreamConfig
	var isSize bool
	switch key {
	case "max_stdout_size":
		s, isSize = &c.Stdout, true
	case "max_stderr_size":
		s, isSize = &c.Stderr, true
	case "logrotate_stdout_options":
		s = &c.Stdout
	case "logrotate_stderr_options":
		s = &c.Stderr
	default:
		return false, nil
	}
	if isSize {
		size, err := units.ParseBytes(value)
		if err != nil {
			return true, err
		}
		if page := os.Getpagesize(); size < units.Bytes(page) {
			return true, fmt.Errorf("expected --max_stdout_size and --max_stderr_size of at least %d bytes", page)
		}
		if size > 1<<62 {
			return true, fmt.Errorf("size %v is too large", size)
		}
		s.MaxSize = int64(size)
		return true, nil
	}
	opts, err := ParseRotateOptions(value)
	if err != nil {
		return true, err
	}
	s.Options = opts
	return true, nil
}

// ForExecutor returns the configuration for one executor: the
// <prefix>MAX_STDOUT_SIZE, <prefix>LOGROTATE_STDOUT_OPTIONS,
// <prefix>MAX_STDERR_SIZE and <prefix>LOGROTATE_STDERR_OPTIONS variables
// of its command's environment (then of the task's command, for a command
// task) override the module's settings. Another variable with the prefix,
// or a bad value, is an error, as Mesos fails such a launch.
func (c LogrotateConfig) ForExecutor(executor *mesospb.ExecutorInfo, task *mesospb.TaskInfo) (LogrotateConfig, error) {
	out := c
	if c.EnvPrefix == "" {
		return out, nil
	}
	for _, env := range []*mesospb.Environment{task.GetCommand().GetEnvironment(), executor.GetCommand().GetEnvironment()} {
		for _, v := range env.GetVariables() {
			name, ok := strings.CutPrefix(v.GetName(), c.EnvPrefix)
			if !ok {
				continue
			}
			key := strings.ToLower(name)
			if ok, err := out.setStream(key, v.GetValue()); err != nil {
				return LogrotateConfig{}, fmt.Errorf("executor logger setting %s: %w", v.GetName(), err)
			} else if !ok {
				return LogrotateConfig{}, fmt.Errorf("executor logger setting %s: unknown setting '%s'", v.GetName(), key)
			}
		}
	}
	return out, nil
}
