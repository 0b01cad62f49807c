//go:build unix && !linux

package plugin

import "syscall"

func procAttr(detached bool) *syscall.SysProcAttr {
	if detached {
		return &syscall.SysProcAttr{Setpgid: true}
	}
	return nil
}
