package detector_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/detector"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/masterdetector"
	"github.com/gomesos/mesos/modules/kinds/masterdetector/masterdetectortest"
)

var fakeDNS = detector.Resolver{LookupHost: func(_ context.Context, host string) ([]string, error) {
	switch host {
	case "master.example":
		return []string{"::1", "10.0.0.7"}, nil
	case "v6only.example":
		return []string{"::1"}, nil
	}
	return nil, errors.New("no such host")
}}

func TestConformance(t *testing.T) {
	leader := masterdetectortest.Master("leader", 5050)
	masterdetectortest.Run(t, masterdetectortest.Fixture{
		New:    func(t *testing.T) masterdetector.MasterDetector { return detector.NewStandaloneDetector(leader) },
		Leader: leader,
		Appoint: func(t *testing.T, d masterdetector.MasterDetector, m *mesospb.MasterInfo) {
			d.(*detector.Standalone).Appoint(m)
		},
	})
	t.Run("no leader", func(t *testing.T) {
		masterdetectortest.Run(t, masterdetectortest.Fixture{
			New: func(t *testing.T) masterdetector.MasterDetector {
				d, err := detector.NewStandalone(nil)
				if err != nil {
					t.Fatal(err)
				}
				return d
			},
		})
	})
	t.Run("from parameters", func(t *testing.T) {
		want, err := detector.ParseMaster("127.0.0.1:5050", detector.Resolver{})
		if err != nil {
			t.Fatal(err)
		}
		masterdetectortest.Run(t, masterdetectortest.Fixture{
			New: func(t *testing.T) masterdetector.MasterDetector {
				d, err := detector.Catalog()["standalone"](map[string]string{"master": "127.0.0.1:5050"})
				if err != nil {
					t.Fatal(err)
				}
				return d
			},
			Leader: want,
		})
	})
}

func TestParseMaster(t *testing.T) {
	for _, tc := range []struct {
		value, pid, hostname, ip string
		ipNum                    uint32
		port                     uint32
	}{
		{"127.0.0.1:5050", "master@127.0.0.1:5050", "127.0.0.1", "127.0.0.1", 0x0100007f, 5050},
		{"master@10.1.2.3:5051", "master@10.1.2.3:5051", "10.1.2.3", "10.1.2.3", 0x0302010a, 5051},
		{" master.example:5050\n", "master@10.0.0.7:5050", "master.example", "10.0.0.7", 0x0700000a, 5050},
	} {
		info, err := detector.ParseMaster(tc.value, fakeDNS)
		if err != nil {
			t.Errorf("ParseMaster(%q) = %v", tc.value, err)
			continue
		}
		if info.GetPid() != tc.pid || info.GetHostname() != tc.hostname || info.GetIp() != tc.ipNum || info.GetPort() != tc.port ||
			info.GetAddress().GetIp() != tc.ip || info.GetAddress().GetPort() != int32(tc.port) || info.GetId() == "" {
			t.Errorf("ParseMaster(%q) = %v", tc.value, info)
		}
	}
	info, err := detector.ParseMaster(`{"id":"m1","ip":16777343,"port":5050,"pid":"master@127.0.0.1:5050","hostname":"localhost"}`, fakeDNS)
	if err != nil || info.GetId() != "m1" || info.GetPort() != 5050 {
		t.Errorf("ParseMaster(JSON) = %v, %v", info, err)
	}
	for _, bad := range []string{
		"", "zk://h:2181/mesos", "host", "host:", ":5050", "@h:5050", "h:0", "h:99999", "h:port",
		"nowhere.example:5050", "v6only.example:5050", "[::1]:5050", `{"id": "no ip"}`,
	} {
		if info, err := detector.ParseMaster(bad, fakeDNS); err == nil {
			t.Errorf("ParseMaster(%q) = %v", bad, info)
		}
	}
}

func TestAppoint(t *testing.T) {
	d := detector.NewStandaloneDetector(nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	done := make(chan *mesospb.MasterInfo, 1)
	go func() {
		resp, err := d.Detect(ctx, &masterdetector.DetectRequest{})
		if err != nil {
			done <- nil
			return
		}
		done <- resp.GetLeader()
	}()
	m := masterdetectortest.Master("m", 5050)
	d.Appoint(m)
	m.Port = proto.Uint32(1) // the detector keeps its own copy
	if got := <-done; got.GetId() != "m" || got.GetPort() != 5050 {
		t.Errorf("Detect after Appoint = %v", got)
	}
	if _, err := detector.NewStandalone(map[string]string{"leader": "x"}); err == nil {
		t.Error("NewStandalone with an unknown parameter succeeded")
	}
}
