// Command kindsplugin is a test plugin serving a module of every kind the
// plugin runtime runs besides the allocator and the isolator (which have
// examples of their own), mostly the built-ins, so that the kinds'
// conformance suites run through the runtime. One binary, several
// modules: the host names the one it loads.
package main

import (
	"context"
	"errors"
	"sync"

	"github.com/gomesos/mesos/builtin/authn"
	"github.com/gomesos/mesos/builtin/contender"
	"github.com/gomesos/mesos/builtin/detector"
	"github.com/gomesos/mesos/builtin/estimator"
	"github.com/gomesos/mesos/builtin/logger"
	"github.com/gomesos/mesos/builtin/qos"
	"github.com/gomesos/mesos/modules/kinds/anonymous"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
	"github.com/gomesos/mesos/modules/kinds/containerlogger"
	"github.com/gomesos/mesos/modules/kinds/httpauthenticator"
	"github.com/gomesos/mesos/modules/kinds/mastercontender"
	"github.com/gomesos/mesos/modules/kinds/masterdetector"
	"github.com/gomesos/mesos/modules/kinds/qoscontroller"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator"
	"github.com/gomesos/mesos/sdk/plugin"
)

func main() {
	plugin.Serve(
		plugin.QoSController("noop-qos", func(p map[string]string) (qoscontroller.QoSController, error) { return qos.NewNoop(p) }),
		plugin.ResourceEstimator("fixed-estimator", func(p map[string]string) (resourceestimator.ResourceEstimator, error) {
			return estimator.Catalog()["fixed"](p)
		}),
		plugin.ContainerLogger("sandbox-logger", func(p map[string]string) (containerlogger.ContainerLogger, error) {
			return logger.NewSandbox(p)
		}),
		plugin.ContainerLogger("logrotate-logger", logger.NewLogrotate),
		plugin.MasterContender("standalone-contender", func(p map[string]string) (mastercontender.MasterContender, error) {
			return contender.Catalog()["standalone"](p)
		}),
		plugin.MasterDetector("standalone-detector", func(p map[string]string) (masterdetector.MasterDetector, error) {
			return detector.Catalog()["standalone"](p)
		}),
		plugin.HTTPAuthenticator("basic", func(p map[string]string) (httpauthenticator.HTTPAuthenticator, error) { return authn.NewBasic(p) }),
		plugin.Authorizer("by-value", func(map[string]string) (authorizer.Authorizer, error) { return byValue{}, nil }),
		plugin.Anonymous("waiter", func(map[string]string) (anonymous.Anonymous, error) { return &waiter{}, nil }),
	)
}

// byValue allows objects whose value is the subject's.
type byValue struct{}

func (byValue) Authorized(_ context.Context, req *authorizer.AuthorizedRequest) (*authorizer.AuthorizedResponse, error) {
	if req.GetAction() == authorizer.Action_UNKNOWN {
		return &authorizer.AuthorizedResponse{}, nil
	}
	if req.GetObject() == nil {
		return nil, errors.New("no object")
	}
	return &authorizer.AuthorizedResponse{Allowed: req.GetSubject().GetValue() == req.GetObject().GetValue()}, nil
}

func (b byValue) ApproveObjects(ctx context.Context, req *authorizer.ApproveObjectsRequest) (*authorizer.ApproveObjectsResponse, error) {
	return authorizer.ApproveEach(ctx, b, req)
}

// waiter is an anonymous module that holds a goroutine between Start and
// Stop.
type waiter struct {
	mu   sync.Mutex
	stop chan struct{}
}

func (w *waiter) Start(_ context.Context, req *anonymous.StartRequest) (*anonymous.StartResponse, error) {
	if req.GetParameters()["interval"] == "" {
		return nil, errors.New("missing interval")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stop == nil {
		w.stop = make(chan struct{})
		go func(stop chan struct{}) { <-stop }(w.stop)
	}
	return &anonymous.StartResponse{}, nil
}

func (w *waiter) Stop(context.Context, *anonymous.StopRequest) (*anonymous.StopResponse, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stop != nil {
		close(w.stop)
		w.stop = nil
	}
	return &anonymous.StopResponse{}, nil
}
