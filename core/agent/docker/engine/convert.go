package engine

import (
	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// NetworkInfoOf is a container's addresses, nil when it has none of its own
// (host network).
func NetworkInfoOf(info *ContainerJSON) *mesospb.NetworkInfo {
	v4, v6 := info.IPs()
	if v4 == "" && v6 == "" {
		return nil
	}
	ni := &mesospb.NetworkInfo{}
	if v4 != "" {
		ni.IpAddresses = append(ni.IpAddresses, &mesospb.NetworkInfo_IPAddress{IpAddress: proto.String(v4)})
	}
	if v6 != "" {
		ni.IpAddresses = append(ni.IpAddresses, &mesospb.NetworkInfo_IPAddress{
			IpAddress: proto.String(v6), Protocol: mesospb.NetworkInfo_IPv6.Enum(),
		})
	}
	return ni
}

// NetworkInfo is the NetworkInfo the docker executor reports: the one of
// the ContainerInfo (if any) with the container's addresses.
func NetworkInfo(info *ContainerJSON, container *mesospb.ContainerInfo) *mesospb.NetworkInfo {
	ni := NetworkInfoOf(info)
	if ni == nil {
		return nil
	}
	if nets := container.GetNetworkInfos(); len(nets) > 0 {
		out := proto.CloneOf(nets[0])
		out.IpAddresses = ni.IpAddresses
		return out
	}
	return ni
}

// StatisticsFromStats maps the daemon's stats (cgroup v1 or v2) to
// Mesos's ResourceStatistics.
func StatisticsFromStats(s *Stats) *mesospb.ResourceStatistics {
	cpu := s.CPUStats
	out := &mesospb.ResourceStatistics{
		CpusUserTimeSecs:      proto.Float64(float64(cpu.CPUUsage.UsageInUsermode) / 1e9),
		CpusSystemTimeSecs:    proto.Float64(float64(cpu.CPUUsage.UsageInKernelmode) / 1e9),
		CpusNrPeriods:         proto.Uint32(uint32(cpu.ThrottlingData.Periods)),
		CpusNrThrottled:       proto.Uint32(uint32(cpu.ThrottlingData.ThrottledPeriods)),
		CpusThrottledTimeSecs: proto.Float64(float64(cpu.ThrottlingData.ThrottledTime) / 1e9),
		MemTotalBytes:         proto.Uint64(s.MemoryStats.Usage),
	}
	m := s.MemoryStats.Stats
	pick := func(keys ...string) (uint64, bool) {
		for _, k := range keys {
			if v, ok := m[k]; ok {
				return v, true
			}
		}
		return 0, false
	}
	if v, ok := pick("total_rss", "rss", "anon"); ok {
		out.MemRssBytes, out.MemAnonBytes = proto.Uint64(v), proto.Uint64(v)
	}
	if v, ok := pick("total_cache", "cache", "file"); ok {
		out.MemCacheBytes, out.MemFileBytes = proto.Uint64(v), proto.Uint64(v)
	}
	if v, ok := pick("total_mapped_file", "mapped_file", "file_mapped"); ok {
		out.MemMappedFileBytes = proto.Uint64(v)
	}
	if v, ok := pick("total_swap", "swap"); ok {
		out.MemSwapBytes = proto.Uint64(v)
	}
	if v, ok := pick("total_unevictable", "unevictable"); ok {
		out.MemUnevictableBytes = proto.Uint64(v)
	}
	if s.PidsStats.Current > 0 {
		out.Processes = proto.Uint32(uint32(s.PidsStats.Current))
	}
	if len(s.Networks) > 0 {
		var rxB, rxP, rxE, rxD, txB, txP, txE, txD uint64
		for _, n := range s.Networks {
			rxB, rxP, rxE, rxD = rxB+n.RxBytes, rxP+n.RxPackets, rxE+n.RxErrors, rxD+n.RxDropped
			txB, txP, txE, txD = txB+n.TxBytes, txP+n.TxPackets, txE+n.TxErrors, txD+n.TxDropped
		}
		out.NetRxBytes, out.NetRxPackets, out.NetRxErrors, out.NetRxDropped = proto.Uint64(rxB), proto.Uint64(rxP), proto.Uint64(rxE), proto.Uint64(rxD)
		out.NetTxBytes, out.NetTxPackets, out.NetTxErrors, out.NetTxDropped = proto.Uint64(txB), proto.Uint64(txP), proto.Uint64(txE), proto.Uint64(txD)
	}
	return out
}
