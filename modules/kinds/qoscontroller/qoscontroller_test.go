package qoscontroller_test

import (
	"errors"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/qoscontroller"
	"github.com/gomesos/mesos/modules/kinds/qoscontroller/qoscontrollertest"
)

func TestCheck(t *testing.T) {
	usage := qoscontrollertest.BusyUsage()
	target := usage.GetExecutors()[1]
	kill := qoscontroller.Kill(target, "load")
	if e, err := qoscontroller.Check(kill, usage); err != nil || e != target {
		t.Errorf("Check(Kill) = %v, %v", e, err)
	}
	noContainer := qoscontroller.Kill(target, "load")
	noContainer.Kill.ContainerId = nil
	if _, err := qoscontroller.Check(noContainer, usage); err != nil {
		t.Errorf("Check without a container = %v", err)
	}
	for name, c := range map[string]*qoscontroller.QoSCorrection{
		"no type":        {Kill: kill.GetKill()},
		"no kill":        {Type: qoscontroller.QoSCorrection_KILL},
		"no executor":    {Type: qoscontroller.QoSCorrection_KILL, Kill: &qoscontroller.QoSCorrection_Kill{FrameworkId: kill.GetKill().GetFrameworkId()}},
		"other executor": {Type: qoscontroller.QoSCorrection_KILL, Kill: &qoscontroller.QoSCorrection_Kill{FrameworkId: kill.GetKill().GetFrameworkId(), ExecutorId: &mesospb.ExecutorID{Value: proto.String("gone")}}},
		"other framework": {Type: qoscontroller.QoSCorrection_KILL, Kill: &qoscontroller.QoSCorrection_Kill{
			FrameworkId: &mesospb.FrameworkID{Value: proto.String("f9")}, ExecutorId: kill.GetKill().GetExecutorId()}},
		"old container": {Type: qoscontroller.QoSCorrection_KILL, Kill: &qoscontroller.QoSCorrection_Kill{
			FrameworkId: kill.GetKill().GetFrameworkId(), ExecutorId: kill.GetKill().GetExecutorId(), ContainerId: &mesospb.ContainerID{Value: proto.String("old")}}},
	} {
		if _, err := qoscontroller.Check(c, usage); !errors.Is(err, qoscontroller.ErrInvalidCorrection) {
			t.Errorf("%s: Check = %v, want ErrInvalidCorrection", name, err)
		}
	}
}
