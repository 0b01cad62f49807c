package files

import (
	"context"
	"math"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/agentpb"
)

// ListFiles answers the operator API's LIST_FILES. Errors are *Error;
// StatusCode maps them to the HTTP status Mesos answers with.
func (f *Files) ListFiles(ctx context.Context, call *agentpb.Call_ListFiles) (*agentpb.Response, error) {
	if call == nil {
		return nil, newError(Invalid, "Expecting 'list_files' to be present")
	}
	infos, err := f.Browse(ctx, call.GetPath())
	if err != nil {
		return nil, err
	}
	return &agentpb.Response{
		Type:      agentpb.Response_LIST_FILES.Enum(),
		ListFiles: &agentpb.Response_ListFiles{FileInfos: infos},
	}, nil
}

// ReadFile answers the operator API's READ_FILE: data from offset, up to
// length (all when unset, within the read cap), with the file's size.
func (f *Files) ReadFile(ctx context.Context, call *agentpb.Call_ReadFile) (*agentpb.Response, error) {
	if call == nil {
		return nil, newError(Invalid, "Expecting 'read_file' to be present")
	}
	offset := clampInt64(call.GetOffset())
	length := int64(-1)
	if call.Length != nil {
		length = clampInt64(call.GetLength())
	}
	size, data, err := f.Read(ctx, call.GetPath(), offset, length)
	if err != nil {
		return nil, err
	}
	return &agentpb.Response{
		Type:     agentpb.Response_READ_FILE.Enum(),
		ReadFile: &agentpb.Response_ReadFile{Size: proto.Uint64(uint64(size)), Data: data},
	}, nil
}

func clampInt64(v uint64) int64 {
	if v > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(v)
}
