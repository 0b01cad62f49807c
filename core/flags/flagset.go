package flags

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strconv"

	"github.com/gomesos/mesos/core/units"
)

// Source says where a flag's value came from.
type Source int

// The sources, from the lowest precedence to the highest.
const (
	SourceDefault     Source = iota // the flag's default, or unset
	SourceConfigDir                 // a file in the config directory
	SourceEnvironment               // a MESOS_<NAME> environment variable
	SourceCommandLine               // --name=value
)

func (s Source) String() string {
	switch s {
	case SourceDefault:
		return "default"
	case SourceConfigDir:
		return "config directory"
	case SourceEnvironment:
		return "environment"
	case SourceCommandLine:
		return "command line"
	}
	return "Source(" + strconv.Itoa(int(s)) + ")"
}

// Flag is one declared flag. The registration methods of FlagSet return it
// so that the declaration can go on with Alias, Structured, Required and
// the like, all in one statement per flag.
type Flag struct {
	fs *FlagSet

	name  string
	help  string
	value Value
	def   *string // the default as --help shows it; nil: no default (Option<T>)

	aliases    []alias
	structured bool // a value starting with '/' is a path to read
	path       bool // never read a file: the value is a file name
	required   bool
	sensitive  bool
	validators []func() error

	// Filled in by Load.
	source   Source
	loadedAs string // the name (or alias) it was loaded through
	raw      string // the value as the operator wrote it, before reading files
}

type alias struct {
	name       string
	deprecated bool
}

// Name returns the flag's canonical name.
func (f *Flag) Name() string { return f.name }

// Help returns the flag's help text, without the default.
func (f *Flag) Help() string { return f.help }

// Value returns the flag's value.
func (f *Flag) Value() Value { return f.value }

// IsBool reports whether the flag is a boolean (takes --name, --no-name).
func (f *Flag) IsBool() bool {
	b, ok := f.value.(boolFlag)
	return ok && b.IsBoolFlag()
}

// Default returns the default as --help shows it, and whether there is one.
func (f *Flag) Default() (string, bool) {
	if f.def == nil {
		return "", false
	}
	return *f.def, true
}

// IsSet reports whether Load set the flag from any source (not counting
// its default). This is how code tells an optional flag that was not
// given from one given an empty or zero value.
func (f *Flag) IsSet() bool { return f.source != SourceDefault }

// Source reports where the flag's value came from.
func (f *Flag) Source() Source { return f.source }

// LoadedAs returns the name the flag was set through (an alias, if the
// operator used one), or "" if it was not set.
func (f *Flag) LoadedAs() string { return f.loadedAs }

// Aliases returns the other names of the flag, in declaration order.
func (f *Flag) Aliases() []string {
	out := make([]string, len(f.aliases))
	for i, a := range f.aliases {
		out[i] = a.name
	}
	return out
}

// Alias adds another name for the flag (Mesos keeps old names working
// this way, e.g. --slave_ping_timeout for --agent_ping_timeout).
func (f *Flag) Alias(name string) *Flag {
	f.fs.addName(name, f)
	f.aliases = append(f.aliases, alias{name: name})
	return f
}

// DeprecatedAlias adds an old name for the flag; loading the flag through
// it still works but leaves the warning "Loaded deprecated flag 'x'", as
// Mesos does.
func (f *Flag) DeprecatedAlias(name string) *Flag {
	f.fs.addName(name, f)
	f.aliases = append(f.aliases, alias{name: name, deprecated: true})
	return f
}

// Structured marks a flag whose value is a document (JSON, resources,
// modules, ACLs, credentials): besides file://path, a value starting with
// '/' is also read from that path.
func (f *Flag) Structured() *Flag {
	if f.path {
		panic("flags: flag '" + f.name + "' cannot be both a Path and Structured")
	}
	f.structured = true
	return f
}

// Required makes Load fail when no source sets the flag ("Flag 'x' is
// required, but it was not provided"). Daemons whose --version must work
// without the flag should check it themselves after handling --version.
func (f *Flag) Required() *Flag {
	f.required = true
	return f
}

// Sensitive keeps the flag's contents out of Values (and so out of the
// /flags endpoint and start-up logs): a value read from a file shows as
// the file reference the operator wrote, anything else as "********".
func (f *Flag) Sensitive() *Flag {
	f.sensitive = true
	return f
}

// Validate adds a check run after every source is loaded (so it sees the
// final value), in flag-name order; its error is reported naming the flag.
func (f *Flag) Validate(check func() error) *Flag {
	f.validators = append(f.validators, check)
	return f
}

// FlagSet is the set of flags of one binary. Build it with NewFlagSet,
// declare the flags, then call Load once.
type FlagSet struct {
	program   string
	usageText string
	envPrefix string
	allowArgs bool
	logger    *slog.Logger
	// readFile reads file:// and structured /path values; tests replace it
	// to keep fuzzing away from the real file system.
	readFile func(string) ([]byte, error)

	flags map[string]*Flag // canonical name -> flag
	names map[string]*Flag // canonical names and aliases -> flag

	help bool

	loaded   bool
	args     []string
	warnings []string
}

// NewFlagSet returns a FlagSet for the named program (used in the usage
// line). It has one flag already, --help, as every Mesos binary does.
func NewFlagSet(program string) *FlagSet {
	fs := &FlagSet{
		program:  program,
		flags:    map[string]*Flag{},
		names:    map[string]*Flag{},
		readFile: os.ReadFile,
	}
	fs.Bool(&fs.help, "help", "Prints this help message", false)
	return fs
}

// Program returns the program name given to NewFlagSet.
func (fs *FlagSet) Program() string { return fs.program }

// SetEnvPrefix makes Load read flags from environment variables with this
// prefix ("MESOS_" for the daemons). Empty (the default) reads none, like
// mesos-execute, which takes flags from the command line only.
func (fs *FlagSet) SetEnvPrefix(prefix string) { fs.envPrefix = prefix }

// EnvPrefix returns the environment prefix ("" if none).
func (fs *FlagSet) EnvPrefix() string { return fs.envPrefix }

// SetUsage replaces the first paragraph of Usage (default "Usage: <program>
// [options]").
func (fs *FlagSet) SetUsage(text string) { fs.usageText = text }

// AllowArgs lets Load accept arguments that are not flags (available from
// Args). By default they are rejected, because in Mesos's grammar a stray
// word is almost always the value of a "--name value" that was meant as
// "--name=value".
func (fs *FlagSet) AllowArgs(allow bool) { fs.allowArgs = allow }

// SetLogger sets where Load logs its warnings (default slog.Default()).
func (fs *FlagSet) SetLogger(l *slog.Logger) { fs.logger = l }

func (fs *FlagSet) log() *slog.Logger {
	if fs.logger != nil {
		return fs.logger
	}
	return slog.Default()
}

// Lookup returns the flag with this name or alias, or nil.
func (fs *FlagSet) Lookup(name string) *Flag { return fs.names[name] }

// Flags returns every flag, sorted by name.
func (fs *FlagSet) Flags() []*Flag {
	out := make([]*Flag, 0, len(fs.flags))
	for _, f := range fs.flags {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// Args returns the arguments that were not flags (only with AllowArgs),
// including everything after "--".
func (fs *FlagSet) Args() []string { return fs.args }

// Warnings returns the warnings of Load (also logged): unknown environment
// variables and config files, deprecated names.
func (fs *FlagSet) Warnings() []string { return fs.warnings }

// String declares a string flag. With a default the flag starts with it;
// without, it is optional and IsSet tells whether it was given.
func (fs *FlagSet) String(p *string, name, help string, def ...string) *Flag {
	*p = ""
	if d, ok := oneDefault(name, def); ok {
		*p = d
	}
	return fs.declare(stringValue{p}, name, help, len(def) == 1)
}

// Path declares a string flag that names a file the daemon reads itself
// later (stout's Path type): its value is never replaced by file contents,
// and a file:// prefix is stripped so the value is always a plain path.
func (fs *FlagSet) Path(p *string, name, help string, def ...string) *Flag {
	f := fs.String(p, name, help, def...)
	f.path = true
	return f
}

// Bool declares a boolean flag: --name, --no-name, --name=true|false|1|0.
func (fs *FlagSet) Bool(p *bool, name, help string, def ...bool) *Flag {
	*p = false
	if d, ok := oneDefault(name, def); ok {
		*p = d
	}
	return fs.declare(boolValue{p}, name, help, len(def) == 1)
}

// Int declares a decimal integer flag.
func (fs *FlagSet) Int(p *int, name, help string, def ...int) *Flag {
	*p = 0
	if d, ok := oneDefault(name, def); ok {
		*p = d
	}
	return fs.declare(intValue{p}, name, help, len(def) == 1)
}

// Uint declares a non-negative decimal integer flag.
func (fs *FlagSet) Uint(p *uint, name, help string, def ...uint) *Flag {
	*p = 0
	if d, ok := oneDefault(name, def); ok {
		*p = d
	}
	return fs.declare(uintValue{p}, name, help, len(def) == 1)
}

// Uint64 declares a non-negative decimal 64-bit integer flag.
func (fs *FlagSet) Uint64(p *uint64, name, help string, def ...uint64) *Flag {
	*p = 0
	if d, ok := oneDefault(name, def); ok {
		*p = d
	}
	return fs.declare(uint64Value{p}, name, help, len(def) == 1)
}

// Float64 declares a finite floating-point flag.
func (fs *FlagSet) Float64(p *float64, name, help string, def ...float64) *Flag {
	*p = 0
	if d, ok := oneDefault(name, def); ok {
		*p = d
	}
	return fs.declare(float64Value{p}, name, help, len(def) == 1)
}

// Duration declares a flag in Mesos's duration format ("5secs", "15mins").
func (fs *FlagSet) Duration(p *units.Duration, name, help string, def ...units.Duration) *Flag {
	*p = 0
	if d, ok := oneDefault(name, def); ok {
		*p = d
	}
	return fs.declare(durationValue{p}, name, help, len(def) == 1)
}

// Bytes declares a flag in Mesos's byte-size format ("512MB", "2GB").
func (fs *FlagSet) Bytes(p *units.Bytes, name, help string, def ...units.Bytes) *Flag {
	*p = 0
	if d, ok := oneDefault(name, def); ok {
		*p = d
	}
	return fs.declare(bytesValue{p}, name, help, len(def) == 1)
}

// JSON declares a structured flag holding one JSON document, inline, in a
// file:// path or in a /path (see Structured). The document is checked to
// be valid JSON; decoding it is up to the owner.
func (fs *FlagSet) JSON(p *json.RawMessage, name, help string) *Flag {
	*p = nil
	return fs.declare(jsonValue{p}, name, help, false).Structured()
}

// Var declares a flag of any type. If a default is given (in the flag's
// own grammar) it is Set on v now; otherwise v is left as it is and the
// flag has no default.
func (fs *FlagSet) Var(v Value, name, help string, def ...string) *Flag {
	if d, ok := oneDefault(name, def); ok {
		if err := v.Set(d); err != nil {
			panic(fmt.Sprintf("flags: bad default %q for flag '%s': %v", d, name, err))
		}
	}
	return fs.declare(v, name, help, len(def) == 1)
}

// declare registers a flag. Mistakes here are programming errors in the
// binary's flag table (a duplicate name, a reserved "no-" prefix), found
// the first time the binary runs at all, so they panic rather than burden
// every caller with an error nobody can handle.
func (fs *FlagSet) declare(v Value, name, help string, hasDefault bool) *Flag {
	f := &Flag{fs: fs, name: name, help: help, value: v}
	if hasDefault {
		d := v.String()
		f.def = &d
	}
	fs.addName(name, f)
	fs.flags[name] = f
	return f
}

func (fs *FlagSet) addName(name string, f *Flag) {
	if fs.loaded {
		panic("flags: flag '" + name + "' declared after Load")
	}
	if err := checkName(name); err != nil {
		panic("flags: " + err.Error())
	}
	if _, dup := fs.names[name]; dup {
		panic("flags: attempted to add duplicate flag '" + name + "'")
	}
	fs.names[name] = f
}

// checkName accepts the names Mesos uses: lower-case letters, digits, '_'
// and '-', and not starting with the reserved "no-" prefix. Upper case is
// refused because command-line names are lower-cased before lookup.
func checkName(name string) error {
	if name == "" {
		return fmt.Errorf("empty flag name")
	}
	if len(name) >= 3 && name[:3] == "no-" {
		return fmt.Errorf("attempted to add flag '%s' that starts with the reserved 'no-' prefix", name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return fmt.Errorf("invalid flag name '%s': use lower-case letters, digits, '_' and '-'", name)
		}
	}
	return nil
}

func oneDefault[T any](name string, def []T) (T, bool) {
	var zero T
	switch len(def) {
	case 0:
		return zero, false
	case 1:
		return def[0], true
	}
	panic("flags: more than one default for flag '" + name + "'")
}
