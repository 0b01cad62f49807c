package binpack

import (
	"fmt"
	"strconv"
	"time"

	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// options are the master's configuration and the module's parameters.
type options struct {
	interval  time.Duration
	filterGPU bool
	// minAllocatable: an allocation must hold at least one of these.
	minAllocatable []resources.Quantities
	// maxAgents bounds the agents a framework gets per cycle (0: no bound).
	maxAgents int
}

// ParamMaxAgentsPerFramework is the module parameter bounding how many
// agents one framework is offered per cycle.
const ParamMaxAgentsPerFramework = "max_agents_per_framework"

// defaultMinAllocatable is Mesos's --min_allocatable_resources default.
var defaultMinAllocatable = []map[string]float64{{"cpus": 0.01}, {"mem": 32}}

func parseOptions(req *allocator.InitializeRequest) (options, error) {
	o := options{
		interval:  time.Duration(req.GetAllocationIntervalNanos()),
		filterGPU: req.GetFilterGpuResources(),
	}
	for _, q := range req.GetMinAllocatableResources() {
		o.minAllocatable = append(o.minAllocatable, resources.NewQuantities(q.GetQuantities()))
	}
	if len(o.minAllocatable) == 0 {
		for _, q := range defaultMinAllocatable {
			o.minAllocatable = append(o.minAllocatable, resources.NewQuantities(q))
		}
	}
	if v, ok := req.GetParameters()[ParamMaxAgentsPerFramework]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return options{}, fmt.Errorf("binpack: parameter %s=%q: want a number >= 0", ParamMaxAgentsPerFramework, v)
		}
		o.maxAgents = n
	}
	return o, nil
}
