package agent

import (
	"net"
	"net/url"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
)

// agentInfo is the AgentInfo the agent registers with (without its id,
// set once the master gave it one or recovery found it).
func (a *Agent) agentInfo() *mesospb.AgentInfo {
	return &mesospb.AgentInfo{
		Hostname:   proto.String(a.cfg.Hostname),
		Port:       proto.Int32(int32(a.port)),
		Resources:  a.base.Protos(),
		Attributes: []*mesospb.Attribute(a.attributes),
	}
}

// totalResources is the agent's resources with the checkpointed
// operations applied: each checkpointed resource replaces the plain one it
// was made from.
func (a *Agent) totalResources() resources.Resources {
	total := a.base
	for r := range a.checkpointed.All() {
		total = total.Subtract(resources.New(plainOf(r.Proto()))).Add(resources.New(r.Proto()))
	}
	return total
}

// plainOf is the resource a checkpointed one was made from: without its
// dynamic reservations and persistence.
func plainOf(p *mesospb.Resource) *mesospb.Resource {
	c := proto.Clone(p).(*mesospb.Resource)
	for n := len(c.Reservations); n > 0 && c.Reservations[n-1].GetType() == mesospb.Resource_ReservationInfo_DYNAMIC; n-- {
		c.Reservations = c.Reservations[:n-1]
	}
	if c.Disk != nil {
		c.Disk.Persistence, c.Disk.Volume = nil, nil
		if c.Disk.Source == nil {
			c.Disk = nil
		}
	}
	c.Shared = nil
	return c
}

// address is the agent's Address for the master.
func (a *Agent) address() *mesospb.Address {
	return &mesospb.Address{
		Hostname: proto.String(a.cfg.Hostname),
		Ip:       proto.String(a.ip),
		Port:     proto.Int32(int32(a.port)),
	}
}

// advertisedIP picks the IP the agent gives out: --advertise_ip, else the
// bound IP unless it is a wildcard, else an address of the hostname, else
// the local address the host uses to reach the master.
func advertisedIP(advertise, bound, hostname, masterURL string) string {
	if advertise != "" {
		return advertise
	}
	if ip := net.ParseIP(bound); ip != nil && !ip.IsUnspecified() {
		return bound
	}
	if addrs, err := net.LookupIP(hostname); err == nil {
		for _, ip := range addrs {
			if v4 := ip.To4(); v4 != nil && !v4.IsLoopback() {
				return v4.String()
			}
		}
	}
	if u, err := url.Parse(masterURL); err == nil {
		if conn, err := net.DialTimeout("udp", u.Host, time.Second); err == nil {
			defer conn.Close()
			if addr, ok := conn.LocalAddr().(*net.UDPAddr); ok {
				return addr.IP.String()
			}
		}
	}
	return "127.0.0.1"
}
