package containerizer

import (
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
)

// shrinkCheckpointDelay is how long the checkpoint of an update that only
// takes resources away waits. The agent shrinks a container when one of
// its tasks ends, which for a command task is just before its executor
// exits and the container is destroyed: the wait spares that rewrite of
// the config (a file creation, the costliest thing a launch does to the
// file system) for a container that is gone by then. Meanwhile the
// checkpoint holds more than the container has, never less: a recovery
// in that window gives the isolators the limits the container had a
// moment before. Updates that add anything are checkpointed at once.
const shrinkCheckpointDelay = time.Second

// onlyShrinks reports whether next takes resources from prev and adds
// none.
func onlyShrinks(prev, next []*mesospb.Resource) bool {
	return resources.New(prev...).Contains(resources.New(next...))
}

// checkpointConfig writes the container's config if it changed since it
// was last written. Writes of one container are serialized (they share
// the temporary file) and none happens once its destroy began, which
// removes the runtime directory under the same lock.
func (c *Containerizer) checkpointConfig(ct *container) {
	ct.checkpointMu.Lock()
	defer ct.checkpointMu.Unlock()
	c.mu.Lock()
	cfg, dirty, ending := ct.config, ct.configDirty, ct.state == StateDestroying
	if !ending {
		ct.configDirty = false
	}
	c.mu.Unlock()
	if !dirty || ending || cfg == nil {
		return
	}
	// What a recovering agent hands the isolators.
	if err := writeConfig(ct.dir, cfg); err != nil {
		c.log.Warn("checkpoint updated resources", "container", ct.key, "err", err)
	}
}

// checkpointConfigLater checkpoints the config after
// shrinkCheckpointDelay, unless the container is destroyed first.
func (c *Containerizer) checkpointConfigLater(ct *container) {
	time.AfterFunc(shrinkCheckpointDelay, func() { c.checkpointConfig(ct) })
}

// flushConfigs writes the configs whose checkpoint waits, for Close.
func (c *Containerizer) flushConfigs() {
	c.mu.Lock()
	var pending []*container
	for _, ct := range c.containers {
		if ct.configDirty {
			pending = append(pending, ct)
		}
	}
	c.mu.Unlock()
	for _, ct := range pending {
		c.checkpointConfig(ct)
	}
}
