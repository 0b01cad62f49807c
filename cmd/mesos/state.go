package main

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// mesos state prints the leading master's /master/state, indented.
func runState(e *env) error {
	_, body, err := e.client.masterState(e.ctx, e.flags.Master)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, body, "", "  "); err != nil {
		return fmt.Errorf("Failed to get the master state: not JSON: %w", err)
	}
	out.WriteByte('\n')
	_, err = e.stdout.Write(out.Bytes())
	return err
}
