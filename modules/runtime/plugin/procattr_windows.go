//go:build windows

package plugin

import "syscall"

func procAttr(bool) *syscall.SysProcAttr { return nil }
