package containerizer

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/containerizer/launcher"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// fakeAgentEnv makes the test binary act as an agent that launches one
// container and exits without destroying it: "<runtime dir>|<sandbox>|<id>|<command>".
const fakeAgentEnv = "GOMESOS_TEST_FAKE_AGENT"

func TestMain(m *testing.M) {
	MaybeRunHelper()
	if spec := os.Getenv(fakeAgentEnv); spec != "" {
		os.Exit(fakeAgent(spec))
	}
	os.Exit(m.Run())
}

func fakeAgent(spec string) int {
	f := strings.SplitN(spec, "|", 4)
	if len(f) != 4 {
		fmt.Fprintln(os.Stderr, "bad", fakeAgentEnv)
		return 2
	}
	c, err := New(Options{RuntimeDir: f[0], Launcher: launcher.New(launcher.Options{})})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cfg := &isolator.ContainerConfig{CommandInfo: &mesospb.CommandInfo{Value: proto.String(f[3])}, Directory: f[1]}
	if err := c.Launch(context.Background(), &mesospb.ContainerID{Value: proto.String(f[2])}, LaunchRequest{Config: cfg}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// The agent dies here; the container runs on.
	c.Close()
	return 0
}
