// Package labelhook is an example hook: a label decorator that adds the
// labels named in its parameters to every task, on the master
// (masterLaunchTaskLabelDecorator) and on the agent
// (slaveRunTaskLabelDecorator). A parameter "label.team" = "infra" adds the
// label team=infra, replacing a label of that key the task already has.
//
// It is plain Go: the same type runs built in and as WASM (../main.go).
package labelhook

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/hook"
	"google.golang.org/protobuf/proto"
)

// ParamPrefix starts the parameters that name labels.
const ParamPrefix = "label."

// Hook adds labels to tasks. The zero value adds none; Configure sets
// them. It is safe for concurrent use once configured.
type Hook struct {
	hook.Nop
	labels []*mesospb.Label // sorted by key
}

// Configure takes the labels from the module's parameters; any other
// parameter is an error.
func (h *Hook) Configure(params map[string]string) error {
	var labels []*mesospb.Label
	for k, v := range params {
		key, ok := strings.CutPrefix(k, ParamPrefix)
		if !ok || key == "" {
			return fmt.Errorf("labelhook: unknown parameter %q (want %s<key>)", k, ParamPrefix)
		}
		labels = append(labels, &mesospb.Label{Key: proto.String(key), Value: proto.String(v)})
	}
	slices.SortFunc(labels, func(a, b *mesospb.Label) int { return strings.Compare(a.GetKey(), b.GetKey()) })
	h.labels = labels
	return nil
}

// MasterLaunchTaskLabelDecorator implements hook.Hook.
func (h *Hook) MasterLaunchTaskLabelDecorator(_ context.Context, req *hook.MasterLaunchTaskLabelDecoratorRequest) (*hook.MasterLaunchTaskLabelDecoratorResponse, error) {
	return &hook.MasterLaunchTaskLabelDecoratorResponse{Labels: h.decorate(req.GetTask().GetLabels())}, nil
}

// SlaveRunTaskLabelDecorator implements hook.Hook.
func (h *Hook) SlaveRunTaskLabelDecorator(_ context.Context, req *hook.SlaveRunTaskLabelDecoratorRequest) (*hook.SlaveRunTaskLabelDecoratorResponse, error) {
	return &hook.SlaveRunTaskLabelDecoratorResponse{Labels: h.decorate(req.GetTask().GetLabels())}, nil
}

// decorate returns the task's labels with h's applied, or nil (no
// change) when h has none.
func (h *Hook) decorate(have *mesospb.Labels) *mesospb.Labels {
	if len(h.labels) == 0 {
		return nil
	}
	out := &mesospb.Labels{}
	for _, l := range have.GetLabels() {
		if !h.has(l.GetKey()) {
			out.Labels = append(out.Labels, l)
		}
	}
	out.Labels = append(out.Labels, h.labels...)
	return out
}

func (h *Hook) has(key string) bool {
	_, ok := slices.BinarySearchFunc(h.labels, key, func(l *mesospb.Label, k string) int { return strings.Compare(l.GetKey(), k) })
	return ok
}
