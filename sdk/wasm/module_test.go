package wasm

import (
	"context"
	"errors"
	"testing"

	"github.com/gomesos/mesos/modules/runtime/wasm/abi"
	"google.golang.org/protobuf/proto"
)

// echo is a kind whose only method returns its request (an InitRequest,
// for want of a simpler message) with the module name it was configured
// with, or fails when asked to.
type echo struct{ module string }

func (e *echo) Configure(p Params) error {
	if p.Parameters["fail"] != "" {
		return errors.New("asked to fail")
	}
	e.module = p.Module
	return nil
}

func (e *echo) call(_ context.Context, req *abi.InitRequest) (*abi.InitRequest, error) {
	if req.GetKind() == "fail" {
		return nil, errors.New("failed as asked")
	}
	return &abi.InitRequest{Kind: req.GetKind(), Module: e.module}, nil
}

func newEchoModule(t *testing.T) *module {
	t.Helper()
	var m module
	e := &echo{}
	m.register(Kind{Name: "Echo", MinVersion: 1, MaxVersion: 2, Impl: e, Partial: true,
		Methods: map[uint32]Method{3: Unary(e.call)}})
	return &m
}

func status(t *testing.T, out []byte) (abi.Status, []byte) {
	t.Helper()
	if len(out) == 0 {
		t.Fatal("empty response")
	}
	return abi.Status(out[0]), out[1:]
}

func mustMarshal(t *testing.T, m proto.Message) []byte {
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestInfo(t *testing.T) {
	m := newEchoModule(t)
	var mi abi.ModuleInfo
	if err := proto.Unmarshal(m.info(), &mi); err != nil {
		t.Fatal(err)
	}
	k := mi.GetKinds()
	if len(k) != 1 || k[0].GetKind() != "Echo" || k[0].GetMinVersion() != 1 || k[0].GetMaxVersion() != 2 ||
		len(k[0].GetMethods()) != 1 || k[0].GetMethods()[0] != 3 || mi.GetSdk() != sdkName {
		t.Errorf("info %v", &mi)
	}
}

func TestInitAndCall(t *testing.T) {
	m := newEchoModule(t)
	req := mustMarshal(t, &abi.InitRequest{Kind: "x"})
	if s, msg := status(t, m.call("Echo", 3, req)); s != abi.StatusUnimplemented {
		t.Errorf("call before init: %v %s", s, msg)
	}
	for _, tc := range []struct {
		req  *abi.InitRequest
		want abi.Status
	}{
		{&abi.InitRequest{Kind: "Other", ApiVersion: 1}, abi.StatusUnimplemented},
		{&abi.InitRequest{Kind: "Echo", ApiVersion: 3}, abi.StatusUnimplemented},
		{&abi.InitRequest{Kind: "echo", ApiVersion: 2, Parameters: map[string]string{"fail": "1"}}, abi.StatusError},
		{&abi.InitRequest{Kind: "echo", ApiVersion: 2, Module: "lib/mod"}, abi.StatusOK},
	} {
		if s, msg := status(t, m.init(mustMarshal(t, tc.req))); s != tc.want {
			t.Errorf("init %v: %v %s, want %v", tc.req, s, msg, tc.want)
		}
	}
	if s, _ := status(t, m.init([]byte{0xff})); s != abi.StatusBadRequest {
		t.Errorf("undecodable init: %v", s)
	}

	s, body := status(t, m.call("Echo", 3, req))
	var got abi.InitRequest
	if err := proto.Unmarshal(body, &got); s != abi.StatusOK || err != nil || got.GetKind() != "x" || got.GetModule() != "lib/mod" {
		t.Errorf("call: %v %v %v", s, &got, err)
	}
	if s, msg := status(t, m.call("Echo", 3, mustMarshal(t, &abi.InitRequest{Kind: "fail"}))); s != abi.StatusError || string(msg) != "failed as asked" {
		t.Errorf("failing call: %v %s", s, msg)
	}
	if s, _ := status(t, m.call("Echo", 4, req)); s != abi.StatusUnimplemented {
		t.Errorf("unknown method: %v", s)
	}
	if s, _ := status(t, m.call("Echo", 3, []byte{0xff})); s != abi.StatusBadRequest {
		t.Errorf("undecodable request: %v", s)
	}
}

func TestRegisterRejects(t *testing.T) {
	for name, k := range map[string]Kind{
		"no name":     {MinVersion: 1, MaxVersion: 1},
		"no version":  {Name: "A"},
		"bad range":   {Name: "A", MinVersion: 2, MaxVersion: 1},
		"partial, no": {Name: "A", MinVersion: 1, MaxVersion: 1, Partial: true},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			var m module
			m.register(k)
		})
	}
	defer func() {
		if recover() == nil {
			t.Error("registering a kind twice: no panic")
		}
	}()
	var m module
	m.register(Kind{Name: "A", MinVersion: 1, MaxVersion: 1})
	m.register(Kind{Name: "a", MinVersion: 1, MaxVersion: 1})
}
