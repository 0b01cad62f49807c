package plugin

import (
	"sync"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// slot holds a module's implementation once the host has configured it.
type slot[T any] struct {
	mu   sync.RWMutex
	impl T
	set  bool
}

// build builds the implementation unless it already is (the host
// reattached to this process and configures it again).
func (s *slot[T]) build(build func(map[string]string) (T, error), params map[string]string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.set {
		return nil
	}
	impl, err := build(params)
	if err != nil {
		return err
	}
	s.impl, s.set = impl, true
	return nil
}

// get returns the implementation, or FailedPrecondition before the host
// configured the module.
func (s *slot[T]) get() (T, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !s.set {
		var zero T
		return zero, status.Error(codes.FailedPrecondition, "module called before it was configured")
	}
	return s.impl, nil
}
