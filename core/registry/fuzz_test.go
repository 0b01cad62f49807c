package registry

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/quotapb"
	"github.com/gomesos/mesos/core/proto/registrypb"
)

// FuzzDecodeFile feeds arbitrary bytes to the registry file decoder, as a
// hand-edited or damaged file would: it must never panic, must report every
// rejection as ErrCorrupt, and what it accepts must be exactly what the
// encoder writes.
func FuzzDecodeFile(f *testing.F) {
	reg := &registrypb.Registry{Master: &registrypb.Registry_Master{Info: masterInfo("m1", allCapabilities...)}}
	for _, op := range []Operation{
		&AdmitAgent{Info: agentInfo("S1")},
		&AdmitAgent{Info: agentInfo("S2")},
		&MarkAgentUnreachable{AgentID: agentID("S2"), Time: t0},
		&UpdateWeights{Weights: nil},
	} {
		if _, err := op.Apply(reg); err != nil {
			f.Fatal(err)
		}
	}
	payload, err := encodeRegistry(reg)
	if err != nil {
		f.Fatal(err)
	}
	good := validFile(7, payload)
	f.Add(good)
	f.Add(good[:fileHeaderSize])
	f.Add(good[:len(good)-1])
	f.Add(validFile(1, nil))
	f.Add([]byte{})
	f.Add([]byte(fileMagic))

	f.Fuzz(func(t *testing.T, data []byte) {
		version, payload, err := decodeFile(data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("rejection not reported as corruption: %v", err)
			}
			return
		}
		if !bytes.Equal(validFile(version, payload), data) {
			t.Fatal("accepted a file the encoder would not write")
		}
		reg, err := decodeRegistry(payload)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("undecodable payload not reported as corruption: %v", err)
			}
			return
		}
		if _, err := proto.Marshal(reg); err != nil {
			t.Fatalf("decoded registry does not encode again: %v", err)
		}
	})
}

// FuzzRecover hands the registrar an arbitrary payload behind a valid
// header (as an operator who edits the registry and recomputes the checksum
// would): recovery must fail with a clear error or yield a registry that
// operations can work on, never panic.
func FuzzRecover(f *testing.F) {
	reg := &registrypb.Registry{}
	for _, op := range []Operation{
		&AdmitAgent{Info: agentInfo("S1")},
		&AdmitAgent{Info: agentInfo("S2")},
		&MarkAgentUnreachable{AgentID: agentID("S2"), Time: t0},
		&DrainAgent{AgentID: agentID("S2")},
		&UpdateSchedule{Schedule: schedule(window(t0, time.Hour, machine("a", "10.0.0.1")))},
		&UpdateQuota{Configs: []*quotapb.QuotaConfig{quota("dev", map[string]float64{"cpus": 1}, nil)}},
	} {
		if _, err := op.Apply(reg); err != nil {
			f.Fatal(err)
		}
	}
	payload, err := encodeRegistry(reg)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(payload)
	f.Add([]byte{})
	f.Add([]byte{0x12, 0x03, 0x0a, 0x01, 0x0a})

	f.Fuzz(func(t *testing.T, payload []byte) {
		store := NewMemoryStore()
		if err := store.Set(context.Background(), payload, 0); err != nil {
			t.Fatal(err)
		}
		r := New(Config{Store: store})
		defer r.Close()
		_, err := r.Recover(context.Background(), masterInfo("m1", allCapabilities...))
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !strings.Contains(err.Error(), "lacks") {
				t.Fatalf("recovery failed without saying why: %v", err)
			}
			return
		}
		for _, op := range []Operation{
			&AdmitAgent{Info: agentInfo("S9")},
			&MarkAgentReachable{Info: agentInfo("S2")},
			&MarkAgentGone{AgentID: agentID("S1"), Time: t0},
			&ReactivateAgent{AgentID: agentID("S2")},
			&StopMaintenance{Machines: []*mesospb.MachineID{machine("a", "10.0.0.1")}},
			&PruneAgents{Now: t0, MaxAge: time.Hour, MaxCount: 1},
		} {
			err := r.Apply(context.Background(), op)
			if err != nil && !errors.Is(err, ErrRefused) {
				t.Fatalf("%s on a recovered registry: %v", op, err)
			}
		}
	})
}
