package decorate

import (
	"sort"
	"time"
)

// Status is what the decorators know of a module, for /modules.
type Status struct {
	State    State  `json:"state"`
	Calls    uint64 `json:"calls"`
	Errors   uint64 `json:"errors"`
	Rejected uint64 `json:"rejected"`
	// LastError and LastErrorTime: the latest failure, if any.
	LastError     string     `json:"last_error,omitempty"`
	LastErrorTime *time.Time `json:"last_error_time,omitempty"`
	// Fallback names the built-in serving in the module's place.
	Fallback string         `json:"fallback,omitempty"`
	Methods  []MethodStatus `json:"methods,omitempty"`
}

// MethodStatus counts the calls of one method.
type MethodStatus struct {
	Method string `json:"method"`
	Calls  uint64 `json:"calls"`
	Errors uint64 `json:"errors"`
}

// Status returns a snapshot of the module's state and counts.
func (d *Decorator) Status() Status {
	d.mu.Lock()
	s := Status{State: d.state, LastError: d.lastErr, Fallback: d.fallback}
	if !d.lastErrAt.IsZero() {
		t := d.lastErrAt
		s.LastErrorTime = &t
	}
	d.mu.Unlock()
	s.Calls, s.Errors, s.Rejected = d.calls.Load(), d.errors.Load(), d.rejected.Load()
	d.methods.Range(func(k, v any) bool {
		ms := v.(*methodStats)
		s.Methods = append(s.Methods, MethodStatus{Method: k.(string), Calls: ms.n.Load(), Errors: ms.nerr.Load()})
		return true
	})
	sort.Slice(s.Methods, func(i, j int) bool { return s.Methods[i].Method < s.Methods[j].Method })
	return s
}
