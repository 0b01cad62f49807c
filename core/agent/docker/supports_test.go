package docker

import (
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// ContainerInfo.type is a required enum whose first value is DOCKER:
// GetType of an absent ContainerInfo says DOCKER, which must not send
// plain tasks to Docker.
func TestSupports(t *testing.T) {
	for _, tc := range []struct {
		name string
		info *mesospb.ContainerInfo
		want bool
	}{
		{"no container info", nil, false},
		{"no type", &mesospb.ContainerInfo{}, false},
		{"MESOS", &mesospb.ContainerInfo{Type: mesospb.ContainerInfo_MESOS.Enum()}, false},
		{"DOCKER", &mesospb.ContainerInfo{Type: mesospb.ContainerInfo_DOCKER.Enum()}, true},
	} {
		if got := Supports(tc.info); got != tc.want {
			t.Errorf("%s: Supports = %v, want %v", tc.name, got, tc.want)
		}
	}
}
