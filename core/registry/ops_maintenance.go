package registry

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/jsoncodec"
	"github.com/gomesos/mesos/core/proto/maintenancepb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/registrypb"
)

// Maintenance: the schedule names machines (by hostname and/or IP) and the
// registry keeps a MachineInfo for each, DRAINING from the moment it is
// scheduled, DOWN once the operator brings it down (/machine/down,
// START_MAINTENANCE) until it is brought back up (/machine/up,
// STOP_MAINTENANCE), which drops it from the schedule. These operations
// check what Mesos's endpoints check, with the same messages, so that an
// invalid request is refused whoever sends it.

// machineKey identifies a MachineID as Mesos compares them: hostnames
// case-insensitively, IPs exactly, and set-but-empty differs from unset.
func machineKey(id *mesospb.MachineID) string {
	var b strings.Builder
	if id.Hostname != nil {
		b.WriteString("h:" + strings.ToLower(id.GetHostname()))
	}
	b.WriteByte(0)
	if id.Ip != nil {
		b.WriteString("i:" + id.GetIp())
	}
	return b.String()
}

// machineString renders a MachineID as Mesos does in messages (its JSON).
func machineString(id *mesospb.MachineID) string {
	data, err := jsoncodec.Marshal(id)
	if err != nil {
		return id.String()
	}
	return string(data)
}

// validateMachine: Mesos's maintenance::validation::machine.
func validateMachine(id *mesospb.MachineID) error {
	if id.GetHostname() == "" && id.GetIp() == "" {
		return errors.New("Both 'hostname' and 'ip' for a machine are empty")
	}
	if ip := id.GetIp(); ip != "" {
		addr, err := netip.ParseAddr(ip)
		if err != nil || !addr.Is4() {
			return fmt.Errorf("Failed to parse IP '%s' as an IPv4 address", ip)
		}
	}
	return nil
}

// validateMachines: Mesos's maintenance::validation::machines.
func validateMachines(ids []*mesospb.MachineID) error {
	if len(ids) == 0 {
		return errors.New("List of machines is empty")
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if err := validateMachine(id); err != nil {
			return err
		}
		k := machineKey(id)
		if seen[k] {
			return fmt.Errorf("Machine '%s' appears more than once in the schedule", machineString(id))
		}
		seen[k] = true
	}
	return nil
}

// machineIndex maps machine keys to their index in reg.Machines.
func machineIndex(reg *registrypb.Registry) map[string]int {
	idx := map[string]int{}
	for i, m := range reg.GetMachines().GetMachines() {
		idx[machineKey(m.GetInfo().GetId())] = i
	}
	return idx
}

// UpdateSchedule replaces the maintenance schedule (Mesos keeps one).
// Machines new to the schedule start DRAINING; machines still in it keep
// their mode and take the new unavailability; machines left out are
// forgotten, which a DOWN machine may not be.
type UpdateSchedule struct {
	Schedule *maintenancepb.Schedule
}

func (o *UpdateSchedule) String() string {
	return fmt.Sprintf("update maintenance schedule (%d windows)", len(o.Schedule.GetWindows()))
}

// Apply implements Operation.
func (o *UpdateSchedule) Apply(reg *registrypb.Registry) (bool, error) {
	if o.Schedule == nil {
		return false, errors.New("missing maintenance schedule")
	}
	if err := proto.CheckInitialized(o.Schedule); err != nil {
		return false, fmt.Errorf("invalid maintenance schedule: %w", err)
	}
	// Mesos's maintenance::validation::schedule.
	updated := map[string]*mesospb.Unavailability{}
	for _, w := range o.Schedule.GetWindows() {
		if len(w.GetMachineIds()) == 0 {
			return false, errors.New("List of machines in the maintenance window is empty")
		}
		if w.GetUnavailability().GetDuration().GetNanoseconds() < 0 {
			return false, errors.New("Unavailability 'duration' is negative")
		}
		for _, id := range w.GetMachineIds() {
			if err := validateMachine(id); err != nil {
				return false, err
			}
			k := machineKey(id)
			if _, dup := updated[k]; dup {
				return false, fmt.Errorf("Machine '%s' appears more than once in the schedule", machineString(id))
			}
			updated[k] = w.GetUnavailability()
		}
	}
	for _, m := range reg.GetMachines().GetMachines() {
		info := m.GetInfo()
		if info.GetMode() == mesospb.MachineInfo_DOWN {
			if _, kept := updated[machineKey(info.GetId())]; !kept {
				return false, fmt.Errorf("Machine '%s' is deactivated and cannot be removed from the schedule", machineString(info.GetId()))
			}
		}
	}

	var schedules []*maintenancepb.Schedule
	if len(o.Schedule.GetWindows()) > 0 {
		schedules = []*maintenancepb.Schedule{proto.CloneOf(o.Schedule)}
	}
	existing := machineIndex(reg)
	var machines []*registrypb.Registry_Machine
	for _, m := range reg.GetMachines().GetMachines() {
		if u, ok := updated[machineKey(m.GetInfo().GetId())]; ok {
			info := proto.CloneOf(m.Info)
			info.Unavailability = proto.CloneOf(u)
			machines = append(machines, &registrypb.Registry_Machine{Info: info})
		}
	}
	for _, w := range o.Schedule.GetWindows() {
		for _, id := range w.GetMachineIds() {
			if _, ok := existing[machineKey(id)]; ok {
				continue
			}
			machines = append(machines, &registrypb.Registry_Machine{Info: &mesospb.MachineInfo{
				Id:             proto.CloneOf(id),
				Mode:           mesospb.MachineInfo_DRAINING.Enum(),
				Unavailability: proto.CloneOf(w.GetUnavailability()),
			}})
		}
	}
	next := &registrypb.Registry{Schedules: schedules}
	if len(machines) > 0 {
		next.Machines = &registrypb.Registry_Machines{Machines: machines}
	}
	if proto.Equal(next.Machines, reg.Machines) && schedulesEqual(next.Schedules, reg.Schedules) {
		return false, nil
	}
	reg.Machines, reg.Schedules = next.Machines, next.Schedules
	return true, nil
}

func schedulesEqual(a, b []*maintenancepb.Schedule) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !proto.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// checkScheduled refuses machines that are invalid, not scheduled, or not
// in mode want (the checks of Mesos's /machine/down and /machine/up).
func checkScheduled(reg *registrypb.Registry, ids []*mesospb.MachineID, want mesospb.MachineInfo_Mode, verb string) (map[string]int, error) {
	if err := validateMachines(ids); err != nil {
		return nil, err
	}
	idx := machineIndex(reg)
	for _, id := range ids {
		i, ok := idx[machineKey(id)]
		if !ok {
			return nil, fmt.Errorf("Machine '%s' is not part of a maintenance schedule", machineString(id))
		}
		if reg.Machines.Machines[i].GetInfo().GetMode() != want {
			return nil, fmt.Errorf("Machine '%s' is not in %s mode and cannot be brought %s", machineString(id), want, verb)
		}
	}
	return idx, nil
}

// StartMaintenance brings DRAINING machines DOWN.
type StartMaintenance struct {
	Machines []*mesospb.MachineID
}

func (o *StartMaintenance) String() string {
	return fmt.Sprintf("start maintenance on %d machines", len(o.Machines))
}

// Apply implements Operation.
func (o *StartMaintenance) Apply(reg *registrypb.Registry) (bool, error) {
	idx, err := checkScheduled(reg, o.Machines, mesospb.MachineInfo_DRAINING, "down")
	if err != nil {
		return false, err
	}
	for _, id := range o.Machines {
		m := reg.Machines.Machines[idx[machineKey(id)]]
		info := proto.CloneOf(m.Info)
		info.Mode = mesospb.MachineInfo_DOWN.Enum()
		m.Info = info
	}
	return true, nil
}

// StopMaintenance brings DOWN machines back UP: their MachineInfo goes, and
// so do they from the schedule (and windows or the schedule left empty).
type StopMaintenance struct {
	Machines []*mesospb.MachineID
}

func (o *StopMaintenance) String() string {
	return fmt.Sprintf("stop maintenance on %d machines", len(o.Machines))
}

// Apply implements Operation.
func (o *StopMaintenance) Apply(reg *registrypb.Registry) (bool, error) {
	if _, err := checkScheduled(reg, o.Machines, mesospb.MachineInfo_DOWN, "up"); err != nil {
		return false, err
	}
	up := make(map[string]bool, len(o.Machines))
	for _, id := range o.Machines {
		up[machineKey(id)] = true
	}
	reg.Machines.Machines = filter(reg.Machines.Machines, func(m *registrypb.Registry_Machine) bool {
		return !up[machineKey(m.GetInfo().GetId())]
	})
	if len(reg.Machines.Machines) == 0 {
		reg.Machines = nil
	}
	var schedules []*maintenancepb.Schedule
	for _, s := range reg.Schedules {
		next := &maintenancepb.Schedule{}
		for _, w := range s.GetWindows() {
			var ids []*mesospb.MachineID
			for _, id := range w.GetMachineIds() {
				if !up[machineKey(id)] {
					ids = append(ids, id)
				}
			}
			if len(ids) > 0 {
				next.Windows = append(next.Windows, &maintenancepb.Window{
					MachineIds:     ids,
					Unavailability: w.Unavailability,
				})
			}
		}
		if len(next.Windows) > 0 {
			schedules = append(schedules, next)
		}
	}
	reg.Schedules = schedules
	return true, nil
}
