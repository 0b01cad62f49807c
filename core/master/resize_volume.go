package master

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// Resizing persistent volumes (Mesos 1.6+, experimental): GROW_VOLUME
// takes a persistent volume and some disk of the same kind and reservation
// and makes one bigger volume; SHRINK_VOLUME gives part of a volume back as
// plain reserved disk. Both are conversions like CREATE and DESTROY
// (operations.go), through offers or the operator API, checked as Mesos's
// validation::operation::validate(GrowVolume/ShrinkVolume) does; the agent
// only has to checkpoint the result and say it can (RESIZE_VOLUME).

// resizeConversion validates a GROW_VOLUME or SHRINK_VOLUME and works out
// what it consumes and produces. Errors carry Mesos's prefix: the operator
// API names the agent, an offer operation does not.
func (m *Master) resizeConversion(op *mesospb.Offer_Operation, chk operationChecks) (consumed, converted resources.Resources, err error) {
	var reason string
	switch op.GetType() {
	case mesospb.Offer_Operation_GROW_VOLUME:
		consumed, converted, reason = growConversion(op.GetGrowVolume(), chk.agent)
	case mesospb.Offer_Operation_SHRINK_VOLUME:
		consumed, converted, reason = shrinkConversion(op.GetShrinkVolume(), chk.agent)
	default:
		return consumed, converted, fmt.Errorf("operation %s is not supported", op.GetType())
	}
	if reason == "" {
		return consumed, converted, nil
	}
	if chk.role == "" {
		return consumed, converted, fmt.Errorf("Invalid %s operation on agent %s: %s", op.GetType(), describeAgent(chk.agent), reason)
	}
	return consumed, converted, fmt.Errorf("Invalid %s operation: %s", op.GetType(), reason)
}

// growConversion: the volume and the addition are consumed, the volume
// with their summed size is produced.
func growConversion(g *mesospb.Offer_Operation_GrowVolume, a *agent) (consumed, converted resources.Resources, reason string) {
	vol, add := g.GetVolume(), g.GetAddition()
	if err := resources.Validate(vol); err != nil {
		return consumed, converted, "Invalid resource in the 'GrowVolume.volume' field: " + err.Error()
	}
	if err := resources.Validate(add); err != nil {
		return consumed, converted, "Invalid resource in the 'GrowVolume.addition' field: " + err.Error()
	}
	addition := resources.ScalarFromFloat(add.GetScalar().GetValue())
	if addition <= 0 {
		return consumed, converted, "The size of 'GrowVolume.addition' field must be greater than zero"
	}
	if vol.GetProviderId() != nil {
		return consumed, converted, "Growing a volume from a resource provider is not supported"
	}
	if reason := persistentVolumeProblem(vol); reason != "" {
		return consumed, converted, "Invalid persistent volume in the 'GrowVolume.volume' field: " + reason
	}
	if vol.Shared != nil {
		return consumed, converted, "Growing a shared persistent volume is not supported"
	}
	// The addition must merge with the disk under the volume into one
	// resource: same name, disk source, reservations and allocation (a
	// MOUNT disk never merges, so MOUNT volumes cannot grow).
	if resources.New(withoutPersistence(vol), add).Len() != 1 {
		return consumed, converted, "Incompatible resources in the 'GrowVolume.volume' and 'GrowVolume.addition' fields"
	}
	if !agentCapable(a, mesospb.AgentInfo_Capability_RESIZE_VOLUME) {
		return consumed, converted, fmt.Sprintf("Volume %s cannot be grown on an agent without RESIZE_VOLUME capability", resources.FormatProto(vol))
	}
	size := resources.ScalarFromFloat(vol.GetScalar().GetValue())
	if size+addition < size {
		// No agent has that much disk; refuse rather than wrap around.
		return consumed, converted, "The size of 'GrowVolume.addition' field is too large"
	}
	grown := proto.CloneOf(vol)
	grown.Scalar = scalarValue(size + addition)
	return resources.New(vol, add), resources.New(grown), ""
}

// shrinkConversion: the volume is consumed, a smaller one and the freed
// disk (with the volume's reservation, without its persistence) produced.
func shrinkConversion(s *mesospb.Offer_Operation_ShrinkVolume, a *agent) (consumed, converted resources.Resources, reason string) {
	vol := s.GetVolume()
	if err := resources.Validate(vol); err != nil {
		return consumed, converted, "Invalid resource in the 'ShrinkVolume.volume' field: " + err.Error()
	}
	subtract := resources.ScalarFromFloat(s.GetSubtract().GetValue())
	size := resources.ScalarFromFloat(vol.GetScalar().GetValue())
	switch {
	case subtract <= 0:
		return consumed, converted, "Value of 'ShrinkVolume.subtract' must be greater than zero"
	case size <= subtract:
		return consumed, converted, "Value of 'ShrinkVolume.subtract' must be smaller than the size of 'ShrinkVolume.volume'"
	case vol.GetProviderId() != nil:
		return consumed, converted, "Shrinking a volume from a resource provider is not supported"
	case vol.GetDisk().GetSource().GetType() == mesospb.Resource_DiskInfo_Source_MOUNT:
		return consumed, converted, "Shrinking a volume on a MOUNT disk is not supported"
	}
	if reason := persistentVolumeProblem(vol); reason != "" {
		return consumed, converted, "Invalid persistent volume in the 'ShrinkVolume.volume' field: " + reason
	}
	if vol.Shared != nil {
		return consumed, converted, "Shrinking a shared persistent volume is not supported"
	}
	if !agentCapable(a, mesospb.AgentInfo_Capability_RESIZE_VOLUME) {
		return consumed, converted, fmt.Sprintf("Volume %s cannot be shrunk on an agent without RESIZE_VOLUME capability", resources.FormatProto(vol))
	}
	shrunk := proto.CloneOf(vol)
	shrunk.Scalar = scalarValue(size - subtract)
	freed := withoutPersistence(vol)
	freed.Scalar = scalarValue(subtract)
	return resources.New(vol), resources.New(shrunk, freed), ""
}

// persistentVolumeProblem is Mesos's validatePersistentVolume for one
// resource ("" when it is a writable persistent volume).
func persistentVolumeProblem(r *mesospb.Resource) string {
	switch {
	case r.Disk == nil:
		return fmt.Sprintf("Resource %s does not have DiskInfo", resources.FormatProto(r))
	case r.GetDisk().Persistence == nil:
		return "'persistence' is not set in DiskInfo"
	case r.GetDisk().Volume == nil:
		return "Expecting 'volume' to be set for persistent volume"
	case r.GetDisk().GetVolume().GetMode() == mesospb.Volume_RO:
		return "Read-only persistent volume not supported"
	}
	return ""
}

func scalarValue(s resources.Scalar) *mesospb.Value_Scalar {
	return &mesospb.Value_Scalar{Value: proto.Float64(s.Float())}
}

// describeAgent is how Mesos names an agent in messages: "<id> at <pid>
// (<hostname>)".
func describeAgent(a *agent) string {
	if a == nil {
		return ""
	}
	return fmt.Sprintf("%s at %s (%s)", a.id, a.pid, a.info.GetHostname())
}

// operatorGrowVolume is GROW_VOLUME; it answers 202 once applied.
func (m *Master) operatorGrowVolume(ctx context.Context, g *masterpb.Call_GrowVolume) error {
	return m.operatorResize(ctx, g.GetAgentId(), &mesospb.Offer_Operation{
		Type:       mesospb.Offer_Operation_GROW_VOLUME.Enum(),
		GrowVolume: &mesospb.Offer_Operation_GrowVolume{Volume: g.GetVolume(), Addition: g.GetAddition()},
	})
}

// operatorShrinkVolume is SHRINK_VOLUME, likewise.
func (m *Master) operatorShrinkVolume(ctx context.Context, s *masterpb.Call_ShrinkVolume) error {
	return m.operatorResize(ctx, s.GetAgentId(), &mesospb.Offer_Operation{
		Type:         mesospb.Offer_Operation_SHRINK_VOLUME.Enum(),
		ShrinkVolume: &mesospb.Offer_Operation_ShrinkVolume{Volume: s.GetVolume(), Subtract: s.GetSubtract()},
	})
}

// operatorResize applies an operator's resize: only agent default
// resources (an agent id) are supported, as in Mesos.
func (m *Master) operatorResize(ctx context.Context, agentID *mesospb.AgentID, op *mesospb.Offer_Operation) error {
	if agentID == nil {
		return badRequest("Expecting 'agent_id' to be present; only agent default resources are supported right now")
	}
	volume := op.GetGrowVolume().GetVolume()
	if op.GetType() == mesospb.Offer_Operation_SHRINK_VOLUME {
		volume = op.GetShrinkVolume().GetVolume()
	}
	if err := m.authorizeResize(ctx, volume); err != nil {
		return err
	}
	return m.operatorOperation(ctx, agentID.GetValue(), op)
}

// authorizeResize holds the operator's GROW_VOLUME and SHRINK_VOLUME to
// RESIZE_VOLUME on the volume, as Mesos's ActionObject::growVolume and
// shrinkVolume do (the local authorizer's "resize_volumes" ACL, by role):
// 403 when refused.
func (m *Master) authorizeResize(ctx context.Context, volume *mesospb.Resource) error {
	if m.cfg.Authorizer == nil {
		return nil
	}
	return m.require(ctx, authorizer.Action_RESIZE_VOLUME, &authorizer.Object{Resource: volume})
}
