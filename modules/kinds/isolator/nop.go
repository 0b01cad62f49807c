package isolator

import "context"

// Nop implements every call as doing nothing; isolators embed it and
// override the calls they care about. Its Watch blocks until ctx ends.
type Nop struct{}

var _ Isolator = Nop{}

func (Nop) Recover(context.Context, *RecoverRequest) (*RecoverResponse, error) {
	return &RecoverResponse{}, nil
}

func (Nop) Prepare(context.Context, *PrepareRequest) (*PrepareResponse, error) {
	return &PrepareResponse{}, nil
}

func (Nop) Isolate(context.Context, *IsolateRequest) (*IsolateResponse, error) {
	return &IsolateResponse{}, nil
}

func (Nop) Watch(ctx context.Context, _ *WatchRequest) (*WatchResponse, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func (Nop) Update(context.Context, *UpdateRequest) (*UpdateResponse, error) {
	return &UpdateResponse{}, nil
}

func (Nop) Usage(context.Context, *UsageRequest) (*UsageResponse, error) {
	return &UsageResponse{}, nil
}

func (Nop) Status(context.Context, *StatusRequest) (*StatusResponse, error) {
	return &StatusResponse{}, nil
}

func (Nop) Cleanup(context.Context, *CleanupRequest) (*CleanupResponse, error) {
	return &CleanupResponse{}, nil
}
