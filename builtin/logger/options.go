package logger

import (
	"fmt"
	"strconv"
	"strings"
)

// RotateOptions are the logrotate directives the logrotate logger
// understands in its logrotate_stdout_options and logrotate_stderr_options
// parameters (one directive per line, as in a logrotate configuration
// file; "#" starts a comment).
type RotateOptions struct {
	// Rotations is how many rotated files are kept ("rotate N"); 0, the
	// default as in logrotate, keeps none: the file is removed when it
	// rotates.
	Rotations int
	// Compress gzips rotated files ("compress"), named "<file>.N.gz".
	Compress bool
	// DelayCompress leaves the newest rotated file uncompressed
	// ("delaycompress").
	DelayCompress bool
}

// ignoredDirective reports whether a logrotate directive does not change
// what this logger does: the size criteria (the module sets the size, as
// Mesos documents), the time criteria (which a size criterion overrides in
// logrotate, and Mesos always adds one), and directives about cases that
// do not arise (the file always exists, is never empty when it rotates,
// and is recreated by the logger itself).
func ignoredDirective(d string) bool {
	switch d {
	case "size", "minsize", "maxsize",
		"hourly", "daily", "weekly", "monthly", "yearly",
		"missingok", "nomissingok", "notifempty", "ifempty",
		"create", "nocreate", "copytruncate", "nocopytruncate",
		"copy", "nocopy", "sharedscripts", "nosharedscripts",
		"nomail", "noolddir", "nodateext", "noshred":
		return true
	}
	return false
}

// ParseRotateOptions parses logrotate directives. Directives that would
// need the logrotate program (scripts, mail, dateext, olddir, other
// compressors, ...) are refused rather than ignored.
func ParseRotateOptions(text string) (RotateOptions, error) {
	var o RotateOptions
	for line := range strings.Lines(text) {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		directive, args := strings.ToLower(fields[0]), fields[1:]
		switch {
		case directive == "rotate":
			if len(args) != 1 {
				return RotateOptions{}, fmt.Errorf("logrotate option %q: want 'rotate <count>'", strings.TrimSpace(line))
			}
			n, err := strconv.Atoi(args[0])
			if err != nil || n < 0 || n > 10000 {
				return RotateOptions{}, fmt.Errorf("logrotate option %q: bad rotation count", strings.TrimSpace(line))
			}
			o.Rotations = n
		case directive == "compress" && len(args) == 0:
			o.Compress = true
		case directive == "nocompress" && len(args) == 0:
			o.Compress = false
		case directive == "delaycompress" && len(args) == 0:
			o.DelayCompress = true
		case directive == "nodelaycompress" && len(args) == 0:
			o.DelayCompress = false
		case ignoredDirective(directive):
		default:
			return RotateOptions{}, fmt.Errorf("unsupported logrotate option %q (supported: rotate, compress, nocompress, delaycompress, nodelaycompress; ignored: size and time criteria, missingok, notifempty, create, copytruncate and their negations)", strings.TrimSpace(line))
		}
	}
	return o, nil
}
