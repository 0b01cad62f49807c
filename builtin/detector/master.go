package detector

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/jsoncodec"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// Resolver finds the IPv4 address of a host name; the zero value uses the
// system's resolver.
type Resolver struct {
	LookupHost func(ctx context.Context, host string) ([]string, error)
}

func (r Resolver) ipv4(host string) (netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		if !a.Is4() {
			return netip.Addr{}, fmt.Errorf("%s is not an IPv4 address", host)
		}
		return a, nil
	}
	lookup := r.LookupHost
	if lookup == nil {
		lookup = net.DefaultResolver.LookupHost
	}
	addrs, err := lookup(context.Background(), host)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("resolve %s: %w", host, err)
	}
	for _, s := range addrs {
		if a, err := netip.ParseAddr(s); err == nil && a.Is4() {
			return a, nil
		}
	}
	return netip.Addr{}, fmt.Errorf("resolve %s: no IPv4 address", host)
}

// ParseMaster reads a master as the agent's --master flag names one
// without ZooKeeper, "host:port" or "master@host:port" (the host name is
// resolved, as Mesos does when it makes the master's UPID), or as the
// MasterInfo JSON that masters write to ZooKeeper.
func ParseMaster(value string, r Resolver) (*mesospb.MasterInfo, error) {
	value = strings.TrimSpace(value)
	if strings.HasPrefix(value, "{") {
		info := &mesospb.MasterInfo{}
		if err := jsoncodec.Unmarshal([]byte(value), info); err != nil {
			return nil, fmt.Errorf("MasterInfo JSON: %w", err)
		}
		return info, nil
	}
	if strings.HasPrefix(value, "zk://") {
		return nil, fmt.Errorf("%q needs the ZooKeeper master detector", value)
	}
	id, hostport, found := strings.Cut(value, "@")
	if !found {
		id, hostport = "master", value
	}
	host, portText, err := net.SplitHostPort(hostport)
	if err != nil || host == "" || id == "" {
		return nil, fmt.Errorf("%q is not [master@]host:port", value)
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil || port == 0 {
		return nil, fmt.Errorf("%q: bad port", value)
	}
	ip, err := r.ipv4(host)
	if err != nil {
		return nil, err
	}
	pid := id + "@" + ip.String() + ":" + portText
	b := ip.As4()
	info := &mesospb.MasterInfo{
		// Mesos names a master detected this way after its pid.
		Id: proto.String(pid),
		// The IPv4 address in network byte order, read as a
		// little-endian number, as Mesos stores it (MESOS-1201).
		Ip:       proto.Uint32(binary.LittleEndian.Uint32(b[:])),
		Port:     proto.Uint32(uint32(port)),
		Pid:      proto.String(pid),
		Hostname: proto.String(host),
		Address:  &mesospb.Address{Hostname: proto.String(host), Ip: proto.String(ip.String()), Port: proto.Int32(int32(port))},
	}
	return info, nil
}
