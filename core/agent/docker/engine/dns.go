package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// ContainerDNS is the agent's --default_container_dns (Mesos's
// ContainerDNSInfo of flags.proto): the DNS of containers whose task
// sets none, per network. Only the Docker part is used here; the Mesos
// part (CNI networks) is validated as Mesos does and otherwise ignored.
type ContainerDNS struct {
	Mesos  []MesosDNS  `json:"mesos,omitempty"`
	Docker []DockerDNS `json:"docker,omitempty"`
}

// DNSInfo is resolv.conf's content: nameservers, search domains, options.
type DNSInfo struct {
	Nameservers []string `json:"nameservers,omitempty"`
	Search      []string `json:"search,omitempty"`
	Options     []string `json:"options,omitempty"`
}

// MesosDNS is the DNS of the Mesos containerizer's containers on a
// network (network_mode HOST or CNI).
type MesosDNS struct {
	NetworkMode string  `json:"network_mode"`
	NetworkName *string `json:"network_name,omitempty"`
	DNS         DNSInfo `json:"dns"`
}

// DockerDNS is the DNS of Docker containers on a network (network_mode
// BRIDGE, or USER with the network's name; USER without a name applies
// to the user-defined networks not named otherwise).
type DockerDNS struct {
	NetworkMode string  `json:"network_mode"`
	NetworkName *string `json:"network_name,omitempty"`
	DNS         DNSInfo `json:"dns"`
}

// The network modes of --default_container_dns (flags.proto's enums).
const (
	dnsModeUnknown = "UNKNOWN"
	dnsModeHost    = "HOST"
	dnsModeCNI     = "CNI"
	dnsModeBridge  = "BRIDGE"
	dnsModeUser    = "USER"
)

// ParseContainerDNS reads and validates --default_container_dns with
// Mesos's rules: every entry needs a known network_mode; HOST is not
// supported yet (as in Mesos); at most one entry per Docker bridge, per
// named network and for the unnamed USER (or CNI) default.
func ParseContainerDNS(data []byte) (*ContainerDNS, error) {
	c := &ContainerDNS{}
	d := json.NewDecoder(bytes.NewReader(data))
	if err := d.Decode(c); err != nil {
		return nil, fmt.Errorf("--default_container_dns is not a JSON ContainerDNSInfo: %w", err)
	}
	if d.More() {
		return nil, errors.New("--default_container_dns: unexpected data after the JSON object")
	}
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("--default_container_dns: %w", err)
	}
	return c, nil
}

func (c *ContainerDNS) validate() error {
	defaultCNI := false
	cni := map[string]bool{}
	for _, m := range c.Mesos {
		switch m.NetworkMode {
		case "":
			return errors.New("a mesos entry has no network_mode")
		case dnsModeUnknown:
			return errors.New("UNKNOWN network mode configured in `--default_container_dns`")
		case dnsModeHost:
			return errors.New("Configuring DNS for HOST network with `--default_container_dns` is not yet supported")
		case dnsModeCNI:
			if m.NetworkName == nil {
				if defaultCNI {
					return errors.New("Multiple DNS configuration without network name for CNI network in `--default_container_dns` is not allowed")
				}
				defaultCNI = true
			} else {
				if cni[*m.NetworkName] {
					return fmt.Errorf("Multiple DNS configuration with the same network name '%s' for CNI network in `--default_container_dns` is not allowed", *m.NetworkName)
				}
				cni[*m.NetworkName] = true
			}
		default:
			return fmt.Errorf("unknown network_mode %q of a mesos entry (expected CNI)", m.NetworkMode)
		}
	}
	bridge, defaultUser := false, false
	user := map[string]bool{}
	for _, e := range c.Docker {
		switch e.NetworkMode {
		case "":
			return errors.New("a docker entry has no network_mode")
		case dnsModeUnknown:
			return errors.New("UNKNOWN network mode configured in `--default_container_dns`")
		case dnsModeHost:
			return errors.New("Configuring DNS for HOST network with `--default_container_dns` is not yet supported")
		case dnsModeBridge:
			if bridge {
				return errors.New("Multiple DNS configuration for Docker default bridge network in `--default_container_dns` is not allowed")
			}
			bridge = true
		case dnsModeUser:
			if e.NetworkName == nil {
				if defaultUser {
					return errors.New("Multiple DNS configuration without network name for user-defined CNM network in `--default_container_dns` is not allowed")
				}
				defaultUser = true
			} else {
				if user[*e.NetworkName] {
					return fmt.Errorf("Multiple DNS configuration with the same network name '%s' for user-defined CNM network in `--default_container_dns` is not allowed", *e.NetworkName)
				}
				user[*e.NetworkName] = true
			}
		default:
			return fmt.Errorf("unknown network_mode %q of a docker entry (expected BRIDGE or USER)", e.NetworkMode)
		}
	}
	return nil
}

// ForDocker is the DNS of a Docker container on a network (network the
// DockerInfo's, name the user-defined network's), nil when none applies:
// the bridge's entry for BRIDGE; for USER the entry of that network's
// name, else the unnamed USER one. HOST and NONE get none, as in Mesos.
func (c *ContainerDNS) ForDocker(network mesospb.ContainerInfo_DockerInfo_Network, name string) *DNSInfo {
	if c == nil {
		return nil
	}
	var fallback *DNSInfo
	for i := range c.Docker {
		e := &c.Docker[i]
		switch {
		case network == mesospb.ContainerInfo_DockerInfo_BRIDGE && e.NetworkMode == dnsModeBridge:
			return &e.DNS
		case network == mesospb.ContainerInfo_DockerInfo_USER && e.NetworkMode == dnsModeUser:
			if e.NetworkName == nil {
				fallback = &e.DNS
			} else if *e.NetworkName == name {
				return &e.DNS
			}
		}
	}
	return fallback
}

// String is the flag's JSON, as the docker executor takes it.
func (c *ContainerDNS) String() string {
	b, err := json.Marshal(c)
	if err != nil {
		return "{}" // plain strings and slices always encode
	}
	return string(b)
}

// dnsParameters are the DockerInfo parameters that set the container's
// DNS: with any of them the default DNS does not apply.
var dnsParameters = map[string]bool{"dns": true, "dns-search": true, "dns-opt": true, "dns-option": true}

// applyDefaultDNS gives the container the default DNS of its network
// unless its parameters set some DNS (Mesos's Docker::RunOptions::create).
func (s *RunSpec) applyDefaultDNS(hc *HostConfig) {
	if s.DefaultDNS == nil {
		return
	}
	di := s.Container.GetDocker()
	for _, p := range di.GetParameters() {
		if dnsParameters[p.GetKey()] {
			return
		}
	}
	name := ""
	if nets := s.Container.GetNetworkInfos(); len(nets) > 0 {
		name = nets[0].GetName()
	}
	dns := s.DefaultDNS.ForDocker(di.GetNetwork(), name)
	if dns == nil {
		return
	}
	hc.DNS = append([]string(nil), dns.Nameservers...)
	hc.DNSSearch = append([]string(nil), dns.Search...)
	hc.DNSOptions = append([]string(nil), dns.Options...)
}
