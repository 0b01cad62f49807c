package manifest

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/gomesos/mesos/core/units"
	"github.com/gomesos/mesos/modules"
)

// maxMemoryPages is the most a 32-bit WASM memory can have (4 GiB).
const maxMemoryPages = 65536

// checkLibrary checks what can be checked of a library without the
// filesystem, normalizing runtime, sha256 and kinds on the way.
func checkLibrary(l *Library) *Error {
	if l.File == "" && l.Name == "" {
		return invalid("", "library name or path not provided (set \"file\" or \"name\")")
	}
	if l.Runtime != "" {
		r, ok := modules.ParseRuntime(l.Runtime)
		if !ok {
			return invalid("", "unknown runtime %q (builtin, plugin or wasm)", l.Runtime)
		}
		l.Runtime = string(r)
		if r != modules.RuntimeBuiltin && l.File == "" {
			return invalid("", "runtime %s needs a \"file\"", r)
		}
		if r == modules.RuntimeBuiltin && l.File != "" {
			return invalid("", "a builtin library has no \"file\" (built-ins are compiled into the binary)")
		}
	}
	if l.SHA256 != "" {
		if l.File == "" {
			return invalid("", "\"sha256\" needs a \"file\" to check")
		}
		sum := strings.ToLower(l.SHA256)
		if b, err := hex.DecodeString(sum); err != nil || len(b) != 32 {
			return invalid("", "\"sha256\" must be 64 hexadecimal digits, got %q", l.SHA256)
		}
		l.SHA256 = sum
	}
	for _, kv := range l.Env {
		k, _, ok := strings.Cut(kv, "=")
		if !ok || k == "" || strings.ContainsRune(kv, 0) {
			return invalid("", "\"env\" entries are KEY=value, got %q", kv)
		}
	}
	for _, s := range append(append([]string(nil), l.Args...), l.Grants...) {
		if strings.ContainsRune(s, 0) {
			return invalid("", "\"args\" and \"grants\" may not contain NUL bytes")
		}
	}
	if err := checkLimits(&l.Limits); err != nil {
		return invalid("", "%v", err)
	}
	for i := range l.Modules {
		if err := checkModule(&l.Modules[i]); err != nil {
			return err
		}
	}
	return nil
}

func checkModule(m *Module) *Error {
	if m.Name == "" {
		return invalid("", "module name not provided")
	}
	if m.Kind != "" {
		k, ok := modules.ParseKind(m.Kind)
		if !ok {
			return &Error{Module: m.Name, Err: fmt.Errorf("%w %q (known: %s)", modules.ErrUnknownKind, m.Kind, knownKinds())}
		}
		m.Kind = string(k)
	}
	seen := map[string]bool{}
	for i, p := range m.Parameters {
		switch {
		case p.Key == nil:
			return invalid(m.Name, "parameter #%d has no \"key\"", i+1)
		case p.Value == nil:
			return invalid(m.Name, "parameter %q has no \"value\"", *p.Key)
		case seen[*p.Key]:
			return invalid(m.Name, "parameter %q given twice", *p.Key)
		}
		seen[*p.Key] = true
	}
	if err := checkLimits(&m.Limits); err != nil {
		return invalid(m.Name, "%v", err)
	}
	return nil
}

func checkLimits(l *Limits) error {
	if l.CallTimeout != "" {
		d, err := units.ParseDuration(l.CallTimeout)
		if err != nil {
			return fmt.Errorf("\"call_timeout\": %v", err)
		}
		if d <= 0 {
			return fmt.Errorf("\"call_timeout\" must be positive, got %q", l.CallTimeout)
		}
	}
	if p := l.MemoryLimitPages; p != nil && (*p == 0 || *p > maxMemoryPages) {
		return fmt.Errorf("\"memory_limit_pages\" must be 1 to %d (64 KiB pages), got %d", maxMemoryPages, *p)
	}
	return nil
}

func invalid(module, format string, args ...any) *Error {
	return &Error{Module: module, Err: fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))}
}

func knownKinds() string {
	var names []string
	for _, k := range modules.Kinds() {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}
