package wasm

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/gomesos/mesos/modules/runtime/wasm/abi"
	"google.golang.org/protobuf/proto"
)

// sdkName is what gomesos_info says built the module.
const sdkName = "gomesos-go-sdk"

// module is the guest side of the ABI, independent of how bytes reach it
// (exports_wasip1.go): the registered kinds, which of them gomesos_init
// set up, and the buffer responses are written to.
type module struct {
	kinds []*registered
	out   []byte
}

// registered is a registered Kind with what calls look up, in the forms
// cheapest to look up: Go compiled to WASM runs map lookups and
// allocations 5 to 10 times slower than native, and a hook call is a few
// microseconds in all.
type registered struct {
	Kind
	methods []Method // by ABI method number
	inited  bool     // gomesos_init set it up
}

// guest is the module this instance is. The ABI's exports are plain
// functions (//go:wasmexport), so the state they serve lives here; each
// WASM instance has its own copy of it.
var guest module

// Register registers a kind's implementation; per-kind packages call it
// (sdk/wasm/allocator.Register, ...). It panics if the kind is registered
// twice or is invalid, which is a mistake in the module's init.
func Register(k Kind) { guest.register(k) }

func (m *module) register(k Kind) {
	if k.Name == "" || k.MinVersion == 0 || k.MinVersion > k.MaxVersion {
		panic(fmt.Sprintf("gomesos wasm sdk: invalid kind %q (versions %d-%d)", k.Name, k.MinVersion, k.MaxVersion))
	}
	if k.Partial && len(k.Methods) == 0 {
		panic(fmt.Sprintf("gomesos wasm sdk: kind %s registered with no methods", k.Name))
	}
	if m.find(k.Name) != nil {
		panic(fmt.Sprintf("gomesos wasm sdk: kind %s registered twice", k.Name))
	}
	r := &registered{Kind: k}
	for n, fn := range k.Methods {
		if int(n) >= len(r.methods) {
			r.methods = append(r.methods, make([]Method, int(n)+1-len(r.methods))...)
		}
		r.methods[n] = fn
	}
	m.kinds = append(m.kinds, r)
}

func (m *module) find(name string) *registered {
	for _, k := range m.kinds { // the exact name first: what the per-kind exports pass
		if k.Name == name {
			return k
		}
	}
	for _, k := range m.kinds {
		if strings.EqualFold(k.Name, name) {
			return k
		}
	}
	return nil
}

// info returns the encoded ModuleInfo.
func (m *module) info() []byte {
	mi := &abi.ModuleInfo{Sdk: sdkName}
	for _, k := range m.kinds {
		ki := &abi.KindInfo{Kind: k.Name, MinVersion: k.MinVersion, MaxVersion: k.MaxVersion}
		if k.Partial {
			ki.Methods = slices.Sorted(maps.Keys(k.Methods))
		}
		mi.Kinds = append(mi.Kinds, ki)
	}
	b, err := proto.Marshal(mi)
	if err != nil {
		panic(fmt.Sprintf("gomesos wasm sdk: encoding module info: %v", err))
	}
	return b
}

// init serves gomesos_init.
func (m *module) init(req []byte) []byte {
	var ir abi.InitRequest
	if err := proto.Unmarshal(req, &ir); err != nil {
		return m.fail(abi.StatusBadRequest, fmt.Sprintf("init request: %v", err))
	}
	k := m.find(ir.GetKind())
	if k == nil {
		return m.fail(abi.StatusUnimplemented, fmt.Sprintf("module does not implement kind %q", ir.GetKind()))
	}
	if v := ir.GetApiVersion(); v < k.MinVersion || v > k.MaxVersion {
		return m.fail(abi.StatusUnimplemented, fmt.Sprintf("kind %s: API version %d not spoken (%d-%d)",
			k.Name, v, k.MinVersion, k.MaxVersion))
	}
	if c, ok := k.Impl.(Configurer); ok {
		err := c.Configure(Params{Kind: k.Name, APIVersion: int(ir.GetApiVersion()),
			Module: ir.GetModule(), Parameters: ir.GetParameters()})
		if err != nil {
			return m.fail(abi.StatusError, err.Error())
		}
	}
	k.inited = true
	return m.respond(nil)
}

// call serves gomesos_call_<kind>.
func (m *module) call(kind string, method uint32, req []byte) []byte {
	k := m.find(kind)
	if k == nil || !k.inited {
		return m.fail(abi.StatusUnimplemented, fmt.Sprintf("kind %s not initialized", kind))
	}
	var fn Method
	if int(method) < len(k.methods) {
		fn = k.methods[method]
	}
	if fn == nil {
		return m.fail(abi.StatusUnimplemented, fmt.Sprintf("kind %s has no method %d", kind, method))
	}
	resp, err := fn(context.Background(), req)
	switch {
	case errors.Is(err, errBadRequest):
		return m.fail(abi.StatusBadRequest, err.Error())
	case err != nil:
		return m.fail(abi.StatusError, err.Error())
	}
	return m.respond(resp)
}

// respond writes StatusOK and resp (nil: nothing) to the response buffer.
func (m *module) respond(resp proto.Message) []byte {
	out := append(m.out[:0], byte(abi.StatusOK))
	if resp != nil {
		var err error
		out, err = proto.MarshalOptions{AllowPartial: true}.MarshalAppend(out, resp)
		if err != nil {
			return m.fail(abi.StatusError, fmt.Sprintf("encoding response: %v", err))
		}
	}
	m.out = out
	return out
}

// fail writes a status other than OK and its message.
func (m *module) fail(s abi.Status, msg string) []byte {
	out := append(m.out[:0], byte(s))
	out = append(out, msg...)
	m.out = out
	return out
}
