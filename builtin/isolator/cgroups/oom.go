package cgroups

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/isolator/internal/res"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/units"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// listenOOM follows a container's memory cgroup for OOM kills until the
// returned function is called. On v1 the kernel notifies them through an
// eventfd registered on memory.oom_control (as Mesos listens); on v2, or
// when that fails, memory.events (memory.oom_control) is polled.
func (m *Mem) listenOOM(k string, i *memInfo) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	if m.h.Version == V1 {
		ev, err := registerOOMEvent(i.cg.Path("memory"))
		if err == nil {
			go func() {
				if ev.wait() && ctx.Err() == nil && i.cg.Exists() {
					m.oom(k, i)
				}
			}()
			return func() {
				cancel()
				ev.close()
			}
		}
		m.log.Warn("cannot register for OOM notifications; polling instead", "container", k, "err", err)
	}
	go m.pollOOM(ctx, k, i)
	return cancel
}

func (m *Mem) pollOOM(ctx context.Context, k string, i *memInfo) {
	t := time.NewTicker(m.opts.OOMPollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if killed, err := m.oomKilled(i.cg); err == nil && killed {
			m.oom(k, i)
			return
		}
	}
}

// oomKilled reports whether the kernel OOM-killed a process of the cgroup
// (v1: the oom_kill count of memory.oom_control, or a cgroup under OOM on
// kernels without it; v2: oom_kill in memory.events).
func (m *Mem) oomKilled(cg *Cgroup) (bool, error) {
	if m.h.Version == V1 {
		st, err := cg.ReadStat("memory", "memory.oom_control")
		if err != nil {
			return false, err
		}
		if n, ok := st["oom_kill"]; ok {
			return n > 0, nil
		}
		return st["under_oom"] > 0, nil
	}
	st, err := cg.ReadStat("memory", "memory.events")
	if err != nil {
		return false, err
	}
	return st["oom_kill"] > 0, nil
}

// oomEvent is an eventfd the kernel signals when a v1 memory cgroup hits
// its limit.
type oomEvent struct {
	efd, control *os.File
	once         sync.Once
}

func registerOOMEvent(dir string) (*oomEvent, error) {
	fd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return nil, fmt.Errorf("eventfd: %w", err)
	}
	ev := &oomEvent{efd: os.NewFile(uintptr(fd), "oom-eventfd")}
	ev.control, err = os.Open(filepath.Join(dir, "memory.oom_control"))
	if err != nil {
		ev.close()
		return nil, err
	}
	registration := strconv.Itoa(fd) + " " + strconv.Itoa(int(ev.control.Fd()))
	if err := writeFile(filepath.Join(dir, "cgroup.event_control"), registration); err != nil {
		ev.close()
		return nil, err
	}
	return ev, nil
}

// wait blocks until the kernel signals (true) or the event is closed.
func (e *oomEvent) wait() bool {
	var buf [8]byte
	_, err := e.efd.Read(buf[:])
	return err == nil
}

func (e *oomEvent) close() {
	e.once.Do(func() {
		e.efd.Close()
		if e.control != nil {
			e.control.Close()
		}
	})
}

// oom records the container's memory limitation, once, with what Mesos
// says of it.
func (m *Mem) oom(k string, i *memInfo) {
	i.once.Do(func() {
		var msg strings.Builder
		msg.WriteString("Memory limit exceeded: ")
		limitFile, peakFile := "memory.limit_in_bytes", "memory.max_usage_in_bytes"
		if m.h.Version == V2 {
			limitFile, peakFile = "memory.max", "memory.peak"
		}
		if limit, ok, err := i.cg.ReadUint("memory", limitFile); err == nil && ok {
			fmt.Fprintf(&msg, "Requested: %s ", units.Bytes(limit).String())
		}
		var used uint64
		if peak, ok, err := i.cg.ReadUint("memory", peakFile); err == nil && ok {
			used = peak
			fmt.Fprintf(&msg, "Maximum Used: %s\n", units.Bytes(peak).String())
		}
		if stat, err := i.cg.Read("memory", "memory.stat"); err == nil {
			fmt.Fprintf(&msg, "\nMEMORY STATISTICS: \n%s\n", stat)
		}
		m.log.Info("OOM detected", "container", k, "cgroup", i.cg.Rel)
		mem := &mesospb.Resource{
			Name: proto.String("mem"), Type: mesospb.Value_SCALAR.Enum(),
			Scalar: &mesospb.Value_Scalar{Value: proto.Float64(float64(used) / res.MB)},
		}
		i.limit = isolator.NewLimitation(mesospb.TaskStatus_REASON_CONTAINER_LIMITATION_MEMORY, msg.String(), mem)
		close(i.limited)
	})
}
