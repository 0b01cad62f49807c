package kinds_test

import (
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/gomesos/mesos/modules/kinds/allocator/allocatorgrpc"
	"github.com/gomesos/mesos/modules/kinds/anonymous/anonymousgrpc"
	"github.com/gomesos/mesos/modules/kinds/authenticator/authenticatorgrpc"
	"github.com/gomesos/mesos/modules/kinds/authorizer/authorizergrpc"
	"github.com/gomesos/mesos/modules/kinds/containerlogger/containerloggergrpc"
	"github.com/gomesos/mesos/modules/kinds/hook/hookgrpc"
	"github.com/gomesos/mesos/modules/kinds/httpauthenticator/httpauthenticatorgrpc"
	"github.com/gomesos/mesos/modules/kinds/isolator/isolatorgrpc"
	"github.com/gomesos/mesos/modules/kinds/mastercontender/mastercontendergrpc"
	"github.com/gomesos/mesos/modules/kinds/masterdetector/masterdetectorgrpc"
	"github.com/gomesos/mesos/modules/kinds/qoscontroller/qoscontrollergrpc"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator/resourceestimatorgrpc"
)

// The gRPC code of each kind (in <kind>grpc) and the service descriptor in
// the kind's package (which the WASM ABI numbers methods by) come from the
// same <kind>_service.proto. This checks they agree, and that the gRPC
// names plugins speak are still gomesos.modules.<kind>.v1.<Service>/<rpc>,
// as they were before the service moved out of <kind>.proto.
func TestGRPCServicesMatchTheKindsDescriptors(t *testing.T) {
	for _, sd := range []*grpc.ServiceDesc{
		&allocatorgrpc.Allocator_ServiceDesc, &anonymousgrpc.Anonymous_ServiceDesc,
		&authenticatorgrpc.Authenticator_ServiceDesc, &authorizergrpc.Authorizer_ServiceDesc,
		&containerloggergrpc.ContainerLogger_ServiceDesc, &hookgrpc.Hook_ServiceDesc,
		&httpauthenticatorgrpc.HttpAuthenticator_ServiceDesc, &isolatorgrpc.Isolator_ServiceDesc,
		&mastercontendergrpc.MasterContender_ServiceDesc, &masterdetectorgrpc.MasterDetector_ServiceDesc,
		&qoscontrollergrpc.QoSController_ServiceDesc, &resourceestimatorgrpc.ResourceEstimator_ServiceDesc,
	} {
		pkg, service, _ := strings.Cut(strings.TrimPrefix(sd.ServiceName, "gomesos.modules."), ".v1.")
		if pkg != strings.ToLower(service) || !strings.HasPrefix(sd.ServiceName, "gomesos.modules.") {
			t.Errorf("gRPC service %s: want gomesos.modules.<kind>.v1.<Kind>", sd.ServiceName)
			continue
		}
		d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(sd.ServiceName))
		if err != nil {
			t.Errorf("gRPC service %s has no descriptor linked: %v", sd.ServiceName, err)
			continue
		}
		desc := d.(protoreflect.ServiceDescriptor)
		if want := "modules/kinds/" + pkg + "/" + pkg + "_service.proto"; desc.ParentFile().Path() != want {
			t.Errorf("%s is declared in %s, want %s", sd.ServiceName, desc.ParentFile().Path(), want)
		}
		var rpcs, grpcs []string
		for i := range desc.Methods().Len() {
			rpcs = append(rpcs, string(desc.Methods().Get(i).Name()))
		}
		for _, m := range sd.Methods {
			grpcs = append(grpcs, m.MethodName)
		}
		for _, s := range sd.Streams {
			grpcs = append(grpcs, s.StreamName)
		}
		slices.Sort(grpcs)
		sorted := slices.Sorted(slices.Values(rpcs))
		if !slices.Equal(sorted, grpcs) {
			t.Errorf("%s: descriptor has %v, gRPC code serves %v", sd.ServiceName, rpcs, grpcs)
		}
	}
}
