package containerizer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/containerlogger"
)

// startForwarding passes the FORWARD streams of a container whose process
// runs to the logger, each in its own goroutine, until end of file (the
// process and its children closed the stream) or Close.
func (c *Containerizer) startForwarding(id *mesospb.ContainerID, o *output) {
	if o == nil {
		return
	}
	for i, r := range o.readers {
		if r == nil {
			continue
		}
		o.readers[i] = nil
		c.forwarders.Go(func() { c.forward(id, streams()[i], r) })
	}
}

// forward copies one stream into the logger's Write in chunks of at most
// containerlogger.MaxChunk, in order, and calls Close at end of file. A
// failed Write drops its chunk (logged once until a Write succeeds
// again): the pipe is drained whatever the logger does, so that the
// container never blocks on its output.
func (c *Containerizer) forward(id *mesospb.ContainerID, s containerlogger.Stream, r *os.File) {
	defer r.Close()
	// Close interrupts the read when the containerizer closes.
	stop := context.AfterFunc(c.closeCtx, func() { r.Close() })
	defer stop()
	log := c.log.With("container", key(id), "stream", containerlogger.FileName(s))
	ctx := c.closeCtx
	buf := make([]byte, containerlogger.MaxChunk)
	failing := false
	for {
		n, err := r.Read(buf)
		if n > 0 {
			_, werr := c.logger.Write(ctx, &containerlogger.WriteRequest{
				ContainerId: proto.CloneOf(id), Stream: s, Data: bytes.Clone(buf[:n]),
			})
			switch {
			case werr != nil && ctx.Err() != nil:
				return
			case werr != nil && !failing:
				failing = true
				log.Warn("container logger failed to take output; dropping it until it does", "error", werr)
			case werr == nil && failing:
				failing = false
				log.Info("container logger takes output again")
			}
		}
		switch {
		case errors.Is(err, io.EOF):
			if _, err := c.logger.Close(ctx, &containerlogger.CloseRequest{ContainerId: proto.CloneOf(id), Stream: s}); err != nil && ctx.Err() == nil {
				log.Warn("container logger failed to close the stream", "error", err)
			}
			return
		case err != nil:
			// Closed by Close (the agent stops): the next agent goes on.
			if !errors.Is(err, os.ErrClosed) {
				log.Warn("reading the container's output failed", "error", err)
			}
			return
		}
	}
}

// recoverOutput tells the logger which containers an agent restart
// recovered and reopens the FIFOs of their FORWARD streams. A failure is
// logged: the containers run on, and their output is what is lost.
func (c *Containerizer) recoverOutput(ctx context.Context, kept []*container) {
	if c.logger == nil {
		return
	}
	req := &containerlogger.RecoverRequest{}
	var logged []*container
	for _, ct := range kept {
		if c.logged(ct.config) {
			req.Containers = append(req.Containers, loggedContainer(ct))
			logged = append(logged, ct)
		}
	}
	if _, err := c.logger.Recover(ctx, req); err != nil {
		c.log.Error("container logger failed to recover its containers", "containers", len(req.Containers), "error", err)
	}
	for _, ct := range logged {
		o := &output{}
		for i, s := range streams() {
			path := filepath.Join(ct.dir, fifoName(s))
			if _, err := os.Stat(path); err != nil {
				continue // a PATH stream
			}
			r, err := openFIFO(path, false)
			if err != nil {
				c.log.Warn("cannot reopen the container's output", "container", ct.key, "error", err)
				continue
			}
			o.readers[i] = r
		}
		c.startForwarding(ct.id, o)
	}
}
