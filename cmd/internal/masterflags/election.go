package masterflags

import (
	"context"
	"fmt"
	"log/slog"

	zkcontender "github.com/gomesos/mesos/builtin/contender/zookeeper"
	zkdetector "github.com/gomesos/mesos/builtin/detector/zookeeper"
	"github.com/gomesos/mesos/core/zk"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/mastercontender"
	"github.com/gomesos/mesos/modules/kinds/masterdetector"
)

// election is how the master takes part in leader election: nothing for
// a standalone master, the ZooKeeper contender and detector with --zk
// (over the master's one ZooKeeper client), or the
// --master_contender/--master_detector modules.
type election struct {
	contender mastercontender.MasterContender
	detector  masterdetector.MasterDetector
	close     func(context.Context)
}

func (f *Flags) election(ctx context.Context, client *zk.Client, mods *masterModules, logger *slog.Logger) (*election, error) {
	switch {
	case client != nil:
		log := logger.With("component", "election")
		c, err := zkcontender.New(zkcontender.Config{Client: client, Logger: log})
		if err != nil {
			return nil, err
		}
		d, err := zkdetector.New(zkdetector.Config{Client: client, Logger: log})
		if err != nil {
			_ = c.Close(ctx)
			return nil, err
		}
		return &election{contender: c, detector: d, close: func(ctx context.Context) {
			_ = c.Close(ctx)
			_ = d.Close(ctx)
		}}, nil
	case f.MasterContender != "":
		cm, err := mods.selectModule(ctx, "master_contender", modules.KindMasterContender, f.MasterContender)
		if err != nil {
			return nil, err
		}
		dm, err := mods.selectModule(ctx, "master_detector", modules.KindMasterDetector, f.MasterDetector)
		if err != nil {
			return nil, err
		}
		c, ok := cm.Instance.Impl.(mastercontender.MasterContender)
		if !ok {
			return nil, fmt.Errorf("--master_contender: module '%s' does not implement the MasterContender contract", f.MasterContender)
		}
		d, ok := dm.Instance.Impl.(masterdetector.MasterDetector)
		if !ok {
			return nil, fmt.Errorf("--master_detector: module '%s' does not implement the MasterDetector contract", f.MasterDetector)
		}
		// The module host closes them with the other modules.
		return &election{contender: c, detector: d, close: func(context.Context) {}}, nil
	}
	return &election{close: func(context.Context) {}}, nil
}

// zkClient is the master's ZooKeeper client for --zk (nil without): its
// session carries the master's candidacy, and the registry with
// --registry=replicated_log.
func (f *Flags) zkClient(logger *slog.Logger) (*zk.Client, error) {
	if f.Zk == "" {
		return nil, nil
	}
	u, err := zk.ParseURL(f.Zk)
	if err != nil {
		return nil, fmt.Errorf("Failed to parse --zk: %w", err)
	}
	client, err := zk.NewClient(u, zk.Options{SessionTimeout: f.ZKSessionTimeout.Std(), Logger: logger.With("component", "zookeeper")})
	if err != nil {
		return nil, fmt.Errorf("--zk: %w", err)
	}
	return client, nil
}
