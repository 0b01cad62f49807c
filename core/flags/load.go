package flags

import (
	"errors"
	iofs "io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ErrHelp is returned by Load when --help was given: the caller prints
// Usage and exits successfully.
var ErrHelp = errors.New("flags: help requested")

// Kinds of load errors, for errors.Is. Every error Load returns (except
// ErrHelp) is an *Error whose Kind is one of these.
var (
	ErrUnknownFlag        = errors.New("unknown flag")
	ErrDuplicateFlag      = errors.New("duplicate flag")
	ErrMissingValue       = errors.New("missing value")
	ErrInvalidValue       = errors.New("invalid value")
	ErrRequired           = errors.New("required flag not provided")
	ErrUnexpectedArgument = errors.New("unexpected argument")
	ErrAlreadyLoaded      = errors.New("flags already loaded")
)

// Error is a failure to load one flag. Its message follows Mesos's wording
// ("Failed to load unknown flag 'x'") so that operators and their scripts
// recognise it, with where the value came from added for the environment
// and the config directory.
type Error struct {
	Kind   error  // ErrUnknownFlag, ErrInvalidValue, ...
	Flag   string // the flag's name as given (canonical when known)
	Source Source // where the offending value came from
	Origin string // e.g. "environment variable MESOS_PORT"; "" for the command line
	Err    error  // the underlying cause, if any
	msg    string
}

func (e *Error) Error() string {
	s := e.msg
	if e.Origin != "" {
		s += " (from " + e.Origin + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Is makes errors.Is(err, ErrUnknownFlag) and the like work.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the underlying cause (a parse or file error).
func (e *Error) Unwrap() error { return e.Err }

// Sources are the places Load reads flags from, highest precedence first.
type Sources struct {
	// Args is the command line without the program name (os.Args[1:]).
	Args []string
	// Env is the environment as "KEY=value" strings (os.Environ()). Only
	// read if the FlagSet has an environment prefix.
	Env []string
	// ConfigDir, if not empty, is a directory of one file per flag
	// (e.g. /etc/mesos-master). A missing directory is not an error.
	ConfigDir string
	// ConfigFiles are single flag files read below ConfigDir (e.g.
	// /etc/mesos/zk for --zk). A missing file is not an error.
	ConfigFiles []ConfigFile
}

// setting is one attempt to set a flag, before it is resolved.
type setting struct {
	name   string  // as written, lower-cased, possibly "no-" prefixed
	value  *string // nil: no value (--name, --no-name)
	source Source
	origin string // for messages; "" on the command line
}

// Load sets the flags from src: the command line, then the environment
// for flags the command line left alone, then the config directory, then
// checks required flags and runs validators. It returns ErrHelp if --help
// was given (before looking at anything else, so that help works even with
// a broken command line). Load may be called once.
func (fs *FlagSet) Load(src Sources) error {
	if fs.loaded {
		return &Error{Kind: ErrAlreadyLoaded, msg: "Flags are already loaded"}
	}
	fs.loaded = true
	// Warnings are logged even when loading fails: an ignored MESOS_WROK_DIR
	// may be exactly why a required flag is missing.
	defer func() {
		for _, w := range fs.warnings {
			fs.log().Warn(w)
		}
	}()

	cmd, args := splitArgs(src.Args)
	if helpRequested(cmd) {
		return ErrHelp
	}

	// Command line: every setting must name a flag, once.
	setBy := map[*Flag]string{} // flag -> name it was set through, this source
	for _, s := range cmd {
		if err := fs.apply(s, setBy); err != nil {
			return err
		}
	}
	if len(args) > 0 && !fs.allowArgs {
		return unexpectedArgument(args[0])
	}
	fs.args = args

	// Environment: lower precedence, unknown names are only warned about.
	if fs.envPrefix != "" {
		setBy = map[*Flag]string{}
		for _, s := range envSettings(fs.envPrefix, src.Env) {
			if err := fs.applyLower(s, setBy); err != nil {
				return err
			}
		}
	}

	// Config directory: lowest precedence, same rules as the environment.
	if src.ConfigDir != "" {
		settings, err := configDirSettings(src.ConfigDir)
		if err != nil {
			return err
		}
		setBy = map[*Flag]string{}
		for _, s := range settings {
			if s.name == ConfigDirFlag {
				fs.warnings = append(fs.warnings, "Ignoring "+s.origin+": the config directory cannot name another one")
				continue
			}
			if err := fs.applyLower(s, setBy); err != nil {
				return err
			}
		}
	}

	// Shared config files: below the config directory.
	for _, cf := range src.ConfigFiles {
		s, ok, err := configFileSetting(cf)
		if err != nil {
			return err
		}
		if f := fs.names[cf.Flag]; !ok || f == nil || f.source >= SourceConfigDir {
			continue
		}
		if err := fs.apply(s, map[*Flag]string{}); err != nil {
			return err
		}
	}

	// MESOS_HELP=true is odd but legal, as in Mesos.
	if fs.help {
		return ErrHelp
	}

	for _, f := range fs.Flags() {
		if f.required && !f.IsSet() {
			return &Error{Kind: ErrRequired, Flag: f.name,
				msg: "Flag '" + f.name + "' is required, but it was not provided"}
		}
	}
	for _, f := range fs.Flags() {
		for _, check := range f.validators {
			if err := check(); err != nil {
				return &Error{Kind: ErrInvalidValue, Flag: f.name, Source: f.source,
					msg: "Failed to validate flag '" + f.name + "'", Err: err}
			}
		}
	}

	return nil
}

// splitArgs separates flag arguments from other arguments the way stout
// does: each argument is trimmed, "--" ends the flags, and anything not
// starting with "--" is not a flag.
func splitArgs(argv []string) (settings []setting, args []string) {
	for i, raw := range argv {
		arg := strings.TrimSpace(raw)
		if arg == "--" {
			args = append(args, argv[i+1:]...)
			break
		}
		if !strings.HasPrefix(arg, "--") {
			args = append(args, raw)
			continue
		}
		s := setting{source: SourceCommandLine}
		if eq := strings.IndexByte(arg, '='); eq >= 0 {
			v := arg[eq+1:]
			s.name, s.value = arg[2:eq], &v
		} else {
			s.name = arg[2:]
		}
		s.name = strings.ToLower(s.name)
		settings = append(settings, s)
	}
	return settings, args
}

// helpRequested reports whether the command line asks for help (--help,
// --help=true, --help=1 or --help=).
func helpRequested(cmd []setting) bool {
	for _, s := range cmd {
		if s.name == "help" && (s.value == nil || *s.value == "" || *s.value == "true" || *s.value == "1") {
			return true
		}
	}
	return false
}

func unexpectedArgument(arg string) error {
	hint := "flags are written --name=value (Mesos does not accept '--name value')"
	if strings.HasPrefix(strings.TrimSpace(arg), "-") {
		hint = "flags start with two dashes: --name=value"
	}
	return &Error{Kind: ErrUnexpectedArgument, Source: SourceCommandLine,
		msg: "Unexpected argument '" + arg + "'; " + hint}
}

// envSettings turns the environment into settings, in a stable order so
// that errors and warnings do not depend on the order of the environment.
// If a variable appears twice the first one counts, as with getenv.
func envSettings(prefix string, env []string) []setting {
	seen := map[string]bool{}
	var out []setting
	for _, kv := range env {
		eq := strings.IndexByte(kv, '=')
		if eq <= 0 {
			continue
		}
		key, value := kv[:eq], kv[eq+1:]
		if !strings.HasPrefix(key, prefix) || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, setting{
			name:   strings.ToLower(key[len(prefix):]),
			value:  &value,
			source: SourceEnvironment,
			origin: "environment variable " + key,
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].origin < out[j].origin })
	return out
}

// configDirSettings reads a config directory: a file <name> holds the
// value of flag <name>; a file ?<name> (or ?no-<name>) sets a boolean flag
// without a value, as the Mesosphere packaging's mesos-init-wrapper does.
// Dot-files (editor leftovers) and directories are skipped.
func configDirSettings(dir string) ([]setting, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, iofs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &Error{Kind: ErrInvalidValue, Source: SourceConfigDir,
			msg: "Failed to read config directory '" + dir + "'", Err: unwrapPath(err)}
	}
	var out []setting
	for _, e := range entries { // ReadDir sorts by name
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		path := filepath.Join(dir, name)
		info, err := os.Stat(path) // follows symlinks
		if err != nil {
			return nil, &Error{Kind: ErrInvalidValue, Source: SourceConfigDir,
				msg: "Failed to read config file '" + path + "'", Err: unwrapPath(err)}
		}
		if info.IsDir() {
			continue
		}
		s := setting{source: SourceConfigDir, origin: "config file " + path}
		if strings.HasPrefix(name, "?") {
			s.name = strings.ToLower(name[1:])
		} else {
			data, err := os.ReadFile(path)
			if err != nil {
				return nil, &Error{Kind: ErrInvalidValue, Source: SourceConfigDir,
					msg: "Failed to read config file '" + path + "'", Err: unwrapPath(err)}
			}
			v := strings.TrimSpace(string(data))
			s.name, s.value = strings.ToLower(name), &v
		}
		out = append(out, s)
	}
	return out, nil
}

// configFileSetting reads one shared config file; ok is false when it
// does not exist.
func configFileSetting(cf ConfigFile) (setting, bool, error) {
	data, err := os.ReadFile(cf.Path)
	if errors.Is(err, iofs.ErrNotExist) {
		return setting{}, false, nil
	}
	if err != nil {
		return setting{}, false, &Error{Kind: ErrInvalidValue, Flag: cf.Flag, Source: SourceConfigDir,
			msg: "Failed to read config file '" + cf.Path + "'", Err: unwrapPath(err)}
	}
	v := strings.TrimSpace(string(data))
	return setting{name: cf.Flag, value: &v, source: SourceConfigDir, origin: "config file " + cf.Path}, true, nil
}

// resolve finds the flag a setting names, through aliases and "no-".
func (fs *FlagSet) resolve(s setting) (f *Flag, flagName string, negated bool) {
	flagName = s.name
	if strings.HasPrefix(flagName, "no-") {
		negated = true
		flagName = flagName[3:]
	}
	return fs.names[flagName], flagName, negated
}

// applyLower applies a setting from the environment or config directory:
// names that are not flags are warned about and skipped, and flags already
// set by a higher-precedence source keep their value.
func (fs *FlagSet) applyLower(s setting, setBy map[*Flag]string) error {
	f, flagName, _ := fs.resolve(s)
	if f == nil {
		fs.warnings = append(fs.warnings,
			"Ignoring "+s.origin+": '"+flagName+"' is not a flag of "+fs.program)
		return nil
	}
	if f.source > s.source {
		return nil
	}
	return fs.apply(s, setBy)
}

// apply sets one flag from one setting, following stout's rules for
// booleans, "no-" and missing values, then reads any file reference.
func (fs *FlagSet) apply(s setting, setBy map[*Flag]string) error {
	f, flagName, negated := fs.resolve(s)
	if f == nil {
		msg := "Failed to load unknown flag '" + flagName + "'"
		if negated {
			msg += " via '" + s.name + "'"
		}
		return &Error{Kind: ErrUnknownFlag, Flag: flagName, Source: s.source, Origin: s.origin, msg: msg}
	}

	if prev, dup := setBy[f]; dup {
		msg := "Flag '" + f.name + "' is already loaded via name '" + prev + "'"
		if prev == s.name && s.source == SourceCommandLine {
			msg = "Duplicate flag '" + s.name + "' on command line"
		}
		return &Error{Kind: ErrDuplicateFlag, Flag: f.name, Source: s.source, Origin: s.origin, msg: msg}
	}

	var value string
	if f.IsBool() {
		switch {
		case s.value == nil || *s.value == "":
			value = "true"
			if negated {
				value = "false"
			}
		case negated:
			return &Error{Kind: ErrInvalidValue, Flag: f.name, Source: s.source, Origin: s.origin,
				msg: "Failed to load boolean flag '" + flagName + "' via '" + s.name +
					"' with value '" + f.redact(*s.value) + "'"}
		default:
			value = *s.value
		}
	} else {
		if negated {
			return &Error{Kind: ErrInvalidValue, Flag: f.name, Source: s.source, Origin: s.origin,
				msg: "Failed to load non-boolean flag '" + flagName + "' via '" + s.name + "'"}
		}
		if s.value == nil {
			msg := "Failed to load non-boolean flag '" + flagName + "': Missing value"
			if s.source == SourceCommandLine {
				msg += "; write --" + flagName + "=VALUE (Mesos does not accept '--" + flagName + " VALUE')"
			}
			return &Error{Kind: ErrMissingValue, Flag: f.name, Source: s.source, Origin: s.origin, msg: msg}
		}
		value = *s.value
	}

	fetched, err := f.fetch(value)
	if err != nil {
		return &Error{Kind: ErrInvalidValue, Flag: f.name, Source: s.source, Origin: s.origin,
			msg: "Failed to load flag '" + flagName + "'", Err: err}
	}
	if err := f.value.Set(fetched); err != nil {
		return &Error{Kind: ErrInvalidValue, Flag: f.name, Source: s.source, Origin: s.origin,
			msg: "Failed to load flag '" + flagName + "': Failed to load value '" + f.redact(value) + "'",
			Err: err}
	}

	setBy[f] = s.name
	f.source, f.loadedAs, f.raw = s.source, flagName, value
	for _, a := range f.aliases {
		if a.name == flagName && a.deprecated {
			fs.warnings = append(fs.warnings, "Loaded deprecated flag '"+flagName+"'")
		}
	}
	return nil
}

// fetch returns the value a flag should be set to: the contents of the
// file for file://path (and, for structured flags, /path, or a relative
// path to an existing file when the value does not begin like JSON), the
// value itself otherwise. Path flags are never read.
func (f *Flag) fetch(v string) (string, error) {
	const scheme = "file://"
	if f.path {
		return strings.TrimPrefix(v, scheme), nil
	}
	var path string
	switch {
	case strings.HasPrefix(v, scheme):
		path = v[len(scheme):]
	case f.structured && strings.HasPrefix(v, "/"):
		path = v
	case f.structured && !looksLikeJSON(v):
		// --modules=modules.json: a relative path, read when it names a
		// file; otherwise the value goes on to the JSON parser, whose
		// error says what is wrong with it.
		data, err := f.fs.readFile(v)
		if err != nil {
			return v, nil
		}
		return strings.TrimRight(string(data), "\r\n"), nil
	default:
		return v, nil
	}
	data, err := f.fs.readFile(path)
	if err != nil {
		return "", &readError{path: path, err: unwrapPath(err)}
	}
	// Files almost always end in a newline that is not part of the value
	// (echo zk://... > /etc/mesos/zk).
	return strings.TrimRight(string(data), "\r\n"), nil
}

// looksLikeJSON reports whether v begins as a JSON object, array, string,
// number or literal would.
func looksLikeJSON(v string) bool {
	v = strings.TrimSpace(v)
	if v == "" {
		return true
	}
	switch c := v[0]; {
	case c == '{' || c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9'):
		return true
	}
	return v == "true" || v == "false" || v == "null"
}

type readError struct {
	path string
	err  error
}

func (e *readError) Error() string { return "Error reading file '" + e.path + "': " + e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// isFileRef reports whether v, given to f, refers to a file rather than
// being the value itself.
func (f *Flag) isFileRef(v string) bool {
	return strings.HasPrefix(v, "file://") || (f.structured && strings.HasPrefix(v, "/"))
}

// redact hides a sensitive flag's inline value in messages.
func (f *Flag) redact(v string) string {
	if f.sensitive && !f.isFileRef(v) {
		return redacted
	}
	return v
}

const redacted = "********"

// unwrapPath drops the *iofs.PathError wrapper, whose text would repeat the
// path our own message already names.
func unwrapPath(err error) error {
	var pe *iofs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
