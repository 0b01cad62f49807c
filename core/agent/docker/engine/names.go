package engine

import (
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// NamePrefix starts the names of the containers the agent runs
// (Mesos's DOCKER_NAME_PREFIX): mesos-<container id>.
const NamePrefix = "mesos-"

// LabelOwner marks the containers of one agent: its value is the agent's
// Docker runtime directory, so that agents sharing a daemon do not take
// each other's containers for orphans.
const LabelOwner = "org.gomesos.agent.runtime_dir"

// ContainerName is the Docker name of a container.
func ContainerName(id *mesospb.ContainerID) string { return NamePrefix + id.GetValue() }

// ContainerIDFromName reads the container id back from a Docker name (as
// listed, with or without its leading slash).
func ContainerIDFromName(name string) (*mesospb.ContainerID, bool) {
	name = strings.TrimPrefix(name, "/")
	v, ok := strings.CutPrefix(name, NamePrefix)
	if !ok || v == "" || strings.ContainsAny(v, "/.") {
		return nil, false
	}
	return &mesospb.ContainerID{Value: proto.String(v)}, true
}
