package zk

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/jsoncodec"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// EncodeMasterInfo is the content of a master's json.info_ znode: its
// MasterInfo in Mesos's JSON dialect, as Mesos's JSON::protobuf writes it.
func EncodeMasterInfo(info *mesospb.MasterInfo) ([]byte, error) {
	if info == nil {
		return nil, errors.New("encoding MasterInfo: no MasterInfo")
	}
	data, err := jsoncodec.Marshal(info)
	if err != nil {
		return nil, fmt.Errorf("encoding MasterInfo as JSON: %w", err)
	}
	return data, nil
}

// DecodeMasterInfo reads the content of a master's znode by its label:
// JSON for json.info, binary protobuf for info, the master's UPID
// (master@ip:port) for a bare sequence.
func DecodeMasterInfo(label string, data []byte) (*mesospb.MasterInfo, error) {
	info := &mesospb.MasterInfo{}
	switch label {
	case MasterInfoJSONLabel:
		if err := jsoncodec.Unmarshal(data, info); err != nil {
			return nil, fmt.Errorf("parsing MasterInfo JSON: %w", err)
		}
	case MasterInfoLabel:
		if err := proto.Unmarshal(data, info); err != nil {
			return nil, fmt.Errorf("parsing binary MasterInfo: %w", err)
		}
	case "":
		return masterInfoFromPID(string(data))
	default:
		return nil, fmt.Errorf("unknown master znode label %q", label)
	}
	if info.Id == nil || info.Ip == nil || info.Port == nil {
		return nil, errors.New("MasterInfo lacks id, ip or port")
	}
	return info, nil
}

// masterInfoFromPID is Mesos's createMasterInfo for the oldest format:
// the znode holds the UPID id@ip:port.
func masterInfoFromPID(pid string) (*mesospb.MasterInfo, error) {
	pid = strings.TrimSpace(pid)
	id, hostport, ok := strings.Cut(pid, "@")
	if !ok || id == "" {
		return nil, fmt.Errorf("parsing master UPID %q: not id@ip:port", pid)
	}
	ap, err := netip.ParseAddrPort(hostport)
	if err != nil || !ap.Addr().Is4() || ap.Port() == 0 {
		return nil, fmt.Errorf("parsing master UPID %q: not id@ipv4:port", pid)
	}
	ip := ap.Addr().As4()
	port := uint32(ap.Port())
	return &mesospb.MasterInfo{
		Id: proto.String(pid),
		// The address in network byte order read as a little-endian
		// number, as Mesos stores it.
		Ip:   proto.Uint32(binary.LittleEndian.Uint32(ip[:])),
		Port: proto.Uint32(port),
		Pid:  proto.String(pid),
		Address: &mesospb.Address{
			Ip:   proto.String(ap.Addr().String()),
			Port: proto.Int32(int32(port)),
		},
		Hostname: proto.String(ap.Addr().String()),
	}, nil
}
