package containerizer

import (
	"context"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// A launch asked to be self-supervised is, unless an isolator replaces the
// command or asks for what only the supervisor does.
func TestSelfSupervisedOnlyWhenNothingNeedsTheSupervisor(t *testing.T) {
	for _, c := range []struct {
		name string
		info *isolator.ContainerLaunchInfo
		ask  bool
		want bool
	}{
		{name: "asked", ask: true, want: true},
		{name: "not asked", ask: false, want: false},
		{name: "command replaced", ask: true, want: false,
			info: &isolator.ContainerLaunchInfo{Command: &mesospb.CommandInfo{Value: proto.String("other")}}},
		{name: "rlimits", ask: true, want: false,
			info: &isolator.ContainerLaunchInfo{Rlimits: &mesospb.RLimitInfo{Rlimits: []*mesospb.RLimitInfo_RLimit{{
				Type: mesospb.RLimitInfo_RLimit_RLMT_NOFILE.Enum(), Soft: proto.Uint64(10), Hard: proto.Uint64(10)}}}}},
		{name: "pre-exec", ask: true, want: false,
			info: &isolator.ContainerLaunchInfo{PreExecCommands: []*mesospb.CommandInfo{{Value: proto.String("true")}}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, "iso")
			h.isolators[0].launchInfo = c.info
			h.c = h.start()
			err := h.c.Launch(context.Background(), containerID("c"), LaunchRequest{Config: h.config("sleep 1000"), SelfSupervised: c.ask})
			if err != nil {
				t.Fatal(err)
			}
			if got := h.launcher.spec(h.runtimeDir, "c").SelfSupervised; got != c.want {
				t.Errorf("SelfSupervised = %v, want %v", got, c.want)
			}
		})
	}
}
