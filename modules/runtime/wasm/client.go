package wasm

import (
	"context"
	"errors"
	"fmt"

	"github.com/gomesos/mesos/modules/runtime/wasm/abi"
	"google.golang.org/protobuf/proto"
)

// client is what a kind adapter calls the module through: it takes an
// instance from the pool, bounds the call with the module's deadline,
// decodes the response and discards an instance the call broke.
type client struct {
	m *module
}

// call invokes method of the module's kind with req and decodes the
// response into resp. Errors are *CallError (the instance is gone),
// *ModuleError (the module refused or failed the request) or errors of
// the caller's context or of encoding.
func (c *client) call(ctx context.Context, method uint32, req, resp proto.Message) error {
	m := c.m
	if m.implements != nil && !m.implements[method] {
		return nil // the kind's no-op: resp stays empty
	}
	name := abi.MethodName(m.kind.service, method)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("wasm module %s: %s: %w", m.id, name, err) // not started
	}
	in, err := m.pool.get(ctx)
	if err != nil {
		return fmt.Errorf("wasm module %s: %s: %w", m.id, name, err)
	}
	out, err := in.exchange(ctx, m.timeout, in.call, method, req)
	var ee *encodeError
	var ns *notStartedError
	if errors.As(err, &ee) || errors.As(err, &ns) {
		m.pool.put(in) // the instance was not called, or not harmed
		return fmt.Errorf("wasm module %s: %s: %w", m.id, name, err)
	}
	if err != nil {
		return m.fail(in, name, err)
	}
	if err := decode(out, resp); err != nil {
		if me, ok := err.(*ModuleError); ok {
			me.Module, me.Method = m.id, name
			m.pool.put(in)
			return me
		}
		return m.fail(in, name, err)
	}
	m.pool.put(in)
	return nil
}

// fail discards in after err broke it, logs and returns the failure.
func (m *module) fail(in *instance, method string, err error) error {
	m.pool.discard(in)
	if m.pool.isClosed() {
		return fmt.Errorf("wasm module %s: %s: %w", m.id, method, ErrClosed)
	}
	ce := failure(in, method, m.timeout.String(), err)
	m.log.Error("wasm module instance failed and was discarded", "method", method,
		"reason", ce.Reason, "stderr", ce.Stderr, "error", err)
	return ce
}

// decode checks a response's status and decodes its message into resp
// (nil: a response without a message). A status other than OK is a
// *ModuleError (Module and Method unset); undecodable bytes are
// ErrProtocol.
func decode(out []byte, resp proto.Message) error {
	switch s := abi.Status(out[0]); s {
	case abi.StatusOK:
		if resp == nil {
			return nil
		}
		if err := unmarshalOpts.Unmarshal(out[1:], resp); err != nil {
			return fmt.Errorf("%w: undecodable response: %v", ErrProtocol, err)
		}
		return nil
	default:
		return &ModuleError{Status: s, Msg: string(out[1:])}
	}
}
