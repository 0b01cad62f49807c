package decorate

import (
	"fmt"
	"strings"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/hook"
	"google.golang.org/protobuf/proto"
)

// The checks of what hook decorators return. Each returns a short reason
// for the rejection metric and the details; a nil replacement (no change)
// always passes.

func checkLabels(l *mesospb.Labels) (string, error) {
	if l == nil {
		return "", nil
	}
	for i, label := range l.GetLabels() {
		if label.Key == nil {
			return "invalid labels", fmt.Errorf("label #%d has no key", i+1)
		}
	}
	return "", nil
}

func checkResources(rl *hook.ResourceList) (string, error) {
	if rl == nil {
		return "", nil
	}
	if err := proto.CheckInitialized(rl); err != nil {
		return "invalid resources", err
	}
	if err := resources.ValidateAll(rl.GetResources()); err != nil {
		return "invalid resources", err
	}
	return "", nil
}

func checkAttributes(al *hook.AttributeList) (string, error) {
	if al == nil {
		return "", nil
	}
	for _, a := range al.GetAttributes() {
		if err := resources.ValidateAttribute(a); err != nil {
			return "invalid attributes", err
		}
	}
	return "", nil
}

func checkEnvironment(env *mesospb.Environment) (string, error) {
	if env == nil {
		return "", nil
	}
	for i, v := range env.GetVariables() {
		name := v.GetName()
		if name == "" || strings.ContainsAny(name, "=\x00") || strings.ContainsRune(v.GetValue(), 0) {
			return "invalid environment", fmt.Errorf("environment variable #%d (%q) is not a valid NAME=value", i+1, name)
		}
	}
	return "", nil
}

func checkTaskStatus(r *hook.SlaveTaskStatusDecoratorResponse) (string, error) {
	if reason, err := checkLabels(r.GetLabels()); err != nil {
		return reason, err
	}
	if cs := r.GetContainerStatus(); cs != nil {
		if err := proto.CheckInitialized(cs); err != nil {
			return "invalid container status", err
		}
	}
	return "", nil
}
