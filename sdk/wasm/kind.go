package wasm

import (
	"context"
	"errors"
	"fmt"

	"github.com/gomesos/mesos/modules/runtime/wasm/abi"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Kind is one kind a module implements, as a per-kind package registers
// it: its name, the contract versions it speaks and its methods by ABI
// number (abi.MethodNumber).
type Kind struct {
	// Name is the kind as the manifest names it ("Allocator").
	Name string
	// MinVersion and MaxVersion bound the contract versions spoken.
	MinVersion, MaxVersion uint32
	Methods                map[uint32]Method
	// Partial says that Methods are only some of the kind's: the module's
	// info lists them, and the host answers the others itself with the
	// kind's no-op response, without calling the module.
	Partial bool
	// Impl is the registered implementation; if it implements Configurer
	// it is configured by gomesos_init.
	Impl any
}

// Method serves one call: it decodes the request bytes, calls the
// implementation and returns the response message.
type Method func(ctx context.Context, req []byte) (proto.Message, error)

// errBadRequest marks errors decoding a request.
var errBadRequest = errors.New("bad request")

// Unary adapts a method of a kind's Go interface to a Method.
func Unary[Req any, PReq interface {
	*Req
	proto.Message
}, Resp proto.Message](fn func(context.Context, PReq) (Resp, error)) Method {
	return func(ctx context.Context, b []byte) (proto.Message, error) {
		req := PReq(new(Req))
		if len(b) > 0 { // an empty message decodes to the new one as it is
			if err := (proto.UnmarshalOptions{AllowPartial: true}).Unmarshal(b, req); err != nil {
				return nil, fmt.Errorf("%w: %v", errBadRequest, err)
			}
		}
		return fn(ctx, req)
	}
}

// Params is what gomesos_init tells a module: the contract version the
// host chose for the kind, the module's name and its manifest
// parameters.
type Params struct {
	Kind       string
	APIVersion int
	// Module is "library/name" from the manifest.
	Module     string
	Parameters map[string]string
}

// Configurer is implemented by implementations that take parameters or
// care about the contract version. Configure is called once per instance,
// before any call; an error fails the module's load (or the replacement
// of a failed instance).
type Configurer interface {
	Configure(p Params) error
}

// RegisterService registers impl as the module's kind name, speaking
// contract versions min to max, with methods named as the rpcs of the
// kind's .proto service: the per-kind packages' Register functions are
// this (sdk/wasm/authorizer.Register, ...). It panics on a method the
// service does not have, which is a mistake in the per-kind package.
func RegisterService(name string, min, max uint32, impl any, methods map[protoreflect.Name]Method) {
	sd := abi.KindService(name)
	byNumber := make(map[uint32]Method, len(methods))
	for n, fn := range methods {
		byNumber[abi.MethodNumber(sd, n)] = fn
	}
	Register(Kind{Name: name, MinVersion: min, MaxVersion: max, Impl: impl, Methods: byNumber})
}
