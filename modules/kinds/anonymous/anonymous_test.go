package anonymous_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/gomesos/mesos/modules/kinds/anonymous"
	"github.com/gomesos/mesos/modules/kinds/anonymous/anonymoustest"
)

// ticker is an anonymous module that runs a goroutine between Start and
// Stop.
type ticker struct {
	mu   sync.Mutex
	stop chan struct{}
	done chan struct{}
}

func (m *ticker) Start(_ context.Context, req *anonymous.StartRequest) (*anonymous.StartResponse, error) {
	if req.GetParameters()["interval"] == "" {
		return nil, errors.New("missing interval")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stop, m.done = make(chan struct{}), make(chan struct{})
	go func(stop, done chan struct{}) {
		defer close(done)
		<-stop
	}(m.stop, m.done)
	return &anonymous.StartResponse{}, nil
}

func (m *ticker) Stop(context.Context, *anonymous.StopRequest) (*anonymous.StopResponse, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stop != nil {
		close(m.stop)
		<-m.done
		m.stop = nil
	}
	return &anonymous.StopResponse{}, nil
}

func TestSuite(t *testing.T) {
	anonymoustest.Run(t, anonymoustest.Fixture{
		New:        func(*testing.T) anonymous.Anonymous { return &ticker{} },
		Parameters: map[string]string{"interval": "1secs"},
	})
}
