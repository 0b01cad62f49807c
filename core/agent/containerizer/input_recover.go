package containerizer

import (
	"os"
	"path/filepath"

	"github.com/gomesos/mesos/core/agent/containerizer/launcher"
)

// recoverInput reopens the stdin FIFO of the recovered containers that
// have one whose supervisor relays it (a terminal's, or a session's
// launched since the supervisor relays it), so that clients can write
// the command's input, and resize its terminal, again after an agent
// restart. A session's input whose end of file was sent before the
// restart stays closed (AttachInput fails with ErrInputClosed). A
// session's container launched before stdin was relayed keeps no
// input: its command read end of file when the last agent went away.
func (c *Containerizer) recoverInput(kept []*container) {
	for _, ct := range kept {
		path := filepath.Join(ct.dir, stdinFIFO)
		if _, err := os.Stat(path); err != nil {
			continue
		}
		tty := ct.config.GetContainerInfo().GetTtyInfo() != nil
		if !tty && !launcher.RelaysStdin(ct.dir) {
			continue
		}
		if !tty && launcher.StdinEOFMarked(path) {
			ct.input = &input{dir: ct.dir}
			continue
		}
		in, _, err := openInput(ct.dir)
		if err != nil {
			c.log.Warn("cannot reopen the container's input", "container", ct.key, "error", err)
			continue
		}
		in.tty = tty
		ct.input = in
	}
}
