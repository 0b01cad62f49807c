package hierarchical

import (
	"fmt"
	"strconv"
	"time"

	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// Mesos's defaults for --min_allocatable_resources: an allocation must
// hold at least 0.01 cpus or 32 MB of memory.
var defaultMinAllocatable = []map[string]float64{{"cpus": 0.01}, {"mem": 32}}

// options is the configuration from InitializeRequest.
type options struct {
	interval       time.Duration
	excluded       map[string]bool // names left out of fair sharing
	filterGPU      bool
	minAllocatable []resources.Quantities
	expectedAgents int
	seed           uint64
}

// Parameters the module accepts in the --modules manifest.
const (
	// ParamSeed seeds the random order in which agents are visited
	// (decimal uint64). Without it the order is still random, from a fixed
	// seed, so runs are reproducible.
	ParamSeed = "seed"
)

func parseOptions(req *allocator.InitializeRequest) (options, error) {
	o := options{
		interval:       time.Duration(req.GetAllocationIntervalNanos()),
		filterGPU:      req.GetFilterGpuResources(),
		expectedAgents: int(req.GetExpectedAgentCount()),
		seed:           1,
	}
	if len(req.GetFairSharingExcludedResourceNames()) > 0 {
		o.excluded = map[string]bool{}
		for _, n := range req.GetFairSharingExcludedResourceNames() {
			o.excluded[n] = true
		}
	}
	if len(req.GetMinAllocatableResources()) == 0 {
		for _, m := range defaultMinAllocatable {
			o.minAllocatable = append(o.minAllocatable, resources.NewQuantities(m))
		}
	} else {
		for _, q := range req.GetMinAllocatableResources() {
			o.minAllocatable = append(o.minAllocatable, resources.NewQuantities(q.GetQuantities()))
		}
	}
	for k, v := range req.GetParameters() {
		switch k {
		case ParamSeed:
			s, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				return options{}, fmt.Errorf("parameter %q: %w", k, err)
			}
			o.seed = s
		default:
			return options{}, fmt.Errorf("unknown parameter %q", k)
		}
	}
	return o, nil
}
