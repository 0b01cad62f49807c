package wasm

import (
	"context"
	"strings"
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/hook"
	"google.golang.org/protobuf/proto"
)

// labelCall calls MasterLaunchTaskLabelDecorator with a task named name.
func labelCall(ctx context.Context, h hook.Hook, name string) (*hook.MasterLaunchTaskLabelDecoratorResponse, error) {
	return h.MasterLaunchTaskLabelDecorator(ctx, &hook.MasterLaunchTaskLabelDecoratorRequest{
		Task: &mesospb.TaskInfo{Name: proto.String(name)}})
}

// label returns the value of label key, or "".
func label(ls *mesospb.Labels, key string) string {
	for _, l := range ls.GetLabels() {
		if l.GetKey() == key {
			return l.GetValue()
		}
	}
	return ""
}

// wantErrContains fails unless err's message contains every part.
func wantErrContains(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not contain %q", err, p)
		}
	}
}
