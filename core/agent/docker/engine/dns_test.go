package engine

import (
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

const dnsExample = `{
  "mesos": [{"network_mode": "CNI", "network_name": "net1", "dns": {"nameservers": ["8.8.8.8"]}}],
  "docker": [
    {"network_mode": "BRIDGE", "dns": {"nameservers": ["8.8.8.8", "8.8.4.4"], "search": ["example.com"], "options": ["ndots:2"]}},
    {"network_mode": "USER", "network_name": "net2", "dns": {"nameservers": ["10.0.0.2"]}},
    {"network_mode": "USER", "dns": {"nameservers": ["10.0.0.1"]}}
  ]
}`

func TestParseContainerDNSPicksTheNetworksEntry(t *testing.T) {
	c, err := ParseContainerDNS([]byte(dnsExample))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		network mesospb.ContainerInfo_DockerInfo_Network
		name    string
		want    []string
	}{
		{mesospb.ContainerInfo_DockerInfo_BRIDGE, "", []string{"8.8.8.8", "8.8.4.4"}},
		{mesospb.ContainerInfo_DockerInfo_USER, "net2", []string{"10.0.0.2"}},
		{mesospb.ContainerInfo_DockerInfo_USER, "other", []string{"10.0.0.1"}},
		{mesospb.ContainerInfo_DockerInfo_HOST, "", nil},
		{mesospb.ContainerInfo_DockerInfo_NONE, "", nil},
	}
	for _, tc := range cases {
		got := c.ForDocker(tc.network, tc.name)
		var ns []string
		if got != nil {
			ns = got.Nameservers
		}
		if !reflect.DeepEqual(ns, tc.want) {
			t.Errorf("%s %q: nameservers %v, want %v", tc.network, tc.name, ns, tc.want)
		}
	}
}

func TestParseContainerDNSRejectsWhatMesosRejects(t *testing.T) {
	for in, want := range map[string]string{
		`{"docker": [{"network_mode": "HOST", "dns": {}}]}`:                                                          "HOST network",
		`{"docker": [{"network_mode": "UNKNOWN"}]}`:                                                                  "UNKNOWN network mode",
		`{"docker": [{"network_mode": "BRIDGE"}, {"network_mode": "BRIDGE"}]}`:                                       "Docker default bridge",
		`{"docker": [{"network_mode": "USER"}, {"network_mode": "USER"}]}`:                                           "without network name",
		`{"docker": [{"network_mode": "USER", "network_name": "a"}, {"network_mode": "USER", "network_name": "a"}]}`: "network name 'a'",
		`{"docker": [{"dns": {}}]}`:                                                                                  "no network_mode",
		`{"docker": [{"network_mode": "CNI"}]}`:                                                                      "unknown network_mode",
		`{"mesos": [{"network_mode": "HOST"}]}`:                                                                      "HOST network",
		`{"mesos": [{"network_mode": "CNI"}, {"network_mode": "CNI"}]}`:                                              "without network name for CNI",
		`{"docker": [{"network_mode": 2}]}`:                                                                          "not a JSON ContainerDNSInfo",
		`{"docker": [{"network_mode": "BRIDGE", "dns": {"nameservers": "8.8.8.8"}}]}`:                                "not a JSON ContainerDNSInfo",
		`{"docker": []} {}`: "unexpected data",
		`[`:                 "not a JSON ContainerDNSInfo",
	} {
		_, err := ParseContainerDNS([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one saying %q", in, err, want)
		}
	}
}

// TestDefaultDNSAppliesUnlessTheTaskSetsDNS: the bridge's default DNS goes
// to the create request, and any DNS parameter of the task replaces all
// of it, as in Mesos.
func TestDefaultDNSAppliesUnlessTheTaskSetsDNS(t *testing.T) {
	c, err := ParseContainerDNS([]byte(dnsExample))
	if err != nil {
		t.Fatal(err)
	}
	spec := &RunSpec{
		Name: "mesos-x",
		Container: &mesospb.ContainerInfo{Type: mesospb.ContainerInfo_DOCKER.Enum(), Docker: &mesospb.ContainerInfo_DockerInfo{
			Image: proto.String("img"), Network: mesospb.ContainerInfo_DockerInfo_BRIDGE.Enum(),
		}},
		Command:          &mesospb.CommandInfo{Value: proto.String("true")},
		SandboxDirectory: "/tmp/s", MappedDirectory: DefaultMappedDirectory, DefaultDNS: c,
	}
	cfg, err := spec.CreateConfig()
	if err != nil {
		t.Fatal(err)
	}
	hc := cfg.HostConfig
	if !reflect.DeepEqual(hc.DNS, []string{"8.8.8.8", "8.8.4.4"}) || !reflect.DeepEqual(hc.DNSSearch, []string{"example.com"}) || !reflect.DeepEqual(hc.DNSOptions, []string{"ndots:2"}) {
		t.Errorf("DNS %v search %v options %v", hc.DNS, hc.DNSSearch, hc.DNSOptions)
	}
	spec.Container.Docker.Parameters = []*mesospb.Parameter{{Key: proto.String("dns-search"), Value: proto.String("mine.org")}}
	cfg, err = spec.CreateConfig()
	if err != nil {
		t.Fatal(err)
	}
	hc = cfg.HostConfig
	if len(hc.DNS) != 0 || !reflect.DeepEqual(hc.DNSSearch, []string{"mine.org"}) || len(hc.DNSOptions) != 0 {
		t.Errorf("with the task's dns-search: DNS %v search %v options %v", hc.DNS, hc.DNSSearch, hc.DNSOptions)
	}
}

// FuzzParseContainerDNS: any input is parsed or refused without a panic,
// and what is accepted survives its own encoding (the form the docker
// executor gets it in) unchanged.
func FuzzParseContainerDNS(f *testing.F) {
	f.Add([]byte(dnsExample))
	f.Add([]byte(`{"docker": [{"network_mode": "USER", "network_name": "", "dns": {"options": ["a"]}}]}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseContainerDNS(data)
		if err != nil {
			return
		}
		again, err := ParseContainerDNS([]byte(c.String()))
		if err != nil {
			t.Fatalf("the encoding of an accepted value is refused: %v\n%s", err, c.String())
		}
		if again.String() != c.String() {
			t.Fatalf("round trip changed the value:\n%s\n%s", c, again)
		}
		for _, n := range []mesospb.ContainerInfo_DockerInfo_Network{mesospb.ContainerInfo_DockerInfo_BRIDGE, mesospb.ContainerInfo_DockerInfo_USER} {
			_ = c.ForDocker(n, "net")
		}
	})
}
