package registry

import (
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/maintenancepb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/registrypb"
)

func machine(host, ip string) *mesospb.MachineID {
	id := &mesospb.MachineID{}
	if host != "" {
		id.Hostname = proto.String(host)
	}
	if ip != "" {
		id.Ip = proto.String(ip)
	}
	return id
}

func window(start time.Time, d time.Duration, ids ...*mesospb.MachineID) *maintenancepb.Window {
	return &maintenancepb.Window{
		MachineIds: ids,
		Unavailability: &mesospb.Unavailability{
			Start:    timeInfo(start),
			Duration: &mesospb.DurationInfo{Nanoseconds: proto.Int64(int64(d))},
		},
	}
}

func schedule(ws ...*maintenancepb.Window) *maintenancepb.Schedule {
	return &maintenancepb.Schedule{Windows: ws}
}

func modes(reg *registrypb.Registry) map[string]mesospb.MachineInfo_Mode {
	m := map[string]mesospb.MachineInfo_Mode{}
	for _, x := range reg.GetMachines().GetMachines() {
		m[x.GetInfo().GetId().GetHostname()+"/"+x.GetInfo().GetId().GetIp()] = x.GetInfo().GetMode()
	}
	return m
}

func TestUpdateScheduleValidation(t *testing.T) {
	reg := &registrypb.Registry{}
	a := machine("a", "10.0.0.1")
	wantRefused(t, reg, &UpdateSchedule{}, "missing maintenance schedule")
	wantRefused(t, reg, &UpdateSchedule{Schedule: schedule(window(t0, time.Hour))},
		"List of machines in the maintenance window is empty")
	wantRefused(t, reg, &UpdateSchedule{Schedule: schedule(window(t0, -time.Hour, a))},
		"Unavailability 'duration' is negative")
	wantRefused(t, reg, &UpdateSchedule{Schedule: schedule(window(t0, time.Hour, machine("", "")))},
		"Both 'hostname' and 'ip' for a machine are empty")
	wantRefused(t, reg, &UpdateSchedule{Schedule: schedule(window(t0, time.Hour, machine("h", "not-an-ip")))},
		"Failed to parse IP 'not-an-ip' as an IPv4 address")
	// Hostnames compare case-insensitively.
	wantRefused(t, reg, &UpdateSchedule{Schedule: schedule(window(t0, time.Hour, a), window(t0, time.Hour, machine("A", "10.0.0.1")))},
		`Machine '{"hostname":"A","ip":"10.0.0.1"}' appears more than once in the schedule`)
	incomplete := schedule(&maintenancepb.Window{MachineIds: []*mesospb.MachineID{a}})
	if _, err := apply(t, reg, &UpdateSchedule{Schedule: incomplete}); err == nil {
		t.Fatal("accepted a window without its required unavailability")
	}
}

func TestMaintenanceLifecycle(t *testing.T) {
	reg := &registrypb.Registry{}
	a, b, c := machine("a", ""), machine("b", "10.0.0.2"), machine("", "10.0.0.3")

	wantChanged(t, reg, &UpdateSchedule{Schedule: schedule(window(t0, time.Hour, a, b), window(t0.Add(time.Hour), time.Hour, c))}, true)
	if got := modes(reg); len(got) != 3 || got["a/"] != mesospb.MachineInfo_DRAINING || got["/10.0.0.3"] != mesospb.MachineInfo_DRAINING {
		t.Fatalf("modes after scheduling: %v", got)
	}
	wantChanged(t, reg, &UpdateSchedule{Schedule: schedule(window(t0, time.Hour, a, b), window(t0.Add(time.Hour), time.Hour, c))}, false)

	// Down: only scheduled, DRAINING machines.
	wantRefused(t, reg, &StartMaintenance{}, "List of machines is empty")
	wantRefused(t, reg, &StartMaintenance{Machines: []*mesospb.MachineID{machine("z", "")}},
		`Machine '{"hostname":"z"}' is not part of a maintenance schedule`)
	wantChanged(t, reg, &StartMaintenance{Machines: []*mesospb.MachineID{a}}, true)
	wantRefused(t, reg, &StartMaintenance{Machines: []*mesospb.MachineID{a}},
		`Machine '{"hostname":"a"}' is not in DRAINING mode and cannot be brought down`)

	// A DOWN machine cannot leave the schedule; others can, and the
	// unavailability of the ones kept is updated while their mode stays.
	wantRefused(t, reg, &UpdateSchedule{Schedule: schedule(window(t0, time.Hour, b))},
		`Machine '{"hostname":"a"}' is deactivated and cannot be removed from the schedule`)
	wantChanged(t, reg, &UpdateSchedule{Schedule: schedule(window(t0.Add(time.Minute), time.Hour, machine("A", ""), b))}, true)
	if got := modes(reg); len(got) != 2 || got["a/"] != mesospb.MachineInfo_DOWN || got["b/10.0.0.2"] != mesospb.MachineInfo_DRAINING {
		t.Fatalf("modes after rescheduling: %v", got)
	}
	if s := reg.Machines.Machines[0].GetInfo().GetUnavailability().GetStart().GetNanoseconds(); s != t0.Add(time.Minute).UnixNano() {
		t.Fatalf("unavailability not updated: start %d", s)
	}

	// Up: only DOWN machines; they leave the machines and the schedule.
	wantRefused(t, reg, &StopMaintenance{Machines: []*mesospb.MachineID{b}},
		`Machine '{"hostname":"b","ip":"10.0.0.2"}' is not in DOWN mode and cannot be brought up`)
	wantRefused(t, reg, &StopMaintenance{Machines: []*mesospb.MachineID{a, a}},
		`Machine '{"hostname":"a"}' appears more than once in the schedule`)
	wantChanged(t, reg, &StopMaintenance{Machines: []*mesospb.MachineID{a}}, true)
	if got := modes(reg); len(got) != 1 || got["b/10.0.0.2"] != mesospb.MachineInfo_DRAINING {
		t.Fatalf("modes after machine up: %v", got)
	}
	if ws := reg.Schedules[0].Windows; len(ws) != 1 || len(ws[0].MachineIds) != 1 || ws[0].MachineIds[0].GetHostname() != "b" {
		t.Fatalf("schedule after machine up: %v", reg.Schedules)
	}

	// The last machine up empties the schedule.
	wantChanged(t, reg, &StartMaintenance{Machines: []*mesospb.MachineID{b}}, true)
	wantChanged(t, reg, &StopMaintenance{Machines: []*mesospb.MachineID{b}}, true)
	if reg.Machines != nil || len(reg.Schedules) != 0 {
		t.Fatalf("machines %v schedules %v after all machines up", reg.Machines, reg.Schedules)
	}

	// An empty schedule clears what is scheduled.
	wantChanged(t, reg, &UpdateSchedule{Schedule: schedule(window(t0, time.Hour, c))}, true)
	wantChanged(t, reg, &UpdateSchedule{Schedule: schedule()}, true)
	if reg.Machines != nil || len(reg.Schedules) != 0 {
		t.Fatalf("machines %v schedules %v after an empty schedule", reg.Machines, reg.Schedules)
	}
}
