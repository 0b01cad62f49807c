package flags

import (
	"errors"
	iofs "io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomesos/mesos/core/units"
)

// fakeFiles keeps the fuzzer off the real file system (a value such as
// file:///dev/zero would otherwise never return).
var fakeFiles = map[string]string{
	"/f/zk":      "zk://h1:2181/mesos\n",
	"/f/port":    "5051\n",
	"/f/modules": `{"libraries":[]}`,
	"/f/res":     "cpus:1;mem:32",
	"f/rel":      "relative",
}

func fuzzSet(t testing.TB) *FlagSet {
	fs, _, _ := newTestSet(t)
	fs.readFile = func(path string) ([]byte, error) {
		if v, ok := fakeFiles[path]; ok {
			return []byte(v), nil
		}
		return nil, &fsPathError{path}
	}
	return fs
}

type fsPathError struct{ path string }

func (e *fsPathError) Error() string { return "open " + e.path + ": no such file" }
func (e *fsPathError) Unwrap() error { return iofs.ErrNotExist }

// FuzzLoad feeds arbitrary command lines and environments to Load. It must
// never panic, every failure must be an *Error of a known kind, and a
// successful load must survive a round trip: writing the effective values
// back as --name=value and loading them again gives the same values.
func FuzzLoad(f *testing.F) {
	seeds := [][2]string{
		{"--port=5051\n--quiet", "MESOS_ZK=zk://h:2181/mesos"},
		{"--no-strict\n--gc_delay=1.5hrs\n--fetcher_cache_size=512mb", ""},
		{"--modules={\"libraries\":[]}\n--resources=/f/res", "MESOS_PORT=file:///f/port"},
		{"--zk=file:///f/zk\n--whitelist=file:///x", "MESOS_QUIET="},
		{"--port\n5051", ""},
		{"--help", ""},
		{"--max_slave_ping_timeouts=3\n--max_agent_ping_timeouts=4", ""},
		{"--credentials=s\n--offer_timeout=0ns", "MESOS_NO-QUIET=\nMESOS_SANDBOX=/x"},
		{"--gc_disk_headroom=1e-3\n--count=0\n--quorum=-2", ""},
		{"--zk=file://f/rel\n--", "MESOS_WORK_DIR=/var/lib/mesos"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, argsText, envText string) {
		var args, env []string
		if argsText != "" {
			args = strings.Split(argsText, "\n")
		}
		if envText != "" {
			env = strings.Split(envText, "\n")
		}
		fs := fuzzSet(t)
		err := fs.Load(Sources{Args: args, Env: env})
		if errors.Is(err, ErrHelp) {
			return
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not an *Error", err, err)
			}
			known := false
			for _, k := range []error{ErrUnknownFlag, ErrDuplicateFlag, ErrMissingValue, ErrInvalidValue,
				ErrRequired, ErrUnexpectedArgument} {
				known = known || errors.Is(err, k)
			}
			if !known {
				t.Fatalf("error %v has unknown kind %v", err, e.Kind)
			}
			return
		}

		first := fs.Values()
		var again []string
		for _, fl := range fs.Flags() {
			v, ok := first[fl.Name()]
			if !ok || !fl.IsSet() || !roundTrippable(fl, v) {
				continue
			}
			again = append(again, "--"+fl.Name()+"="+v)
		}
		fs2 := fuzzSet(t)
		if err := fs2.Load(Sources{Args: again}); err != nil {
			t.Fatalf("reloading %q (from %q, %q): %v", again, args, env, err)
		}
		second := fs2.Values()
		for _, a := range again {
			name := a[2:strings.IndexByte(a, '=')]
			if !sameValue(fs.Lookup(name), first[name], second[name]) {
				t.Fatalf("flag %s: %q then %q (args %q, env %q)", name, first[name], second[name], args, env)
			}
		}
	})
}

// roundTrippable leaves out values that would not come back unchanged for
// reasons that are the grammar, not a bug: a value that itself looks like
// a file reference would be read again, surrounding white space is trimmed
// from command-line arguments, and a sensitive flag shows a placeholder.
func roundTrippable(f *Flag, v string) bool {
	if f.sensitive || f.isFileRef(v) || strings.TrimSpace(v) != v {
		return false
	}
	return true
}

// sameValue compares two printed values; durations may differ in the last
// of the 15 significant digits stout prints (see units.Duration.String).
func sameValue(f *Flag, a, b string) bool {
	if a == b {
		return true
	}
	if _, ok := f.value.(durationValue); ok {
		da, errA := units.ParseDuration(a)
		db, errB := units.ParseDuration(b)
		if errA != nil || errB != nil {
			return false
		}
		diff := float64(da - db)
		if diff < 0 {
			diff = -diff
		}
		return diff <= float64(da)*1e-14+1
	}
	return false
}

// FuzzConfigDir writes an arbitrary file into a config directory and
// loads it: Load must not panic, and must either fail with an *Error of a
// known kind or load a value that reads back the same from the command
// line.
func FuzzConfigDir(f *testing.F) {
	for _, s := range [][2]string{
		{"port", "5051\n"}, {"?quiet", ""}, {"?no-strict", ""}, {"gc_delay", "3days"},
		{"?port", ""}, {"zk", "file:///nonexistent"}, {"config_dir", "/x"}, {"modules", "{"},
		{"max_slave_ping_timeouts", " 4 "}, {"bogus", "x"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, content string) {
		if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
			return
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			return // a name the file system refuses
		}
		fs, _, _ := newTestSet(t)
		fs.AddConfigDir(Layout{})
		err := fs.Load(fs.Sources([]string{"--config_dir=" + dir}, nil, Layout{}))
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) || fe.Kind == nil {
				t.Fatalf("error %v (%T) is not a *flags.Error", err, err)
			}
			return
		}
		values := fs.Values()
		for _, fl := range fs.Flags() {
			v, ok := values[fl.Name()]
			if fl.Source() != SourceConfigDir || !ok || !roundTrippable(fl, v) {
				continue
			}
			again, _, _ := newTestSet(t)
			arg := "--" + fl.Name() + "=" + v
			if err := again.Load(Sources{Args: []string{arg}}); err != nil {
				t.Fatalf("%s loaded from file %q (%q) does not load back as %s: %v", fl.Name(), name, content, arg, err)
			}
			if w := again.Values()[fl.Name()]; !sameValue(fl, v, w) {
				t.Fatalf("%s: %q from file %q, %q from the command line", fl.Name(), v, name, w)
			}
		}
	})
}
