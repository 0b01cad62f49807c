package engine

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// DockerInfo.parameters are docker run options (--key=value) in Mesos,
// which passes them to the docker CLI. This agent speaks the Engine API,
// so each supported option is applied to the create request; an option
// it does not know fails the task with a clear message instead of being
// dropped.
type parameterFunc func(cfg *CreateConfig, value string) error

var parameterFuncs = map[string]parameterFunc{
	"add-host":           appendTo(func(c *CreateConfig) *[]string { return &c.HostConfig.ExtraHosts }),
	"cap-add":            appendTo(func(c *CreateConfig) *[]string { return &c.HostConfig.CapAdd }),
	"cap-drop":           appendTo(func(c *CreateConfig) *[]string { return &c.HostConfig.CapDrop }),
	"dns":                appendTo(func(c *CreateConfig) *[]string { return &c.HostConfig.DNS }),
	"dns-search":         appendTo(func(c *CreateConfig) *[]string { return &c.HostConfig.DNSSearch }),
	"dns-opt":            appendTo(func(c *CreateConfig) *[]string { return &c.HostConfig.DNSOptions }),
	"dns-option":         appendTo(func(c *CreateConfig) *[]string { return &c.HostConfig.DNSOptions }),
	"security-opt":       appendTo(func(c *CreateConfig) *[]string { return &c.HostConfig.SecurityOpt }),
	"env":                appendTo(func(c *CreateConfig) *[]string { return &c.Env }),
	"e":                  appendTo(func(c *CreateConfig) *[]string { return &c.Env }),
	"volume":             appendTo(func(c *CreateConfig) *[]string { return &c.HostConfig.Binds }),
	"v":                  appendTo(func(c *CreateConfig) *[]string { return &c.HostConfig.Binds }),
	"hostname":           setString(func(c *CreateConfig) *string { return &c.Hostname }),
	"h":                  setString(func(c *CreateConfig) *string { return &c.Hostname }),
	"user":               setString(func(c *CreateConfig) *string { return &c.User }),
	"u":                  setString(func(c *CreateConfig) *string { return &c.User }),
	"workdir":            setString(func(c *CreateConfig) *string { return &c.WorkingDir }),
	"w":                  setString(func(c *CreateConfig) *string { return &c.WorkingDir }),
	"ipc":                setString(func(c *CreateConfig) *string { return &c.HostConfig.IpcMode }),
	"pid":                setString(func(c *CreateConfig) *string { return &c.HostConfig.PidMode }),
	"uts":                setString(func(c *CreateConfig) *string { return &c.HostConfig.UTSMode }),
	"memory-reservation": setBytes(func(c *CreateConfig) *int64 { return &c.HostConfig.MemoryReservation }),
	"memory-swap":        setBytes(func(c *CreateConfig) *int64 { return &c.HostConfig.MemorySwap }),
	"shm-size":           setBytes(func(c *CreateConfig) *int64 { return &c.HostConfig.ShmSize }),
	"cpu-period":         setInt(func(c *CreateConfig) *int64 { return &c.HostConfig.CPUPeriod }),
	"cpu-quota":          setInt(func(c *CreateConfig) *int64 { return &c.HostConfig.CPUQuota }),
	"entrypoint": func(c *CreateConfig, v string) error {
		c.Entrypoint = []string{v}
		return nil
	},
	"label": setLabel,
	"l":     setLabel,
	"sysctl": func(c *CreateConfig, v string) error {
		k, val, ok := strings.Cut(v, "=")
		if k == "" || !ok {
			return errors.New("expected key=value")
		}
		if c.HostConfig.Sysctls == nil {
			c.HostConfig.Sysctls = map[string]string{}
		}
		c.HostConfig.Sysctls[k] = val
		return nil
	},
	"tmpfs": func(c *CreateConfig, v string) error {
		dir, opts, _ := strings.Cut(v, ":")
		if !strings.HasPrefix(dir, "/") {
			return errors.New("expected an absolute path")
		}
		if c.HostConfig.Tmpfs == nil {
			c.HostConfig.Tmpfs = map[string]string{}
		}
		c.HostConfig.Tmpfs[dir] = opts
		return nil
	},
	"log-driver": func(c *CreateConfig, v string) error {
		if c.HostConfig.LogConfig == nil {
			c.HostConfig.LogConfig = &LogConfig{}
		}
		c.HostConfig.LogConfig.Type = v
		return nil
	},
	"log-opt": func(c *CreateConfig, v string) error {
		k, val, ok := strings.Cut(v, "=")
		if k == "" || !ok {
			return errors.New("expected key=value")
		}
		if c.HostConfig.LogConfig == nil {
			c.HostConfig.LogConfig = &LogConfig{}
		}
		if c.HostConfig.LogConfig.Config == nil {
			c.HostConfig.LogConfig.Config = map[string]string{}
		}
		c.HostConfig.LogConfig.Config[k] = val
		return nil
	},
	"init":             setBool(func(c *CreateConfig) **bool { return &c.HostConfig.Init }),
	"oom-kill-disable": setBool(func(c *CreateConfig) **bool { return &c.HostConfig.OomKillDisable }),
	"read-only": func(c *CreateConfig, v string) error {
		b, err := parseBool(v)
		c.HostConfig.ReadonlyRootfs = b
		return err
	},
	"pids-limit": func(c *CreateConfig, v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return errors.New("expected an integer")
		}
		c.HostConfig.PidsLimit = &n
		return nil
	},
	"oom-score-adj": func(c *CreateConfig, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < -1000 || n > 1000 {
			return errors.New("expected an integer between -1000 and 1000")
		}
		c.HostConfig.OomScoreAdj = n
		return nil
	},
	"ulimit": func(c *CreateConfig, v string) error {
		u, err := parseUlimit(v)
		if err != nil {
			return err
		}
		c.HostConfig.Ulimits = append(c.HostConfig.Ulimits, u)
		return nil
	},
	"device": func(c *CreateConfig, v string) error {
		d, err := parseDevice(v)
		if err != nil {
			return err
		}
		c.HostConfig.Devices = append(c.HostConfig.Devices, d)
		return nil
	},
}

// SupportedParameters lists the docker run options DockerInfo.parameters
// may carry.
func SupportedParameters() []string {
	out := make([]string, 0, len(parameterFuncs))
	for k := range parameterFuncs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// applyParameters applies DockerInfo.parameters in order.
func applyParameters(cfg *CreateConfig, params []*mesospb.Parameter) error {
	for _, p := range params {
		key := strings.TrimLeft(p.GetKey(), "-")
		fn, ok := parameterFuncs[key]
		if !ok {
			return fmt.Errorf("unsupported docker parameter '%s' (supported: %s)", p.GetKey(), strings.Join(SupportedParameters(), ", "))
		}
		if err := fn(cfg, p.GetValue()); err != nil {
			return fmt.Errorf("docker parameter '%s=%s': %w", key, p.GetValue(), err)
		}
	}
	return nil
}

func setLabel(c *CreateConfig, v string) error {
	k, val, _ := strings.Cut(v, "=")
	if k == "" {
		return errors.New("expected key=value")
	}
	c.Labels[k] = val
	return nil
}

func appendTo(field func(*CreateConfig) *[]string) parameterFunc {
	return func(c *CreateConfig, v string) error {
		if v == "" {
			return errors.New("expected a value")
		}
		f := field(c)
		*f = append(*f, v)
		return nil
	}
}

func setString(field func(*CreateConfig) *string) parameterFunc {
	return func(c *CreateConfig, v string) error {
		*field(c) = v
		return nil
	}
}

func setBytes(field func(*CreateConfig) *int64) parameterFunc {
	return func(c *CreateConfig, v string) error {
		n, err := ParseBytes(v)
		if err != nil {
			return err
		}
		*field(c) = n
		return nil
	}
}

func setInt(field func(*CreateConfig) *int64) parameterFunc {
	return func(c *CreateConfig, v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return errors.New("expected an integer")
		}
		*field(c) = n
		return nil
	}
}

func setBool(field func(*CreateConfig) **bool) parameterFunc {
	return func(c *CreateConfig, v string) error {
		b, err := parseBool(v)
		*field(c) = &b
		return err
	}
}

// parseBool reads a CLI boolean; a flag given without a value is true.
func parseBool(v string) (bool, error) {
	if v == "" {
		return true, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, errors.New("expected true or false")
	}
	return b, nil
}

// ParseBytes reads a size as the docker CLI does: a number with an
// optional unit b, k, m or g (kb, mb, gb too, any case); -1 means
// unlimited.
func ParseBytes(v string) (int64, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	if s == "-1" {
		return -1, nil
	}
	s = strings.TrimSuffix(s, "b")
	mult := int64(1)
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'k':
			mult, s = 1<<10, s[:n-1]
		case 'm':
			mult, s = 1<<20, s[:n-1]
		case 'g':
			mult, s = 1<<30, s[:n-1]
		case 't':
			mult, s = 1<<40, s[:n-1]
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f*float64(mult) > float64(1<<62) {
		return 0, fmt.Errorf("invalid size %q", v)
	}
	return int64(f * float64(mult)), nil
}

// parseUlimit reads name=soft[:hard].
func parseUlimit(v string) (Ulimit, error) {
	name, limits, ok := strings.Cut(v, "=")
	if !ok || name == "" {
		return Ulimit{}, errors.New("expected name=soft[:hard]")
	}
	softText, hardText, hasHard := strings.Cut(limits, ":")
	soft, err := strconv.ParseInt(softText, 10, 64)
	if err != nil {
		return Ulimit{}, errors.New("expected name=soft[:hard] with integer limits")
	}
	hard := soft
	if hasHard {
		if hard, err = strconv.ParseInt(hardText, 10, 64); err != nil {
			return Ulimit{}, errors.New("expected name=soft[:hard] with integer limits")
		}
	}
	if soft > hard {
		return Ulimit{}, errors.New("the soft limit is above the hard one")
	}
	return Ulimit{Name: name, Soft: soft, Hard: hard}, nil
}

// parseDevice reads host[:container[:permissions]].
func parseDevice(v string) (DeviceMapping, error) {
	parts := strings.Split(v, ":")
	if len(parts) > 3 || !strings.HasPrefix(parts[0], "/") {
		return DeviceMapping{}, errors.New("expected /host/path[:/container/path[:rwm]]")
	}
	d := DeviceMapping{PathOnHost: parts[0], PathInContainer: parts[0], CgroupPermissions: "rwm"}
	if len(parts) > 1 {
		if !strings.HasPrefix(parts[1], "/") {
			return DeviceMapping{}, errors.New("the device's path in the container is not absolute")
		}
		d.PathInContainer = parts[1]
	}
	if len(parts) > 2 {
		if parts[2] == "" || strings.Trim(parts[2], "rwm") != "" {
			return DeviceMapping{}, errors.New("permissions are some of r, w and m")
		}
		d.CgroupPermissions = parts[2]
	}
	return d, nil
}
