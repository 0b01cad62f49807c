package engine

import (
	"errors"
	"fmt"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// Mesos's limits for Docker containers (src/docker/docker.cpp and
// slave/containerizer/mesos/isolators/cgroups/constants.hpp).
const (
	CPUSharesPerCPU = 1024
	MinCPUShares    = 2
	MinMemory       = 32 << 20
	cfsPeriod       = 100 * time.Millisecond
	minCFSQuota     = time.Millisecond
)

// DefaultMappedDirectory is where the sandbox appears in the container
// (the agent's --sandbox_directory).
const DefaultMappedDirectory = "/mnt/mesos/sandbox"

// RunSpec is what a Docker task's container is created from (Mesos's
// Docker::RunOptions::create).
type RunSpec struct {
	// Name is the container's name, mesos-<container id>.
	Name      string
	Container *mesospb.ContainerInfo
	Command   *mesospb.CommandInfo
	// Resources are the task's and its executor's: they set the
	// container's cpu shares, memory and the ports it may publish.
	Resources []*mesospb.Resource
	// Limits are the task's resource limits (cpus, mem), when it has
	// any; an infinite limit lifts the container's.
	Limits map[string]*mesospb.Value_Scalar
	// SandboxDirectory is mounted at MappedDirectory.
	SandboxDirectory string
	MappedDirectory  string
	// Env is given to the container before the command's environment
	// (which does not override it, as in Mesos).
	Env map[string]string
	// Labels go on the container (the agent's own bookkeeping).
	Labels map[string]string
	// EnableCFSQuota caps the cpus at the request (--cgroups_enable_cfs).
	EnableCFSQuota bool
	// Mounts are host directories the agent binds into the container
	// besides the ContainerInfo's volumes: its persistent volumes.
	Mounts []Mount
	// DefaultDNS is the agent's --default_container_dns: the container
	// gets its network's DNS unless its parameters set some.
	DefaultDNS *ContainerDNS
}

// Mount is a host directory bound into a container.
type Mount struct {
	// Source is the directory on the host (absolute).
	Source string `json:"source"`
	// Target is its path in the container; a relative one is under the
	// sandbox's path in the container (MappedDirectory).
	Target   string `json:"target"`
	ReadOnly bool   `json:"read_only,omitempty"`
}

// CreateConfig builds the container's create request.
func (s *RunSpec) CreateConfig() (*CreateConfig, error) {
	di := s.Container.GetDocker()
	if di == nil || di.GetImage() == "" {
		return nil, errors.New("no docker image found in the container info")
	}
	if !path.IsAbs(s.MappedDirectory) {
		return nil, fmt.Errorf("the sandbox's path in the container %q is not absolute", s.MappedDirectory)
	}
	cfg := &CreateConfig{Image: di.GetImage(), Labels: map[string]string{}}
	for k, v := range s.Labels {
		cfg.Labels[k] = v
	}
	hc := &cfg.HostConfig
	hc.Privileged = di.GetPrivileged()
	if err := s.applyResources(hc); err != nil {
		return nil, err
	}
	cfg.Env = s.environment()
	if err := s.applyVolumes(hc); err != nil {
		return nil, err
	}
	if err := s.applyNetwork(cfg); err != nil {
		return nil, err
	}
	if err := applyParameters(cfg, di.GetParameters()); err != nil {
		return nil, err
	}
	s.applyDefaultDNS(hc)
	if err := s.applyCommand(cfg); err != nil {
		return nil, err
	}
	return cfg, nil
}

// CFSQuota is the CFS period and quota, in microseconds, that cap a
// container at cpus (Mesos's 100 ms period and 1 ms floor).
func CFSQuota(cpus float64) (period, quota int64) {
	q := max(time.Duration(float64(cfsPeriod)*cpus), minCFSQuota)
	return int64(cfsPeriod / time.Microsecond), int64(q / time.Microsecond)
}

// applyResources sets cpu shares (and quota) and memory from the
// resources and limits.
func (s *RunSpec) applyResources(hc *HostConfig) error {
	cpus, hasCPUs := ScalarSum(s.Resources, "cpus")
	mem, hasMem := ScalarSum(s.Resources, "mem")
	if hasCPUs {
		hc.CPUShares = max(int64(CPUSharesPerCPU*cpus), MinCPUShares)
	}
	quota := func(c float64) { hc.CPUPeriod, hc.CPUQuota = CFSQuota(c) }
	if l, ok := s.Limits["cpus"]; ok {
		if !math.IsInf(l.GetValue(), 1) {
			quota(l.GetValue())
		}
	} else if s.EnableCFSQuota && hasCPUs {
		quota(cpus)
	}
	memBytes := func(mb float64) int64 { return max(int64(mb*(1<<20)), MinMemory) }
	if l, ok := s.Limits["mem"]; ok {
		if !math.IsInf(l.GetValue(), 1) {
			hc.Memory = memBytes(l.GetValue())
		}
		if hasMem {
			hc.MemoryReservation = memBytes(mem)
		}
	} else if hasMem {
		hc.Memory = memBytes(mem)
	}
	return nil
}

// environment is the container's: the agent's, then the command's
// (never overriding the agent's), then MESOS_SANDBOX,
// MESOS_CONTAINER_NAME and MESOS_ALLOCATION_ROLE.
func (s *RunSpec) environment() []string {
	env := map[string]string{}
	for k, v := range s.Env {
		env[k] = v
	}
	for _, v := range s.Command.GetEnvironment().GetVariables() {
		if _, taken := s.Env[v.GetName()]; taken {
			continue
		}
		env[v.GetName()] = v.GetValue()
	}
	env["MESOS_SANDBOX"] = s.MappedDirectory
	env["MESOS_CONTAINER_NAME"] = s.Name
	if len(s.Resources) > 0 {
		if role := s.Resources[0].GetAllocationInfo().GetRole(); role != "" {
			env["MESOS_ALLOCATION_ROLE"] = role
		}
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// applyVolumes binds the ContainerInfo's volumes and the sandbox.
func (s *RunSpec) applyVolumes(hc *HostConfig) error {
	driver := ""
	for _, v := range s.Container.GetVolumes() {
		target := v.GetContainerPath()
		if target == "" {
			return errors.New("a volume has no container_path")
		}
		if !path.IsAbs(target) {
			target = path.Join(s.MappedDirectory, target)
		}
		var source string
		switch {
		case v.HostPath != nil:
			host := v.GetHostPath()
			if !path.IsAbs(host) && !path.IsAbs(v.GetContainerPath()) {
				return fmt.Errorf("both host_path '%s' and container_path '%s' of a volume are relative", host, v.GetContainerPath())
			}
			if !path.IsAbs(host) && s.Container.GetDocker().GetVolumeDriver() == "" {
				host = path.Join(s.SandboxDirectory, host)
			}
			source = host
		case v.GetSource().GetType() == mesospb.Volume_Source_DOCKER_VOLUME:
			dv := v.GetSource().GetDockerVolume()
			if dv.GetName() == "" {
				return errors.New("a DOCKER_VOLUME volume has no name")
			}
			if d := dv.GetDriver(); d != "" {
				if driver != "" && driver != d {
					return errors.New("only one volume driver is supported")
				}
				driver = d
			}
			source = dv.GetName()
		case v.GetSource() != nil:
			continue // other sources are the Mesos containerizer's, as in Mesos
		default:
			return errors.New("host path or volume source is required")
		}
		mode := "rw"
		if v.GetMode() == mesospb.Volume_RO {
			mode = "ro"
		}
		hc.Binds = append(hc.Binds, source+":"+target+":"+mode)
	}
	hc.Binds = append(hc.Binds, s.SandboxDirectory+":"+s.MappedDirectory)
	// Docker mounts parents first, so a mount under the sandbox's path
	// lands on top of the sandbox.
	for _, m := range s.Mounts {
		if !path.IsAbs(m.Source) {
			return fmt.Errorf("the host path %q of a mount is not absolute", m.Source)
		}
		target := m.Target
		if !path.IsAbs(target) {
			target = path.Join(s.MappedDirectory, target)
		}
		mode := "rw"
		if m.ReadOnly {
			mode = "ro"
		}
		hc.Binds = append(hc.Binds, m.Source+":"+target+":"+mode)
	}
	if d := s.Container.GetDocker().GetVolumeDriver(); d != "" {
		if driver != "" && driver != d {
			return errors.New("only one volume driver per task is supported")
		}
		driver = d
	}
	hc.VolumeDriver = driver
	return nil
}

// applyNetwork sets the network mode, hostname and port mappings.
func (s *RunSpec) applyNetwork(cfg *CreateConfig) error {
	di := s.Container.GetDocker()
	hc := &cfg.HostConfig
	switch di.GetNetwork() {
	case mesospb.ContainerInfo_DockerInfo_HOST:
		hc.NetworkMode = "host"
	case mesospb.ContainerInfo_DockerInfo_BRIDGE:
		hc.NetworkMode = "bridge"
	case mesospb.ContainerInfo_DockerInfo_NONE:
		hc.NetworkMode = "none"
	case mesospb.ContainerInfo_DockerInfo_USER:
		nets := s.Container.GetNetworkInfos()
		switch {
		case len(nets) == 0:
			return errors.New("no network info found in container info")
		case len(nets) > 1:
			return errors.New("only a single network can be defined in Docker run")
		case nets[0].GetName() == "":
			return errors.New("no network name found in network info")
		}
		hc.NetworkMode = nets[0].GetName()
	default:
		return fmt.Errorf("unsupported network mode: %s", di.GetNetwork())
	}
	if h := s.Container.GetHostname(); h != "" {
		if hc.NetworkMode == "host" {
			return errors.New("unable to set hostname with host network mode")
		}
		cfg.Hostname = h
	}
	if len(di.GetPortMappings()) == 0 {
		return nil
	}
	if hc.NetworkMode == "host" || hc.NetworkMode == "none" {
		return errors.New("port mappings are only supported for bridge and user-defined networks")
	}
	ranges := portRanges(s.Resources)
	if len(ranges) == 0 {
		return errors.New("port mappings require port resources")
	}
	cfg.ExposedPorts = map[string]struct{}{}
	hc.PortBindings = map[string][]PortBinding{}
	for _, m := range di.GetPortMappings() {
		if !inRanges(uint64(m.GetHostPort()), ranges) {
			return fmt.Errorf("port [%d] not included in resources", m.GetHostPort())
		}
		proto := strings.ToLower(m.GetProtocol())
		if proto == "" {
			proto = "tcp"
		}
		if proto != "tcp" && proto != "udp" && proto != "sctp" {
			return fmt.Errorf("port mapping protocol %q is not tcp, udp or sctp", m.GetProtocol())
		}
		key := strconv.FormatUint(uint64(m.GetContainerPort()), 10) + "/" + proto
		cfg.ExposedPorts[key] = struct{}{}
		hc.PortBindings[key] = append(hc.PortBindings[key], PortBinding{HostPort: strconv.FormatUint(uint64(m.GetHostPort()), 10)})
	}
	return nil
}

// applyCommand sets the entrypoint and command: a shell command runs as
// /bin/sh -c <value> (the image's entrypoint is overridden, MESOS-1770);
// otherwise the value (if any) and the arguments are the command given
// to the image's entrypoint.
func (s *RunSpec) applyCommand(cfg *CreateConfig) error {
	c := s.Command
	if c.GetShell() {
		if c.Value == nil {
			return errors.New("shell specified but no command value provided")
		}
		cfg.Entrypoint = []string{"/bin/sh"}
		cfg.Cmd = []string{"-c", c.GetValue()}
		return nil
	}
	if c.Value != nil {
		cfg.Cmd = append(cfg.Cmd, c.GetValue())
	}
	cfg.Cmd = append(cfg.Cmd, c.GetArguments()...)
	return nil
}

// ScalarSum sums the named scalar resources (all roles).
func ScalarSum(rs []*mesospb.Resource, name string) (float64, bool) {
	sum, found := 0.0, false
	for _, r := range rs {
		if r.GetName() == name && r.GetScalar() != nil {
			sum += r.GetScalar().GetValue()
			found = true
		}
	}
	return sum, found
}

func portRanges(rs []*mesospb.Resource) []*mesospb.Value_Range {
	var out []*mesospb.Value_Range
	for _, r := range rs {
		if r.GetName() == "ports" {
			out = append(out, r.GetRanges().GetRange()...)
		}
	}
	return out
}

func inRanges(p uint64, ranges []*mesospb.Value_Range) bool {
	for _, r := range ranges {
		if p >= r.GetBegin() && p <= r.GetEnd() {
			return true
		}
	}
	return false
}
