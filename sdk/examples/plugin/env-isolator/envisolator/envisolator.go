// Package envisolator is an example isolator: it adds environment
// variables to every container's command and limits the number of files
// it may open (RLIMIT_NOFILE), both through the launch info Prepare
// returns. It keeps the set of containers it prepared, so that Usage and
// Status can tell known containers from unknown ones (and a restarted
// agent can check that it reattached to the same process).
//
// Parameters (the manifest's key/value pairs):
//
//	env.NAME  sets the variable NAME (any number of them); without any,
//	          GOMESOS_ENV_ISOLATOR=1 is set
//	nofile    "N" or "SOFT:HARD", the RLIMIT_NOFILE limits (default
//	          1024:4096); "none" sets no limit
//
// The package is pure Go (no goroutines, no operating-system access), so
// it can run built in, as a plugin (../main.go) or compiled to WASM.
package envisolator

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
	"google.golang.org/protobuf/proto"
)

// Isolator is the environment and open-files isolator.
type Isolator struct {
	isolator.Nop
	env    []*mesospb.Environment_Variable
	nofile *mesospb.RLimitInfo_RLimit

	mu         sync.Mutex
	containers map[string]bool
}

var _ isolator.Isolator = (*Isolator)(nil)

// DefaultVariable is set when no env.NAME parameter is given.
const DefaultVariable = "GOMESOS_ENV_ISOLATOR"

// New builds the isolator from its parameters.
func New(params map[string]string) (*Isolator, error) {
	iso := &Isolator{containers: map[string]bool{}}
	var names []string
	for k := range params {
		if name, ok := strings.CutPrefix(k, "env."); ok {
			if name == "" || strings.ContainsAny(name, "=\x00") {
				return nil, fmt.Errorf("envisolator: parameter %q: invalid variable name", k)
			}
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		iso.env = append(iso.env, variable(name, params["env."+name]))
	}
	if len(iso.env) == 0 {
		iso.env = []*mesospb.Environment_Variable{variable(DefaultVariable, "1")}
	}
	nofile, err := parseNofile(params)
	if err != nil {
		return nil, err
	}
	iso.nofile = nofile
	return iso, nil
}

func variable(name, value string) *mesospb.Environment_Variable {
	return &mesospb.Environment_Variable{Name: proto.String(name), Value: proto.String(value),
		Type: mesospb.Environment_Variable_VALUE.Enum()}
}

func parseNofile(params map[string]string) (*mesospb.RLimitInfo_RLimit, error) {
	text, ok := params["nofile"]
	if !ok {
		text = "1024:4096"
	}
	if text == "none" {
		return nil, nil
	}
	softText, hardText, pair := strings.Cut(text, ":")
	soft, err := strconv.ParseUint(softText, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("envisolator: parameter nofile=%q: want N or SOFT:HARD", text)
	}
	hard := soft
	if pair {
		if hard, err = strconv.ParseUint(hardText, 10, 64); err != nil || hard < soft {
			return nil, fmt.Errorf("envisolator: parameter nofile=%q: want N or SOFT:HARD with SOFT <= HARD", text)
		}
	}
	return &mesospb.RLimitInfo_RLimit{Type: mesospb.RLimitInfo_RLimit_RLMT_NOFILE.Enum(),
		Soft: proto.Uint64(soft), Hard: proto.Uint64(hard)}, nil
}

// Recover remembers the containers the agent recovered.
func (iso *Isolator) Recover(_ context.Context, req *isolator.RecoverRequest) (*isolator.RecoverResponse, error) {
	iso.mu.Lock()
	defer iso.mu.Unlock()
	for _, s := range req.GetStates() {
		iso.containers[s.GetContainerId().GetValue()] = true
	}
	return &isolator.RecoverResponse{}, nil
}

// Prepare returns the environment and the open-files limit.
func (iso *Isolator) Prepare(_ context.Context, req *isolator.PrepareRequest) (*isolator.PrepareResponse, error) {
	id := req.GetContainerId().GetValue()
	if id == "" {
		return nil, fmt.Errorf("envisolator: prepare without a container id")
	}
	iso.mu.Lock()
	iso.containers[id] = true
	iso.mu.Unlock()
	info := &isolator.ContainerLaunchInfo{Environment: &mesospb.Environment{}}
	for _, v := range iso.env {
		info.Environment.Variables = append(info.Environment.Variables, proto.Clone(v).(*mesospb.Environment_Variable))
	}
	if iso.nofile != nil {
		info.Rlimits = &mesospb.RLimitInfo{Rlimits: []*mesospb.RLimitInfo_RLimit{proto.Clone(iso.nofile).(*mesospb.RLimitInfo_RLimit)}}
	}
	return &isolator.PrepareResponse{LaunchInfo: info}, nil
}

// Usage measures nothing (so it sets no statistics: their required
// timestamp is the containerizer's), but fails for containers it does not
// know.
func (iso *Isolator) Usage(_ context.Context, req *isolator.UsageRequest) (*isolator.UsageResponse, error) {
	if err := iso.known(req.GetContainerId()); err != nil {
		return nil, err
	}
	return &isolator.UsageResponse{}, nil
}

// Status adds nothing to the status of a known container.
func (iso *Isolator) Status(_ context.Context, req *isolator.StatusRequest) (*isolator.StatusResponse, error) {
	if err := iso.known(req.GetContainerId()); err != nil {
		return nil, err
	}
	return &isolator.StatusResponse{}, nil
}

// Cleanup forgets the container.
func (iso *Isolator) Cleanup(_ context.Context, req *isolator.CleanupRequest) (*isolator.CleanupResponse, error) {
	iso.mu.Lock()
	delete(iso.containers, req.GetContainerId().GetValue())
	iso.mu.Unlock()
	return &isolator.CleanupResponse{}, nil
}

func (iso *Isolator) known(id *mesospb.ContainerID) error {
	iso.mu.Lock()
	defer iso.mu.Unlock()
	if !iso.containers[id.GetValue()] {
		return fmt.Errorf("envisolator: unknown container %q", id.GetValue())
	}
	return nil
}
