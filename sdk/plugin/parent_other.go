//go:build !linux

package plugin

import "errors"

func setParentDeathSignal() error {
	return errors.New("not supported on this platform")
}
