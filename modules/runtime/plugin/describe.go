package plugin

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os/exec"
	"strings"
	"time"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/runtime/plugin/wire"
)

// describeTimeout bounds a describe run.
const describeTimeout = 3 * time.Second

// describe asks a plugin built with the SDK what it serves, without
// serving: used when the manifest names no kind, and to name every
// version a module speaks when the handshake finds none in common. A
// plugin without the SDK starts serving instead: its first line (a
// go-plugin handshake) is not a description, and it is stopped.
func describe(ctx context.Context, path string, spec modules.Spec) (*wire.Description, error) {
	ctx, cancel := context.WithTimeout(ctx, describeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, spec.Args...)
	cmd.Env = append(commandEnv(spec, spec.Kind, slog.LevelInfo),
		wire.MagicCookieKey+"="+wire.MagicCookieValue, wire.EnvDescribe+"=1")
	cmd.WaitDelay = time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("the plugin does not describe itself: %v", err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	line, err := bufio.NewReaderSize(stdout, 1<<20).ReadString('\n')
	if err != nil && line == "" {
		return nil, fmt.Errorf("the plugin does not describe itself: %v", err)
	}
	var d wire.Description
	if !strings.HasPrefix(line, "{") || json.Unmarshal([]byte(line), &d) != nil {
		return nil, fmt.Errorf("the plugin does not describe itself (it printed %.60q)", line)
	}
	return &d, nil
}

// moduleOf finds the module named in a description (or the only one).
func moduleOf(d *wire.Description, name string) (wire.ModuleDescription, bool) {
	for _, m := range d.Modules {
		if m.Name == name {
			return m, true
		}
	}
	if len(d.Modules) == 1 {
		return d.Modules[0], true
	}
	return wire.ModuleDescription{}, false
}
