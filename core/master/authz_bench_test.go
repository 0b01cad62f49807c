package master

import (
	"log/slog"
	"testing"

	"github.com/gomesos/mesos/builtin/authz"
)

// benchACLs filter the benchmark's document: every framework and executor
// is shown, tasks only of user root.
const benchACLs = `{
  "view_frameworks": [{"principals": {"type": "ANY"}, "users": {"type": "ANY"}}],
  "view_tasks": [{"principals": {"type": "ANY"}, "users": {"values": ["root"]}}],
  "view_executors": [{"principals": {"type": "ANY"}, "users": {"type": "ANY"}}]
}`

func benchAuthorizer(b *testing.B) *authz.Local {
	acls, err := authz.ParseACLs([]byte(benchACLs), slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	return authz.NewLocalFrom(acls)
}

// BenchmarkStateEndpointWithACLs is BenchmarkStateEndpoint (10k agents,
// 100k tasks) with the local authorizer filtering the document: its
// approvers judge every framework, task and executor as the writer
// reaches it. Compare it with BenchmarkStateEndpoint side by side.
func BenchmarkStateEndpointWithACLs(b *testing.B) {
	m := largeMaster(b, 10000, 10, 100000)
	m.cfg.Allocator = idleAllocator{}
	m.cfg.Authorizer = benchAuthorizer(b)
	benchmarkStateEndpoint(b, m)
}

// BenchmarkStateEndpointWithACLsBatch is the same with an authorizer that
// cannot decide locally (a plugin or WASM module): the loop lists every
// object, the authorizer judges them in one ApproveObjects call per action
// and the writer looks the decisions up. This was how every authorizer
// was asked before the approvers.
func BenchmarkStateEndpointWithACLsBatch(b *testing.B) {
	m := largeMaster(b, 10000, 10, 100000)
	m.cfg.Allocator = idleAllocator{}
	sw := &switchableAuthorizer{Local: benchAuthorizer(b)}
	sw.remote.Store(true)
	m.cfg.Authorizer = sw
	benchmarkStateEndpoint(b, m)
}
