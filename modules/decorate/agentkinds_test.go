package decorate

import (
	"context"
	"errors"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/containerlogger"
	"github.com/gomesos/mesos/modules/kinds/isolator"
	"github.com/gomesos/mesos/modules/kinds/qoscontroller"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator"
)

func decoratorOf(kind modules.Kind) *Decorator {
	return New(modules.Spec{Library: "lib", Name: "m", Kind: kind, Runtime: modules.RuntimeBuiltin}, Options{})
}

// launchInfoIsolator answers Prepare with a fixed launch info and panics
// in Isolate.
type launchInfoIsolator struct {
	isolator.Nop
	info *isolator.ContainerLaunchInfo
}

func (i launchInfoIsolator) Prepare(context.Context, *isolator.PrepareRequest) (*isolator.PrepareResponse, error) {
	return &isolator.PrepareResponse{LaunchInfo: i.info}, nil
}

func (launchInfoIsolator) Isolate(context.Context, *isolator.IsolateRequest) (*isolator.IsolateResponse, error) {
	panic("isolate exploded")
}

func TestIsolatorLaunchInfoChecked(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		info *isolator.ContainerLaunchInfo
		bad  bool
	}{
		{"nil", nil, false},
		{"env", &isolator.ContainerLaunchInfo{Environment: &mesospb.Environment{Variables: []*mesospb.Environment_Variable{
			{Name: proto.String("A"), Value: proto.String("1")}}}}, false},
		{"env without name", &isolator.ContainerLaunchInfo{Environment: &mesospb.Environment{Variables: []*mesospb.Environment_Variable{
			{Value: proto.String("1")}}}}, true},
		{"rlimit soft above hard", &isolator.ContainerLaunchInfo{Rlimits: &mesospb.RLimitInfo{Rlimits: []*mesospb.RLimitInfo_RLimit{
			{Type: mesospb.RLimitInfo_RLimit_RLMT_NOFILE.Enum(), Soft: proto.Uint64(10), Hard: proto.Uint64(5)}}}}, true},
		{"relative mount", &isolator.ContainerLaunchInfo{Mounts: []*isolator.ContainerMountInfo{{Target: "tmp"}}}, true},
		{"relative working directory", &isolator.ContainerLaunchInfo{WorkingDirectory: "sandbox"}, true},
		{"empty pre-exec", &isolator.ContainerLaunchInfo{PreExecCommands: []*mesospb.CommandInfo{{Shell: proto.Bool(true)}}}, true},
	} {
		d := decoratorOf(modules.KindIsolator)
		_, err := NewIsolator(d, launchInfoIsolator{info: tc.info}).Prepare(ctx, &isolator.PrepareRequest{})
		if got := ClassOf(err) == ClassRejected; got != tc.bad {
			t.Errorf("%s: error %v, rejected %v, want %v", tc.name, err, got, tc.bad)
		}
		if tc.bad && d.Status().Rejected != 1 {
			t.Errorf("%s: rejected count %d", tc.name, d.Status().Rejected)
		}
	}
	d := decoratorOf(modules.KindIsolator)
	_, err := NewIsolator(d, launchInfoIsolator{}).Isolate(ctx, &isolator.IsolateRequest{})
	if ClassOf(err) != ClassPanic || d.Status().State != StateFailed {
		t.Errorf("panic: %v, state %s", err, d.Status().State)
	}
}

type fixedEstimate []*mesospb.Resource

func (f fixedEstimate) Oversubscribable(context.Context, *resourceestimator.OversubscribableRequest) (*resourceestimator.OversubscribableResponse, error) {
	return &resourceestimator.OversubscribableResponse{Resources: f}, nil
}

func TestEstimateChecked(t *testing.T) {
	revocable := scalar("cpus", 2)
	revocable.Revocable = &mesospb.Resource_RevocableInfo{}
	d := decoratorOf(modules.KindResourceEstimator)
	if _, err := NewResourceEstimator(d, fixedEstimate{revocable}).Oversubscribable(context.Background(), &resourceestimator.OversubscribableRequest{}); err != nil {
		t.Fatalf("revocable estimate: %v", err)
	}
	_, err := NewResourceEstimator(d, fixedEstimate{scalar("cpus", 2)}).Oversubscribable(context.Background(), &resourceestimator.OversubscribableRequest{})
	if ClassOf(err) != ClassRejected || !errors.Is(err, resourceestimator.ErrInvalidEstimate) {
		t.Fatalf("non-revocable estimate: %v", err)
	}
}

type fixedCorrections []*qoscontroller.QoSCorrection

func (f fixedCorrections) Corrections(context.Context, *qoscontroller.CorrectionsRequest) (*qoscontroller.CorrectionsResponse, error) {
	return &qoscontroller.CorrectionsResponse{Corrections: f}, nil
}

func TestCorrectionsChecked(t *testing.T) {
	usage := &mesospb.ResourceUsage{Executors: []*mesospb.ResourceUsage_Executor{{
		ExecutorInfo: &mesospb.ExecutorInfo{ExecutorId: &mesospb.ExecutorID{Value: proto.String("e")},
			FrameworkId: &mesospb.FrameworkID{Value: proto.String("f")}},
		ContainerId: &mesospb.ContainerID{Value: proto.String("c")},
	}}}
	good := qoscontroller.Kill(usage.Executors[0], "too hot")
	stranger := proto.CloneOf(good)
	stranger.Kill.ExecutorId.Value = proto.String("other")
	d := decoratorOf(modules.KindQoSController)
	resp, err := NewQoSController(d, fixedCorrections{good, stranger}).Corrections(context.Background(), &qoscontroller.CorrectionsRequest{Usage: usage})
	if err != nil || len(resp.GetCorrections()) != 1 || resp.GetCorrections()[0] != good {
		t.Fatalf("corrections %v, %v", resp, err)
	}
	if s := d.Status(); s.Rejected != 1 {
		t.Errorf("rejected %d", s.Rejected)
	}
}

type fixedIO struct {
	containerlogger.ContainerLogger
	resp *containerlogger.PrepareResponse
}

func (f fixedIO) Prepare(context.Context, *containerlogger.PrepareRequest) (*containerlogger.PrepareResponse, error) {
	return f.resp, nil
}

func TestContainerLoggerIOChecked(t *testing.T) {
	d := decoratorOf(modules.KindContainerLogger)
	ok := &containerlogger.PrepareResponse{Stdout: containerlogger.Path("/sandbox/stdout"), Stderr: containerlogger.Forward()}
	if _, err := NewContainerLogger(d, fixedIO{resp: ok}).Prepare(context.Background(), &containerlogger.PrepareRequest{}); err != nil {
		t.Fatal(err)
	}
	bad := &containerlogger.PrepareResponse{Stdout: containerlogger.Path("stdout"), Stderr: containerlogger.Forward()}
	if _, err := NewContainerLogger(d, fixedIO{resp: bad}).Prepare(context.Background(), &containerlogger.PrepareRequest{}); ClassOf(err) != ClassRejected {
		t.Fatalf("relative path: %v", err)
	}
}
