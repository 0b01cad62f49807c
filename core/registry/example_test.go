package registry_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/registry"
)

// How the master uses the registry when it is elected.
func Example() {
	workDir, _ := os.MkdirTemp("", "master")
	defer os.RemoveAll(workDir)
	ctx := context.Background()

	// --registry=replicated_log --work_dir=...
	store, err := registry.OpenStore(registry.KindReplicatedLog, workDir, nil)
	if err != nil {
		log.Fatal(err) // e.g. another master holds the lock
	}
	defer store.Close()

	r := registry.New(registry.Config{Store: store, StoreTimeout: 20 * time.Second})
	defer r.Close()
	info := &mesospb.MasterInfo{
		Id: proto.String("m1"), Ip: proto.Uint32(0x7f000001), Port: proto.Uint32(5050),
		Capabilities: []*mesospb.MasterInfo_Capability{
			{Type: mesospb.MasterInfo_Capability_AGENT_UPDATE.Enum()},
			{Type: mesospb.MasterInfo_Capability_AGENT_DRAINING.Enum()},
			{Type: mesospb.MasterInfo_Capability_QUOTA_V2.Enum()},
		},
	}
	reg, err := r.Recover(ctx, info)
	if err != nil {
		log.Fatal(err) // refuse to lead
	}
	fmt.Println("recovered agents:", len(reg.GetAgents().GetAgents()))

	agent := &mesospb.AgentInfo{Hostname: proto.String("a1"), Id: &mesospb.AgentID{Value: proto.String("m1-S0")}}
	err = r.Apply(ctx, &registry.AdmitAgent{Info: agent})
	fmt.Println("admit:", err)
	err = r.Apply(ctx, &registry.AdmitAgent{Info: agent})
	fmt.Println("again:", err, errors.Is(err, registry.ErrRefused))

	// A failed write (another master wrote) ends the leadership.
	select {
	case <-r.Done():
		log.Fatal(r.Err())
	default:
	}
	// Output:
	// recovered agents: 0
	// admit: <nil>
	// again: registry operation refused: admit agent m1-S0: Agent already admitted true
}
