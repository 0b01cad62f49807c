package master

import (
	"log/slog"
	"testing"

	"github.com/gomesos/mesos/builtin/authz"
)

// BenchmarkStateEndpointWithACLs is BenchmarkStateEndpoint (10k agents,
// 100k tasks) with the local authorizer filtering the document: every
// framework, task and executor is judged (one ApproveObjects per action)
// before the writer consults the view. Compare the two side by side.
func BenchmarkStateEndpointWithACLs(b *testing.B) {
	m := largeMaster(b, 10000, 10, 100000)
	m.cfg.Allocator = idleAllocator{}
	acls, err := authz.ParseACLs([]byte(`{
	  "view_frameworks": [{"principals": {"type": "ANY"}, "users": {"type": "ANY"}}],
	  "view_tasks": [{"principals": {"type": "ANY"}, "users": {"values": ["root"]}}],
	  "view_executors": [{"principals": {"type": "ANY"}, "users": {"type": "ANY"}}]
	}`), slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	m.cfg.Authorizer = authz.NewLocalFrom(acls)
	benchmarkStateEndpoint(b, m)
}
