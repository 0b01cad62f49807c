// Command chaos is a WASM test module that misbehaves on request: it is
// both a hook and an allocator, and the task name of a
// MasterLaunchTaskLabelDecorator call, or the first whitelisted hostname
// of an Allocate call, says what to do: "panic", "trap" (an access outside
// memory), "loop" (forever), "hog" (allocate until memory runs out),
// "error" (return an error), "read:PATH" (read a file, answered as label
// "content"); anything else answers normally, with the number of calls
// the instance served (label "calls" of a hook response, framework id
// "calls=N" of an Allocate response). The parameter
// fail=init makes gomesos_init fail.
package main

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"unsafe"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/kinds/hook"
	"github.com/gomesos/mesos/sdk/wasm"
	wasmallocator "github.com/gomesos/mesos/sdk/wasm/allocator"
	wasmhook "github.com/gomesos/mesos/sdk/wasm/hook"
	"google.golang.org/protobuf/proto"
)

type chaos struct {
	hook.Nop
	calls int
}

var (
	sink    [][]byte
	counter int
)

func act(cmd string) (string, error) {
	if path, ok := strings.CutPrefix(cmd, "read:"); ok {
		b, err := os.ReadFile(path)
		return string(b), err
	}
	switch cmd {
	case "panic":
		panic("chaos: asked to panic")
	case "trap":
		*(*int64)(unsafe.Pointer(uintptr(0xfffffff0))) = 1
	case "loop":
		for i := 0; ; i++ {
			counter = i
		}
	case "hog":
		for {
			sink = append(sink, make([]byte, 16<<20))
		}
	case "error":
		return "", errors.New("chaos: asked to fail")
	}
	return "", nil
}

func (c *chaos) Configure(p wasm.Params) error {
	if p.Parameters["fail"] == "init" {
		return errors.New("chaos: asked to fail init")
	}
	return nil
}

func (c *chaos) MasterLaunchTaskLabelDecorator(_ context.Context, req *hook.MasterLaunchTaskLabelDecoratorRequest) (*hook.MasterLaunchTaskLabelDecoratorResponse, error) {
	content, err := act(req.GetTask().GetName())
	if err != nil {
		return nil, err
	}
	c.calls++
	return &hook.MasterLaunchTaskLabelDecoratorResponse{Labels: &mesospb.Labels{Labels: []*mesospb.Label{
		{Key: proto.String("calls"), Value: proto.String(strconv.Itoa(c.calls))},
		{Key: proto.String("content"), Value: proto.String(content)}}}}, nil
}

type alloc struct{ calls int }

func (a *alloc) Initialize(context.Context, *allocator.InitializeRequest) (*allocator.InitializeResponse, error) {
	a.calls = 0
	return &allocator.InitializeResponse{}, nil
}

func (a *alloc) Allocate(_ context.Context, req *allocator.AllocateRequest) (*allocator.AllocateResponse, error) {
	if evs := req.GetEvents(); len(evs) > 0 {
		if hosts := evs[0].GetWhitelistUpdated().GetHostnames(); len(hosts) > 0 {
			if _, err := act(hosts[0]); err != nil {
				return nil, err
			}
		}
	}
	a.calls++
	return &allocator.AllocateResponse{Allocations: []*allocator.Allocation{{FrameworkId: "calls=" + strconv.Itoa(a.calls)}}}, nil
}

func init() {
	wasmhook.Register(&chaos{}, hook.MasterLaunchTaskLabelDecoratorName)
	wasmallocator.Register(&alloc{})
}

func main() {}
