package agentflags

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomesos/mesos/core/agent"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// TestDefaultContainerDNS: --default_container_dns, inline or from a
// file:// path, reaches the agent's Docker config; a value Mesos refuses
// fails the configuration, naming the flag.
func TestDefaultContainerDNS(t *testing.T) {
	load := func(value string) (agent.Config, error) { return loadConfig(t, "--default_container_dns="+value) }
	good := `{"docker": [{"network_mode": "BRIDGE", "dns": {"nameservers": ["192.0.2.53"]}}]}`
	file := filepath.Join(t.TempDir(), "dns.json")
	if err := os.WriteFile(file, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{good, "file://" + file} {
		cfg, err := load(v)
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		dns := cfg.Docker.DefaultContainerDNS.ForDocker(mesospb.ContainerInfo_DockerInfo_BRIDGE, "")
		if dns == nil || len(dns.Nameservers) != 1 || dns.Nameservers[0] != "192.0.2.53" {
			t.Errorf("%s: bridge DNS %+v", v, dns)
		}
	}
	_, err := load(`{"docker": [{"network_mode": "HOST", "dns": {"nameservers": ["192.0.2.53"]}}]}`)
	if err == nil || !strings.Contains(err.Error(), "--default_container_dns") || !strings.Contains(err.Error(), "HOST network") {
		t.Errorf("HOST entry: error %v", err)
	}
}
