//go:build unix

package plugin

import (
	"os/signal"
	"syscall"
)

// ignoreBrokenPipes keeps a detached plugin alive when the host that
// started it (and read its stderr) is gone: writes then fail instead of
// killing the process with SIGPIPE.
func ignoreBrokenPipes() { signal.Ignore(syscall.SIGPIPE) }
