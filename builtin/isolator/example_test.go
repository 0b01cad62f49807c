package isolator_test

import (
	"context"
	"log"

	"google.golang.org/protobuf/proto"

	builtin "github.com/gomesos/mesos/builtin/isolator"
	"github.com/gomesos/mesos/core/agent/containerizer"
	"github.com/gomesos/mesos/core/agent/containerizer/launcher"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// How an agent wires the built-in isolators into the containerizer: main calls
// containerizer.MaybeRunHelper first; then isolators from --isolation, a
// launcher, Recover, and launches.
func Example() {
	names, err := builtin.Parse("cgroups/cpu,cgroups/mem,namespaces/pid")
	if err != nil {
		log.Fatal(err)
	}
	var isolators []containerizer.NamedIsolator
	for _, n := range names {
		iso, err := builtin.New(n, builtin.Options{CgroupsRoot: "mesos"})
		if err != nil {
			log.Fatal(err)
		}
		isolators = append(isolators, containerizer.NamedIsolator{Name: n, Isolator: iso})
	}
	c, err := containerizer.New(containerizer.Options{
		RuntimeDir: "/var/run/mesos",
		Isolators:  isolators,
		Launcher:   launcher.New(launcher.Options{}),
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Recover(ctx, containerizer.AllKnown); err != nil {
		log.Fatal(err)
	}
	id := &mesospb.ContainerID{Value: proto.String("5f6f3c2e-0000-4000-8000-000000000001")}
	err = c.Launch(ctx, id, containerizer.LaunchRequest{
		Config: &isolator.ContainerConfig{
			CommandInfo: &mesospb.CommandInfo{Value: proto.String("sleep 10")},
			Directory:   "/var/lib/mesos/slaves/S0/frameworks/F0/executors/E0/runs/5f6f3c2e-0000-4000-8000-000000000001",
		},
		Environment: map[string]string{"MESOS_SANDBOX": "/var/lib/mesos/..."},
	})
	if err != nil {
		log.Fatal(err)
	}
	term, err := c.Wait(ctx, id)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("container ended: %v %s", term.Status, term.Message)
}
