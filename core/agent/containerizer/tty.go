package containerizer

import (
	"fmt"
	"math"

	"github.com/gomesos/mesos/core/agent/containerizer/launcher"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// ttySpec is the launcher's terminal for a container's TTYInfo.
func ttySpec(info *mesospb.TTYInfo) (*launcher.TTY, error) {
	ws := info.GetWindowSize()
	if ws == nil {
		return &launcher.TTY{}, nil
	}
	rows, columns, err := windowSize(ws.GetRows(), ws.GetColumns())
	if err != nil {
		return nil, err
	}
	return &launcher.TTY{Rows: rows, Columns: columns}, nil
}

// ValidateTTYInfo checks what a launch asks of a terminal, so that the
// operator API can refuse a bad request (400) before launching.
func ValidateTTYInfo(t *mesospb.TTYInfo) error {
	if ws := t.GetWindowSize(); ws != nil {
		_, _, err := windowSize(ws.GetRows(), ws.GetColumns())
		return err
	}
	return nil
}

// windowSize checks a TTYInfo window size against what a terminal holds
// (16 bits each).
func windowSize(rows, columns uint32) (uint16, uint16, error) {
	if rows > math.MaxUint16 || columns > math.MaxUint16 {
		return 0, 0, fmt.Errorf("window size %dx%d is out of range (at most %d rows and columns)", rows, columns, math.MaxUint16)
	}
	return uint16(rows), uint16(columns), nil
}
