package launcher

import (
	"os"

	"golang.org/x/sys/unix"
)

// holdFIFOs opens the read end of every stream of spec that is a FIFO
// (the containerizer forwards those to its container logger) and keeps
// it for the supervisor's life without reading it. With a reader left, a
// command writing while no agent reads blocks once the pipe is full,
// instead of failing with EPIPE, until the next agent reads on.
func holdFIFOs(spec *Spec) []*os.File {
	var held []*os.File
	for _, path := range []string{spec.Stdout, spec.Stderr} {
		st, err := os.Stat(path)
		if err != nil || st.Mode()&os.ModeNamedPipe == 0 {
			continue
		}
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err != nil {
			continue
		}
		held = append(held, os.NewFile(uintptr(fd), path))
	}
	return held
}
