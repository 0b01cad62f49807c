package engine

import "encoding/json"

// CreateConfig is the body of POST /containers/create: the container's
// Config with its HostConfig (the fields this agent sets).
type CreateConfig struct {
	Image        string              `json:"Image"`
	Cmd          []string            `json:"Cmd,omitempty"`
	Entrypoint   []string            `json:"Entrypoint,omitempty"`
	Env          []string            `json:"Env,omitempty"`
	Labels       map[string]string   `json:"Labels,omitempty"`
	Hostname     string              `json:"Hostname,omitempty"`
	User         string              `json:"User,omitempty"`
	WorkingDir   string              `json:"WorkingDir,omitempty"`
	ExposedPorts map[string]struct{} `json:"ExposedPorts,omitempty"`
	HostConfig   HostConfig          `json:"HostConfig"`
}

// HostConfig is the host side of a container.
type HostConfig struct {
	Binds             []string                 `json:"Binds,omitempty"`
	NetworkMode       string                   `json:"NetworkMode,omitempty"`
	PortBindings      map[string][]PortBinding `json:"PortBindings,omitempty"`
	Privileged        bool                     `json:"Privileged,omitempty"`
	CPUShares         int64                    `json:"CpuShares,omitempty"`
	CPUPeriod         int64                    `json:"CpuPeriod,omitempty"`
	CPUQuota          int64                    `json:"CpuQuota,omitempty"`
	Memory            int64                    `json:"Memory,omitempty"`
	MemoryReservation int64                    `json:"MemoryReservation,omitempty"`
	MemorySwap        int64                    `json:"MemorySwap,omitempty"`
	OomScoreAdj       int                      `json:"OomScoreAdj,omitempty"`
	OomKillDisable    *bool                    `json:"OomKillDisable,omitempty"`
	PidsLimit         *int64                   `json:"PidsLimit,omitempty"`
	VolumeDriver      string                   `json:"VolumeDriver,omitempty"`
	CapAdd            []string                 `json:"CapAdd,omitempty"`
	CapDrop           []string                 `json:"CapDrop,omitempty"`
	DNS               []string                 `json:"Dns,omitempty"`
	DNSSearch         []string                 `json:"DnsSearch,omitempty"`
	DNSOptions        []string                 `json:"DnsOptions,omitempty"`
	ExtraHosts        []string                 `json:"ExtraHosts,omitempty"`
	SecurityOpt       []string                 `json:"SecurityOpt,omitempty"`
	Devices           []DeviceMapping          `json:"Devices,omitempty"`
	Ulimits           []Ulimit                 `json:"Ulimits,omitempty"`
	ShmSize           int64                    `json:"ShmSize,omitempty"`
	Init              *bool                    `json:"Init,omitempty"`
	ReadonlyRootfs    bool                     `json:"ReadonlyRootfs,omitempty"`
	Tmpfs             map[string]string        `json:"Tmpfs,omitempty"`
	Sysctls           map[string]string        `json:"Sysctls,omitempty"`
	IpcMode           string                   `json:"IpcMode,omitempty"`
	PidMode           string                   `json:"PidMode,omitempty"`
	UTSMode           string                   `json:"UTSMode,omitempty"`
	LogConfig         *LogConfig               `json:"LogConfig,omitempty"`
}

// PortBinding is one host side of a published port.
type PortBinding struct {
	HostIP   string `json:"HostIp,omitempty"`
	HostPort string `json:"HostPort"`
}

// DeviceMapping is --device.
type DeviceMapping struct {
	PathOnHost        string `json:"PathOnHost"`
	PathInContainer   string `json:"PathInContainer"`
	CgroupPermissions string `json:"CgroupPermissions"`
}

// Ulimit is --ulimit.
type Ulimit struct {
	Name string `json:"Name"`
	Soft int64  `json:"Soft"`
	Hard int64  `json:"Hard"`
}

// LogConfig is --log-driver and --log-opt.
type LogConfig struct {
	Type   string            `json:"Type"`
	Config map[string]string `json:"Config,omitempty"`
}

// UpdateConfig is the body of POST /containers/{id}/update.
type UpdateConfig struct {
	CPUShares  int64 `json:"CpuShares,omitempty"`
	CPUPeriod  int64 `json:"CpuPeriod,omitempty"`
	CPUQuota   int64 `json:"CpuQuota,omitempty"`
	Memory     int64 `json:"Memory,omitempty"`
	MemorySwap int64 `json:"MemorySwap,omitempty"`
}

// ContainerJSON is what GET /containers/{id}/json says (the fields used
// here); Raw keeps the whole answer (the docker executor hands it to the
// scheduler as TASK_RUNNING's data, as Mesos does).
type ContainerJSON struct {
	ID    string `json:"Id"`
	Name  string `json:"Name"`
	State struct {
		Status     string `json:"Status"`
		Running    bool   `json:"Running"`
		Pid        int    `json:"Pid"`
		ExitCode   int    `json:"ExitCode"`
		OOMKilled  bool   `json:"OOMKilled"`
		Error      string `json:"Error"`
		StartedAt  string `json:"StartedAt"`
		FinishedAt string `json:"FinishedAt"`
	} `json:"State"`
	Config struct {
		Image  string            `json:"Image"`
		Labels map[string]string `json:"Labels"`
		Env    []string          `json:"Env"`
	} `json:"Config"`
	HostConfig      HostConfig `json:"HostConfig"`
	NetworkSettings struct {
		IPAddress         string `json:"IPAddress"`
		GlobalIPv6Address string `json:"GlobalIPv6Address"`
		Ports             map[string][]PortBinding
		Networks          map[string]struct {
			IPAddress         string `json:"IPAddress"`
			GlobalIPv6Address string `json:"GlobalIPv6Address"`
		} `json:"Networks"`
	} `json:"NetworkSettings"`
	Raw json.RawMessage `json:"-"`
}

// IPs are the container's IPv4 and IPv6 addresses (its first network's
// when it has no default one).
func (c *ContainerJSON) IPs() (v4, v6 string) {
	v4, v6 = c.NetworkSettings.IPAddress, c.NetworkSettings.GlobalIPv6Address
	if v4 != "" || v6 != "" {
		return v4, v6
	}
	for _, n := range c.NetworkSettings.Networks {
		if n.IPAddress != "" || n.GlobalIPv6Address != "" {
			return n.IPAddress, n.GlobalIPv6Address
		}
	}
	return "", ""
}

// ContainerSummary is one entry of GET /containers/json.
type ContainerSummary struct {
	ID     string            `json:"Id"`
	Names  []string          `json:"Names"`
	State  string            `json:"State"`
	Labels map[string]string `json:"Labels"`
}

// Stats is GET /containers/{id}/stats?stream=false (cgroup v1 and v2).
type Stats struct {
	CPUStats struct {
		CPUUsage struct {
			TotalUsage        uint64 `json:"total_usage"`
			UsageInKernelmode uint64 `json:"usage_in_kernelmode"`
			UsageInUsermode   uint64 `json:"usage_in_usermode"`
		} `json:"cpu_usage"`
		ThrottlingData struct {
			Periods          uint64 `json:"periods"`
			ThrottledPeriods uint64 `json:"throttled_periods"`
			ThrottledTime    uint64 `json:"throttled_time"`
		} `json:"throttling_data"`
	} `json:"cpu_stats"`
	MemoryStats struct {
		Usage uint64            `json:"usage"`
		Limit uint64            `json:"limit"`
		Stats map[string]uint64 `json:"stats"`
	} `json:"memory_stats"`
	PidsStats struct {
		Current uint64 `json:"current"`
	} `json:"pids_stats"`
	Networks map[string]struct {
		RxBytes   uint64 `json:"rx_bytes"`
		RxPackets uint64 `json:"rx_packets"`
		RxErrors  uint64 `json:"rx_errors"`
		RxDropped uint64 `json:"rx_dropped"`
		TxBytes   uint64 `json:"tx_bytes"`
		TxPackets uint64 `json:"tx_packets"`
		TxErrors  uint64 `json:"tx_errors"`
		TxDropped uint64 `json:"tx_dropped"`
	} `json:"networks"`
}
