package containerizer

// Stats counts what the agent reports as metrics.
type Stats struct {
	// LaunchErrors counts launches that failed.
	LaunchErrors uint64
	// DestroyErrors counts destroys that could not clean up (Mesos's
	// containerizer/mesos/container_destroy_errors).
	DestroyErrors uint64
	// Limitations counts containers destroyed for hitting a limit.
	Limitations uint64
	// RejectedLaunchInfos counts launches failed because the isolators'
	// launch infos did not pass the checks.
	RejectedLaunchInfos uint64
}

// Stats returns the counters so far.
func (c *Containerizer) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}
