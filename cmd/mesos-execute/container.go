package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/jsoncodec"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// containerSpec is what of the flags goes into the task's ContainerInfo
// (Mesos's getContainerInfo in src/cli/execute.cpp), parsed.
type containerSpec struct {
	dockerImage, appcImage string
	// containerizer is --containerizer; docker says whether a docker
	// image runs in a DOCKER container (see executeFlags).
	containerizer string
	docker        bool
	// explicitDocker is --containerizer=docker given on the command line.
	explicitDocker bool
	networks       []string
	volumes        []*mesospb.Volume
	effective      *mesospb.CapabilityInfo
	bounding       *mesospb.CapabilityInfo
	rlimits        *mesospb.RLimitInfo
	tty            bool
}

// parseContainerSpec reads the container flags' JSON values.
func parseContainerSpec(f *executeFlags) (*containerSpec, error) {
	s := &containerSpec{
		dockerImage:    f.DockerImage,
		appcImage:      f.AppcImage,
		containerizer:  f.Containerizer,
		docker:         f.dockerContainerizer,
		explicitDocker: f.Containerizer == "docker",
		networks:       tokenize(f.Networks, ","),
		tty:            f.TTY,
	}
	var err error
	if s.volumes, err = parseVolumes(f.Volumes); err != nil {
		return nil, err
	}
	if len(f.EffectiveCapabilities) > 0 {
		s.effective = &mesospb.CapabilityInfo{}
		if err := jsoncodec.Unmarshal(f.EffectiveCapabilities, s.effective); err != nil {
			return nil, fmt.Errorf("Failed to convert '--effective_capabilities' to protobuf: %w", err)
		}
	}
	if len(f.BoundingCapabilities) > 0 {
		s.bounding = &mesospb.CapabilityInfo{}
		if err := jsoncodec.Unmarshal(f.BoundingCapabilities, s.bounding); err != nil {
			return nil, fmt.Errorf("Failed to convert '--bounding_capabilities' to protobuf: %w", err)
		}
	}
	if len(f.RLimits) > 0 {
		s.rlimits = &mesospb.RLimitInfo{}
		if err := jsoncodec.Unmarshal(f.RLimits, s.rlimits); err != nil {
			return nil, fmt.Errorf("Failed to convert '--rlimits' to protobuf: %w", err)
		}
	}
	return s, nil
}

// parseVolumes reads --volumes, a JSON array of Volume messages.
func parseVolumes(raw json.RawMessage) ([]*mesospb.Volume, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("Failed to convert '--volumes' to protobuf: expecting a JSON array: %w", err)
	}
	out := make([]*mesospb.Volume, 0, len(items))
	for i, item := range items {
		v := &mesospb.Volume{}
		if err := jsoncodec.Unmarshal(item, v); err != nil {
			return nil, fmt.Errorf("Failed to convert '--volumes' to protobuf: volume %d: %w", i, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// containerInfo is the task's ContainerInfo, nil when the command runs
// without one, as Mesos's mesos-execute builds it.
func (s *containerSpec) containerInfo() (*mesospb.ContainerInfo, error) {
	if s.dockerImage != "" && s.docker || s.explicitDocker {
		return s.dockerInfo()
	}
	if s.containerizer != "mesos" && s.containerizer != "docker" {
		return nil, errors.New("Unsupported containerizer: " + s.containerizer)
	}
	if !s.tty && s.appcImage == "" && s.dockerImage == "" && s.effective == nil && s.bounding == nil &&
		s.rlimits == nil && len(s.networks) == 0 && len(s.volumes) == 0 {
		return nil, nil
	}
	c := &mesospb.ContainerInfo{Type: mesospb.ContainerInfo_MESOS.Enum(), Volumes: s.volumes}
	switch {
	case s.dockerImage != "":
		c.Mesos = &mesospb.ContainerInfo_MesosInfo{Image: &mesospb.Image{
			Type: mesospb.Image_DOCKER.Enum(), Docker: &mesospb.Image_Docker{Name: proto.String(s.dockerImage)},
		}}
	case s.appcImage != "":
		// Mesos hard-codes these labels too.
		c.Mesos = &mesospb.ContainerInfo_MesosInfo{Image: &mesospb.Image{
			Type: mesospb.Image_APPC.Enum(),
			Appc: &mesospb.Image_Appc{Name: proto.String(s.appcImage), Labels: &mesospb.Labels{Labels: []*mesospb.Label{
				{Key: proto.String("os"), Value: proto.String("linux")},
				{Key: proto.String("arch"), Value: proto.String("amd64")},
			}}},
		}}
	}
	for _, n := range s.networks {
		c.NetworkInfos = append(c.NetworkInfos, &mesospb.NetworkInfo{Name: proto.String(n)})
	}
	if s.effective != nil || s.bounding != nil {
		c.LinuxInfo = &mesospb.LinuxInfo{EffectiveCapabilities: s.effective, BoundingCapabilities: s.bounding}
	}
	c.RlimitInfo = s.rlimits
	if s.tty {
		c.TtyInfo = &mesospb.TTYInfo{}
	}
	return c, nil
}

// dockerInfo is the DOCKER ContainerInfo: the docker containerizer runs
// docker images only, on at most one (user) network, without a TTY.
func (s *containerSpec) dockerInfo() (*mesospb.ContainerInfo, error) {
	if s.dockerImage == "" {
		return nil, errors.New("'Docker' containerizer requires docker image name")
	}
	c := &mesospb.ContainerInfo{
		Type:    mesospb.ContainerInfo_DOCKER.Enum(),
		Docker:  &mesospb.ContainerInfo_DockerInfo{Image: proto.String(s.dockerImage)},
		Volumes: s.volumes,
	}
	switch len(s.networks) {
	case 0:
	case 1:
		c.Docker.Network = mesospb.ContainerInfo_DockerInfo_USER.Enum()
		c.NetworkInfos = []*mesospb.NetworkInfo{{Name: proto.String(s.networks[0])}}
	default:
		return nil, errors.New("'Docker' containerizer can only support a single network")
	}
	if s.tty {
		return nil, errors.New("'Docker' containerizer does not allow attaching a TTY")
	}
	return c, nil
}

// groupExecutorContainer is the default executor's container of a task
// group given --networks: the group joins those networks.
func (s *containerSpec) groupExecutorContainer() *mesospb.ContainerInfo {
	if len(s.networks) == 0 {
		return nil
	}
	c := &mesospb.ContainerInfo{Type: mesospb.ContainerInfo_MESOS.Enum()}
	for _, n := range s.networks {
		c.NetworkInfos = append(c.NetworkInfos, &mesospb.NetworkInfo{Name: proto.String(n)})
	}
	return c
}

// tokenize splits s at sep, dropping empty tokens (stout's
// strings::tokenize).
func tokenize(s, sep string) []string {
	var out []string
	for _, t := range strings.Split(s, sep) {
		if t != "" {
			out = append(out, t)
		}
	}
	return out
}
