package containerizer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/containerizer/launcher"
	"github.com/gomesos/mesos/modules/kinds/containerlogger"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// A container's stdout and stderr go where the container logger (the
// --container_logger module) says: a file the process writes itself
// (PATH), or a pipe the containerizer reads and passes to the logger's
// Write in chunks (FORWARD).
//
// The pipe is a FIFO in the container's runtime directory, so that it
// outlives the agent: the container's supervisor holds its read end
// open without reading, so that while no agent reads the container's
// writes block once the pipe is full instead of failing, and the next
// agent reopens the FIFO at recovery and forwards what follows. Debug
// containers (nested container sessions) keep their sandbox files, which
// their sessions stream.

// fifoName is a FORWARD stream's FIFO in the container's runtime
// directory.
func fifoName(s containerlogger.Stream) string { return containerlogger.FileName(s) + ".fifo" }

// streams are the two streams, in order.
func streams() [2]containerlogger.Stream {
	return [...]containerlogger.Stream{containerlogger.Stream_STDOUT, containerlogger.Stream_STDERR}
}

// output is where one container's streams go: the paths the launcher
// opens for the process, and the read ends of its FORWARD streams.
type output struct {
	paths   [2]string
	readers [2]*os.File // nil for PATH streams
}

// close closes the read ends that were not handed to forwarders.
func (o *output) close() {
	for i, r := range o.readers {
		if r != nil {
			r.Close()
			o.readers[i] = nil
		}
	}
}

// loggedContainer is what the logger is told of a container.
func loggedContainer(ct *container) *containerlogger.Container {
	cfg := ct.config
	return &containerlogger.Container{
		ContainerId:  proto.CloneOf(ct.id),
		ExecutorInfo: proto.CloneOf(cfg.GetExecutorInfo()),
		TaskInfo:     proto.CloneOf(cfg.GetTaskInfo()),
		Directory:    cfg.GetDirectory(),
		User:         cfg.GetUser(),
	}
}

// logged reports whether a container's output goes through the logger.
func (c *Containerizer) logged(cfg *isolator.ContainerConfig) bool {
	return c.logger != nil && cfg.GetContainerClass() != isolator.ContainerClass_CONTAINER_CLASS_DEBUG
}

// prepareOutput asks the logger where a new container's streams go and
// makes the FIFOs of FORWARD streams. It returns nil when the container
// keeps the sandbox's files.
func (c *Containerizer) prepareOutput(ctx context.Context, ct *container) (*output, error) {
	if !c.logged(ct.config) {
		return nil, nil
	}
	resp, err := c.logger.Prepare(ctx, &containerlogger.PrepareRequest{Container: loggedContainer(ct)})
	if err != nil {
		return nil, fmt.Errorf("container logger: %w", err)
	}
	if err := containerlogger.Check(resp); err != nil {
		return nil, fmt.Errorf("container logger: %w", err)
	}
	o := &output{}
	for i, io := range []*containerlogger.IO{resp.GetStdout(), resp.GetStderr()} {
		if io.GetType() == containerlogger.IO_PATH {
			o.paths[i] = io.GetPath()
			continue
		}
		path := filepath.Join(ct.dir, fifoName(streams()[i]))
		r, err := openFIFO(path, true)
		if err != nil {
			o.close()
			return nil, err
		}
		o.paths[i], o.readers[i] = path, r
	}
	return o, nil
}

// apply points the launch spec's streams at the output.
func (o *output) apply(spec *launcher.Spec) {
	if o == nil {
		return
	}
	spec.Stdout, spec.Stderr = o.paths[0], o.paths[1]
}

// openFIFO opens a FIFO's read end without blocking (a process writes it
// later, or wrote it before an agent restart), creating it first when
// create is set.
func openFIFO(path string, create bool) (*os.File, error) {
	if create {
		if err := syscall.Mkfifo(path, 0o600); err != nil && !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("create output pipe %s: %w", path, err)
		}
	}
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open output pipe %s: %w", path, err)
	}
	// A non-blocking descriptor goes to the runtime's poller: reads wait
	// for data without holding a thread, and Close interrupts them.
	return os.NewFile(uintptr(fd), path), nil
}
