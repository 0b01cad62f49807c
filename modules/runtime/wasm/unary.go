package wasm

import (
	"context"

	"google.golang.org/protobuf/proto"
)

// unary calls method of c's module with req and returns a new response
// of type Resp decoded from the module's answer: the body of every kind
// adapter's methods.
func unary[Resp any, P interface {
	*Resp
	proto.Message
}](ctx context.Context, c *client, method uint32, req proto.Message) (P, error) {
	resp := P(new(Resp))
	if err := c.call(ctx, method, req, resp); err != nil {
		return nil, err
	}
	return resp, nil
}
