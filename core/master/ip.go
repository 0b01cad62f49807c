package master

import "net/netip"

// ipv4ToMesos encodes an IPv4 address the way Mesos's MasterInfo.ip and
// AgentInfo-era fields carry it: the four bytes in network order read as a
// little-endian uint32 (what inet_addr gives on x86). 0 for anything else.
func ipv4ToMesos(ip string) uint32 {
	addr, err := netip.ParseAddr(ip)
	if err != nil || !addr.Is4() {
		return 0
	}
	b := addr.As4()
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}
