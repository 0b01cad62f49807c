package flags

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gomesos/mesos/core/units"
)

// testFlags is a small flag table using every kind of flag, in the shape
// the binaries use.
type testFlags struct {
	Port        int
	WorkDir     string
	Quiet       bool
	Strict      bool
	Zk          string
	Quorum      int
	GCDelay     units.Duration
	CacheSize   units.Bytes
	Headroom    float64
	MaxPings    uint
	Count       uint64
	Modules     json.RawMessage
	Resources   string
	Whitelist   string
	Credentials string
	Timeout     units.Duration
}

func newTestSet(t testing.TB) (*FlagSet, *testFlags, *bytes.Buffer) {
	t.Helper()
	var f testFlags
	fs := NewFlagSet("mesos-test")
	fs.SetEnvPrefix("MESOS_")
	var logs bytes.Buffer
	fs.SetLogger(slog.New(slog.NewTextHandler(&logs, nil)))
	fs.Int(&f.Port, "port", "Port to listen on.", 5050)
	fs.String(&f.WorkDir, "work_dir", "Where to keep state.")
	fs.Bool(&f.Quiet, "quiet", "Disable logging to stderr.", false)
	fs.Bool(&f.Strict, "strict", "Fail on recovery errors.", true)
	fs.String(&f.Zk, "zk", "ZooKeeper URL.")
	fs.Int(&f.Quorum, "quorum", "Replicated log quorum.")
	fs.Duration(&f.GCDelay, "gc_delay", "GC delay.", units.Week)
	fs.Bytes(&f.CacheSize, "fetcher_cache_size", "Cache size.", 2*units.Gigabyte)
	fs.Float64(&f.Headroom, "gc_disk_headroom", "Headroom.", 0.1)
	fs.Uint(&f.MaxPings, "max_agent_ping_timeouts", "Max pings.", 5).DeprecatedAlias("max_slave_ping_timeouts")
	fs.Uint64(&f.Count, "count", "A count.")
	fs.JSON(&f.Modules, "modules", "Modules manifest.")
	fs.String(&f.Resources, "resources", "Resources.").Structured()
	fs.Path(&f.Whitelist, "whitelist", "Whitelist file.")
	fs.String(&f.Credentials, "credentials", "Credentials.").Structured().Sensitive()
	fs.Duration(&f.Timeout, "offer_timeout", "Offer timeout.")
	return fs, &f, &logs
}

func TestDefaults(t *testing.T) {
	fs, f, _ := newTestSet(t)
	if err := fs.Load(Sources{}); err != nil {
		t.Fatal(err)
	}
	want := testFlags{Port: 5050, Strict: true, GCDelay: units.Week, CacheSize: 2 * units.Gigabyte,
		Headroom: 0.1, MaxPings: 5}
	if !reflect.DeepEqual(*f, want) {
		t.Errorf("defaults = %+v, want %+v", *f, want)
	}
	for _, fl := range fs.Flags() {
		if fl.IsSet() || fl.Source() != SourceDefault {
			t.Errorf("flag %s reports set by %v", fl.Name(), fl.Source())
		}
	}
}

func TestCommandLine(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		check   func(*testFlags) bool
		wantErr string // substring; "" for success
		kind    error
	}{
		{name: "int", args: []string{"--port=5051"}, check: func(f *testFlags) bool { return f.Port == 5051 }},
		{name: "upper-case name", args: []string{"--PORT=5051"}, check: func(f *testFlags) bool { return f.Port == 5051 }},
		{name: "trimmed argument", args: []string{"  --port=5051\t"}, check: func(f *testFlags) bool { return f.Port == 5051 }},
		{name: "value with =", args: []string{"--zk=zk://u:p=w@h:2181/mesos"},
			check: func(f *testFlags) bool { return f.Zk == "zk://u:p=w@h:2181/mesos" }},
		{name: "empty string value", args: []string{"--work_dir="}, check: func(f *testFlags) bool { return f.WorkDir == "" }},
		{name: "bool bare", args: []string{"--quiet"}, check: func(f *testFlags) bool { return f.Quiet }},
		{name: "bool no-", args: []string{"--no-strict"}, check: func(f *testFlags) bool { return !f.Strict }},
		{name: "bool =true", args: []string{"--quiet=true"}, check: func(f *testFlags) bool { return f.Quiet }},
		{name: "bool =1", args: []string{"--quiet=1"}, check: func(f *testFlags) bool { return f.Quiet }},
		{name: "bool =false", args: []string{"--strict=false"}, check: func(f *testFlags) bool { return !f.Strict }},
		{name: "bool =0", args: []string{"--strict=0"}, check: func(f *testFlags) bool { return !f.Strict }},
		{name: "bool empty is true", args: []string{"--quiet="}, check: func(f *testFlags) bool { return f.Quiet }},
		{name: "no- with empty value", args: []string{"--no-strict="}, check: func(f *testFlags) bool { return !f.Strict }},
		{name: "duration", args: []string{"--gc_delay=2days"}, check: func(f *testFlags) bool { return f.GCDelay == 2*units.Day }},
		{name: "decimal duration", args: []string{"--offer_timeout=1.5secs"},
			check: func(f *testFlags) bool { return f.Timeout == 1500*units.Millisecond }},
		{name: "bytes", args: []string{"--fetcher_cache_size=512MB"},
			check: func(f *testFlags) bool { return f.CacheSize == 512*units.Megabyte }},
		{name: "float", args: []string{"--gc_disk_headroom=0.25"}, check: func(f *testFlags) bool { return f.Headroom == 0.25 }},
		{name: "uint64", args: []string{"--count=18446744073709551615"},
			check: func(f *testFlags) bool { return f.Count == 18446744073709551615 }},
		{name: "json", args: []string{`--modules={"libraries": []}`},
			check: func(f *testFlags) bool { return string(f.Modules) == `{"libraries": []}` }},
		{name: "deprecated alias", args: []string{"--max_slave_ping_timeouts=3"}, check: func(f *testFlags) bool { return f.MaxPings == 3 }},
		{name: "structured inline", args: []string{"--resources=cpus:4;mem:4096"},
			check: func(f *testFlags) bool { return f.Resources == "cpus:4;mem:4096" }},
		{name: "plain path not read", args: []string{"--work_dir=/var/lib/mesos"},
			check: func(f *testFlags) bool { return f.WorkDir == "/var/lib/mesos" }},
		{name: "path flag strips file://", args: []string{"--whitelist=file:///nonexistent/whitelist"},
			check: func(f *testFlags) bool { return f.Whitelist == "/nonexistent/whitelist" }},

		{name: "unknown", args: []string{"--bogus=1"}, wantErr: "Failed to load unknown flag 'bogus'", kind: ErrUnknownFlag},
		{name: "unknown negated", args: []string{"--no-bogus"}, wantErr: "Failed to load unknown flag 'bogus' via 'no-bogus'", kind: ErrUnknownFlag},
		{name: "empty name", args: []string{"--=1"}, wantErr: "Failed to load unknown flag ''", kind: ErrUnknownFlag},
		{name: "duplicate", args: []string{"--port=1", "--port=2"}, wantErr: "Duplicate flag 'port' on command line", kind: ErrDuplicateFlag},
		{name: "duplicate same value", args: []string{"--port=1", "--port=1"}, wantErr: "Duplicate flag 'port'", kind: ErrDuplicateFlag},
		{name: "duplicate via case", args: []string{"--port=1", "--Port=1"}, wantErr: "Duplicate flag 'port'", kind: ErrDuplicateFlag},
		{name: "duplicate bool and no-", args: []string{"--quiet", "--no-quiet"},
			wantErr: "Flag 'quiet' is already loaded via name 'quiet'", kind: ErrDuplicateFlag},
		{name: "duplicate via alias", args: []string{"--max_agent_ping_timeouts=3", "--max_slave_ping_timeouts=4"},
			wantErr: "Flag 'max_agent_ping_timeouts' is already loaded via name 'max_agent_ping_timeouts'", kind: ErrDuplicateFlag},
		{name: "bad int", args: []string{"--port=abc"},
			wantErr: "Failed to load flag 'port': Failed to load value 'abc': Failed to convert 'abc' to number", kind: ErrInvalidValue},
		{name: "int overflow", args: []string{"--port=99999999999999999999"}, wantErr: "out of range", kind: ErrInvalidValue},
		{name: "negative uint", args: []string{"--max_agent_ping_timeouts=-1"},
			wantErr: "Failed to load value '-1'", kind: ErrInvalidValue},
		{name: "bad bool", args: []string{"--quiet=yes"},
			wantErr: "Failed to load flag 'quiet': Failed to load value 'yes': Expecting a boolean", kind: ErrInvalidValue},
		{name: "Go-style bool refused", args: []string{"--quiet=TRUE"}, wantErr: "Failed to load value 'TRUE'", kind: ErrInvalidValue},
		{name: "no- with value", args: []string{"--no-quiet=true"},
			wantErr: "Failed to load boolean flag 'quiet' via 'no-quiet' with value 'true'", kind: ErrInvalidValue},
		{name: "no- on non-bool", args: []string{"--no-port"},
			wantErr: "Failed to load non-boolean flag 'port' via 'no-port'", kind: ErrInvalidValue},
		{name: "missing value", args: []string{"--port"},
			wantErr: "Failed to load non-boolean flag 'port': Missing value; write --port=VALUE", kind: ErrMissingValue},
		{name: "space-separated value", args: []string{"--port", "5051"},
			wantErr: "Mesos does not accept '--port VALUE'", kind: ErrMissingValue},
		{name: "space-separated bool value", args: []string{"--quiet", "true"},
			wantErr: "Unexpected argument 'true'", kind: ErrUnexpectedArgument},
		{name: "stray argument", args: []string{"5051"},
			wantErr: "Unexpected argument '5051'; flags are written --name=value", kind: ErrUnexpectedArgument},
		{name: "single dash", args: []string{"-port=5051"},
			wantErr: "flags start with two dashes", kind: ErrUnexpectedArgument},
		{name: "after --", args: []string{"--port=1", "--", "--quiet"},
			wantErr: "Unexpected argument '--quiet'", kind: ErrUnexpectedArgument},
		{name: "bad duration", args: []string{"--gc_delay=2d"},
			wantErr: "Failed to load flag 'gc_delay': Failed to load value '2d': Unknown duration unit 'd'", kind: ErrInvalidValue},
		{name: "Go-style duration refused", args: []string{"--gc_delay=5s"}, wantErr: "Unknown duration unit 's'", kind: ErrInvalidValue},
		{name: "bad bytes", args: []string{"--fetcher_cache_size=1.5GB"}, wantErr: "Fractional bytes '1.5GB'", kind: ErrInvalidValue},
		{name: "NaN float", args: []string{"--gc_disk_headroom=NaN"}, wantErr: "Expecting a finite number", kind: ErrInvalidValue},
		{name: "bad json", args: []string{`--modules={"libraries":`}, wantErr: "Failed to parse JSON", kind: ErrInvalidValue},
		{name: "sensitive value not echoed", args: []string{"--credentials=s3cret", "--credentials=again"},
			wantErr: "Duplicate flag 'credentials'", kind: ErrDuplicateFlag},
		{name: "structured path missing", args: []string{"--resources=/nonexistent/resources.json"},
			wantErr: "Failed to load flag 'resources': Error reading file '/nonexistent/resources.json': no such file or directory",
			kind:    ErrInvalidValue},
		{name: "file:// missing", args: []string{"--zk=file:///nonexistent/zk"},
			wantErr: "Error reading file '/nonexistent/zk'", kind: ErrInvalidValue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, f, _ := newTestSet(t)
			err := fs.Load(Sources{Args: tc.args})
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Load(%q): %v", tc.args, err)
				}
				if !tc.check(f) {
					t.Fatalf("Load(%q) gave %+v", tc.args, *f)
				}
				return
			}
			if err == nil {
				t.Fatalf("Load(%q) succeeded, want error %q", tc.args, tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Load(%q) error %q, want it to contain %q", tc.args, err, tc.wantErr)
			}
			if !errors.Is(err, tc.kind) {
				t.Fatalf("Load(%q) error %q is not %v", tc.args, err, tc.kind)
			}
		})
	}
}

func TestSensitiveValueNotInErrors(t *testing.T) {
	fs, _, _ := newTestSet(t)
	fs.Bool(new(bool), "secret_switch", "A sensitive boolean.", false).Sensitive()
	err := fs.Load(Sources{Args: []string{"--no-secret_switch=hunter2"}})
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error %v leaks the value", err)
	}
}

func TestHelp(t *testing.T) {
	tests := []struct {
		args []string
		env  []string
		help bool
	}{
		{args: []string{"--help"}, help: true},
		{args: []string{"--help=true"}, help: true},
		{args: []string{"--help="}, help: true},
		{args: []string{"--HELP"}, help: true},
		// Help wins over anything wrong elsewhere on the command line.
		{args: []string{"--bogus", "--port=abc", "stray", "--help"}, help: true},
		{args: []string{"--help=false"}, help: false},
		{args: []string{"--no-help"}, help: false},
		{env: []string{"MESOS_HELP=true"}, help: true},
	}
	for _, tc := range tests {
		fs, _, _ := newTestSet(t)
		err := fs.Load(Sources{Args: tc.args, Env: tc.env})
		if got := errors.Is(err, ErrHelp); got != tc.help {
			t.Errorf("Load(%q, %q) = %v, want help %v", tc.args, tc.env, err, tc.help)
		}
	}
}

func TestAllowArgs(t *testing.T) {
	fs, f, _ := newTestSet(t)
	fs.AllowArgs(true)
	err := fs.Load(Sources{Args: []string{"ps", "--port=1", "x", "--", "--quiet", "y"}})
	if err != nil {
		t.Fatal(err)
	}
	if f.Port != 1 || f.Quiet {
		t.Errorf("flags = %+v", *f)
	}
	if want := []string{"ps", "x", "--quiet", "y"}; !reflect.DeepEqual(fs.Args(), want) {
		t.Errorf("Args() = %q, want %q", fs.Args(), want)
	}
}

func TestEnvironment(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		env      []string
		check    func(*testFlags) bool
		wantErr  string
		wantWarn string
	}{
		{name: "upper-case name", env: []string{"MESOS_PORT=6000"}, check: func(f *testFlags) bool { return f.Port == 6000 }},
		{name: "lower-case name", env: []string{"MESOS_work_dir=/w"}, check: func(f *testFlags) bool { return f.WorkDir == "/w" }},
		{name: "command line wins", args: []string{"--port=7000"}, env: []string{"MESOS_PORT=6000"},
			check: func(f *testFlags) bool { return f.Port == 7000 }},
		{name: "command line alias wins", args: []string{"--max_slave_ping_timeouts=2"}, env: []string{"MESOS_MAX_AGENT_PING_TIMEOUTS=9"},
			check:    func(f *testFlags) bool { return f.MaxPings == 2 },
			wantWarn: "Loaded deprecated flag 'max_slave_ping_timeouts'"},
		{name: "command line bool wins", args: []string{"--no-quiet"}, env: []string{"MESOS_QUIET=true"},
			check: func(f *testFlags) bool { return !f.Quiet }},
		{name: "empty bool is true", env: []string{"MESOS_QUIET="}, check: func(f *testFlags) bool { return f.Quiet }},
		{name: "bool false", env: []string{"MESOS_STRICT=false"}, check: func(f *testFlags) bool { return !f.Strict }},
		{name: "other prefix ignored", env: []string{"LIBPROCESS_PORT=1", "PORT=2", "mesos_port=3"},
			check: func(f *testFlags) bool { return f.Port == 5050 }},
		{name: "first occurrence wins", env: []string{"MESOS_PORT=1", "MESOS_PORT=2"},
			check: func(f *testFlags) bool { return f.Port == 1 }},
		{name: "unknown is a warning", env: []string{"MESOS_SANDBOX=/mnt/mesos/sandbox"},
			check:    func(f *testFlags) bool { return true },
			wantWarn: "Ignoring environment variable MESOS_SANDBOX: 'sandbox' is not a flag of mesos-test"},
		{name: "deprecated alias warns", env: []string{"MESOS_MAX_SLAVE_PING_TIMEOUTS=1"},
			check:    func(f *testFlags) bool { return f.MaxPings == 1 },
			wantWarn: "Loaded deprecated flag 'max_slave_ping_timeouts'"},
		{name: "bad value names the variable", env: []string{"MESOS_PORT=x"},
			wantErr: "Failed to load flag 'port': Failed to load value 'x' (from environment variable MESOS_PORT): Failed to convert 'x' to number"},
		{name: "bad value ignored when command line wins", args: []string{"--port=1"}, env: []string{"MESOS_PORT=x"},
			check: func(f *testFlags) bool { return f.Port == 1 }},
		{name: "same flag twice through alias", env: []string{"MESOS_MAX_AGENT_PING_TIMEOUTS=1", "MESOS_MAX_SLAVE_PING_TIMEOUTS=2"},
			wantErr: "Flag 'max_agent_ping_timeouts' is already loaded via name 'max_agent_ping_timeouts' (from environment variable MESOS_MAX_SLAVE_PING_TIMEOUTS)"},
		{name: "no- in environment", env: []string{"MESOS_NO-STRICT="}, check: func(f *testFlags) bool { return !f.Strict }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, f, logs := newTestSet(t)
			err := fs.Load(Sources{Args: tc.args, Env: tc.env})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Load error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(f) {
				t.Fatalf("flags = %+v", *f)
			}
			if tc.wantWarn != "" {
				if !strings.Contains(strings.Join(fs.Warnings(), "\n"), tc.wantWarn) {
					t.Errorf("warnings %q, want %q", fs.Warnings(), tc.wantWarn)
				}
				if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), tc.wantWarn) {
					t.Errorf("log %q does not carry warning %q", logs.String(), tc.wantWarn)
				}
			} else if len(fs.Warnings()) != 0 {
				t.Errorf("unexpected warnings %q", fs.Warnings())
			}
		})
	}
}

func TestNoEnvPrefixReadsNoEnvironment(t *testing.T) {
	fs := NewFlagSet("mesos-execute")
	var master string
	fs.String(&master, "master", "Master.")
	if err := fs.Load(Sources{Env: []string{"MESOS_MASTER=x", "MESOS_BOGUS=y"}}); err != nil {
		t.Fatal(err)
	}
	if master != "" || len(fs.Warnings()) != 0 {
		t.Errorf("master=%q warnings=%q", master, fs.Warnings())
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFileValues(t *testing.T) {
	dir := t.TempDir()
	zk := writeFile(t, dir, "zk", "zk://h1:2181,h2:2181/mesos\n")
	port := writeFile(t, dir, "port", "6060\r\n")
	modules := writeFile(t, dir, "modules.json", "{\"libraries\": [{\"file\": \"a.wasm\"}]}\n")
	resources := writeFile(t, dir, "resources", "cpus:4;mem:4096\n")
	creds := writeFile(t, dir, "credentials", `{"credentials":[{"principal":"p","secret":"s"}]}`)
	quiet := writeFile(t, dir, "quiet", "true\n")
	nested := writeFile(t, dir, "nested", "file://"+zk+"\n")

	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(wd, zk)
	if err != nil {
		t.Fatal(err)
	}
	relModules, err := filepath.Rel(wd, modules)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		args  []string
		check func(*testFlags) bool
	}{
		{"file:// string, newline trimmed", []string{"--zk=file://" + zk},
			func(f *testFlags) bool { return f.Zk == "zk://h1:2181,h2:2181/mesos" }},
		{"file:// relative path", []string{"--zk=file://" + rel},
			func(f *testFlags) bool { return f.Zk == "zk://h1:2181,h2:2181/mesos" }},
		{"file:// int, CRLF trimmed", []string{"--port=file://" + port}, func(f *testFlags) bool { return f.Port == 6060 }},
		{"file:// bool", []string{"--quiet=file://" + quiet}, func(f *testFlags) bool { return f.Quiet }},
		{"file:// json", []string{"--modules=file://" + modules},
			func(f *testFlags) bool { return string(f.Modules) == `{"libraries": [{"file": "a.wasm"}]}` }},
		{"structured /path json", []string{"--modules=" + modules},
			func(f *testFlags) bool { return string(f.Modules) == `{"libraries": [{"file": "a.wasm"}]}` }},
		{"structured relative path", []string{"--modules=" + relModules},
			func(f *testFlags) bool { return string(f.Modules) == `{"libraries": [{"file": "a.wasm"}]}` }},
		{"structured /path text", []string{"--resources=" + resources},
			func(f *testFlags) bool { return f.Resources == "cpus:4;mem:4096" }},
		{"structured /path credentials", []string{"--credentials=" + creds},
			func(f *testFlags) bool { return strings.HasPrefix(f.Credentials, `{"credentials"`) }},
		{"plain string /path not read", []string{"--zk=" + zk}, func(f *testFlags) bool { return f.Zk == zk }},
		{"path flag not read", []string{"--whitelist=" + zk}, func(f *testFlags) bool { return f.Whitelist == zk }},
		{"path flag file:// not read", []string{"--whitelist=file://" + zk}, func(f *testFlags) bool { return f.Whitelist == zk }},
		{"read only once", []string{"--zk=file://" + nested}, func(f *testFlags) bool { return f.Zk == "file://"+zk }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, f, _ := newTestSet(t)
			if err := fs.Load(Sources{Args: tc.args}); err != nil {
				t.Fatal(err)
			}
			if !tc.check(f) {
				t.Fatalf("flags = %+v", *f)
			}
		})
	}

	// Environment values are fetched the same way.
	fs, f, _ := newTestSet(t)
	if err := fs.Load(Sources{Env: []string{"MESOS_ZK=file://" + zk}}); err != nil {
		t.Fatal(err)
	}
	if f.Zk != "zk://h1:2181,h2:2181/mesos" {
		t.Errorf("zk from environment file = %q", f.Zk)
	}
}

func TestConfigDir(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "port", "6000\n")
	writeFile(t, dir, "work_dir", "  /var/lib/mesos  \n")
	writeFile(t, dir, "?quiet", "")
	writeFile(t, dir, "?no-strict", "")
	writeFile(t, dir, "gc_delay", "3days")
	writeFile(t, dir, "bogus", "x")
	writeFile(t, dir, ".port.swp", "garbage")
	if err := os.Mkdir(filepath.Join(dir, "zk"), 0o700); err != nil {
		t.Fatal(err)
	}

	fs, f, _ := newTestSet(t)
	if err := fs.Load(Sources{ConfigDir: dir}); err != nil {
		t.Fatal(err)
	}
	if f.Port != 6000 || f.WorkDir != "/var/lib/mesos" || !f.Quiet || f.Strict || f.GCDelay != 3*units.Day || f.Zk != "" {
		t.Errorf("flags = %+v", *f)
	}
	if got := fs.Lookup("port").Source(); got != SourceConfigDir {
		t.Errorf("port source = %v", got)
	}
	if w := strings.Join(fs.Warnings(), "\n"); !strings.Contains(w, "config file "+filepath.Join(dir, "bogus")) {
		t.Errorf("warnings %q do not mention the unknown file", w)
	}

	// A missing directory is not an error.
	fs, _, _ = newTestSet(t)
	if err := fs.Load(Sources{ConfigDir: filepath.Join(dir, "missing")}); err != nil {
		t.Errorf("missing config dir: %v", err)
	}

	// A bad value names the file.
	bad := t.TempDir()
	writeFile(t, bad, "port", "fifty")
	fs, _, _ = newTestSet(t)
	err := fs.Load(Sources{ConfigDir: bad})
	if err == nil || !strings.Contains(err.Error(), "(from config file "+filepath.Join(bad, "port")+")") {
		t.Errorf("bad config value error = %v", err)
	}

	// "?name" for a flag that needs a value is the usual missing-value error.
	bad = t.TempDir()
	writeFile(t, bad, "?port", "")
	fs, _, _ = newTestSet(t)
	if err := fs.Load(Sources{ConfigDir: bad}); !errors.Is(err, ErrMissingValue) {
		t.Errorf("?port error = %v", err)
	}
}

// TestPrecedence: command line > environment > config directory > default.
func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "port", "1")
	tests := []struct {
		name       string
		args       []string
		env        []string
		configDir  string
		wantPort   int
		wantSource Source
	}{
		{"default", nil, nil, "", 5050, SourceDefault},
		{"config dir", nil, nil, dir, 1, SourceConfigDir},
		{"env over config dir", nil, []string{"MESOS_PORT=2"}, dir, 2, SourceEnvironment},
		{"command line over env", []string{"--port=3"}, []string{"MESOS_PORT=2"}, dir, 3, SourceCommandLine},
		{"command line over config dir", []string{"--port=3"}, nil, dir, 3, SourceCommandLine},
		{"env alone", nil, []string{"MESOS_PORT=2"}, "", 2, SourceEnvironment},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, f, _ := newTestSet(t)
			if err := fs.Load(Sources{Args: tc.args, Env: tc.env, ConfigDir: tc.configDir}); err != nil {
				t.Fatal(err)
			}
			if f.Port != tc.wantPort || fs.Lookup("port").Source() != tc.wantSource {
				t.Errorf("port = %d from %v, want %d from %v", f.Port, fs.Lookup("port").Source(), tc.wantPort, tc.wantSource)
			}
		})
	}
}

func TestRequiredAndValidate(t *testing.T) {
	newSet := func() (*FlagSet, *string, *units.Duration) {
		fs := NewFlagSet("mesos-execute")
		master := new(string)
		timeout := new(units.Duration)
		fs.String(master, "master", "Master.").Required()
		fs.Duration(timeout, "agent_reregister_timeout", "Timeout.", 10*units.Minute).Validate(func() error {
			if *timeout < 10*units.Minute {
				return fmt.Errorf("Expected --agent_reregister_timeout to be at least 10mins")
			}
			return nil
		})
		return fs, master, timeout
	}

	fs, _, _ := newSet()
	err := fs.Load(Sources{})
	if !errors.Is(err, ErrRequired) || err.Error() != "Flag 'master' is required, but it was not provided" {
		t.Errorf("missing required: %v", err)
	}

	fs, _, _ = newSet()
	if err := fs.Load(Sources{Args: []string{"--help"}}); !errors.Is(err, ErrHelp) {
		t.Errorf("--help without required flag: %v", err)
	}

	fs, master, _ := newSet()
	if err := fs.Load(Sources{Args: []string{"--master=127.0.0.1:5050"}}); err != nil || *master != "127.0.0.1:5050" {
		t.Errorf("required given: %v, %q", err, *master)
	}

	fs, _, _ = newSet()
	err = fs.Load(Sources{Args: []string{"--master=m", "--agent_reregister_timeout=5mins"}})
	want := "Failed to validate flag 'agent_reregister_timeout': Expected --agent_reregister_timeout to be at least 10mins"
	if !errors.Is(err, ErrInvalidValue) || err.Error() != want {
		t.Errorf("validate: %v", err)
	}
}

func TestLoadTwice(t *testing.T) {
	fs, _, _ := newTestSet(t)
	if err := fs.Load(Sources{}); err != nil {
		t.Fatal(err)
	}
	if err := fs.Load(Sources{}); !errors.Is(err, ErrAlreadyLoaded) {
		t.Errorf("second Load = %v", err)
	}
}

func TestValues(t *testing.T) {
	dir := t.TempDir()
	creds := writeFile(t, dir, "credentials", `{"credentials":[]}`)
	fs, _, _ := newTestSet(t)
	err := fs.Load(Sources{
		Args: []string{"--port=5051", "--gc_delay=90secs", "--max_slave_ping_timeouts=3", "--credentials=file://" + creds},
		Env:  []string{"MESOS_ZK=zk://h:2181/mesos"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"help":                    "false",
		"port":                    "5051",
		"quiet":                   "false",
		"strict":                  "true",
		"zk":                      "zk://h:2181/mesos",
		"gc_delay":                "90secs",
		"fetcher_cache_size":      "2GB",
		"gc_disk_headroom":        "0.1",
		"max_agent_ping_timeouts": "3",
		"credentials":             "file://" + creds,
	}
	if got := fs.Values(); !reflect.DeepEqual(got, want) {
		t.Errorf("Values() = %v\nwant %v", got, want)
	}

	fs, _, _ = newTestSet(t)
	if err := fs.Load(Sources{Args: []string{"--credentials=inline-secret"}}); err != nil {
		t.Fatal(err)
	}
	if got := fs.Values()["credentials"]; got != "********" {
		t.Errorf("inline sensitive value shown as %q", got)
	}
}

func TestUsage(t *testing.T) {
	fs := NewFlagSet("mesos-master")
	var (
		port    int
		quiet   bool
		zk      string
		timeout units.Duration
		modules json.RawMessage
	)
	fs.Int(&port, "port", "Port to listen on.", 5050)
	fs.Bool(&quiet, "quiet", "Disable logging to stderr.", false)
	fs.String(&zk, "zk", "ZooKeeper URL. May be one of:\n  zk://host1:port1,host2:port2,.../path\n  file:///path/to/file")
	fs.Duration(&timeout, "agent_ping_timeout", "The timeout within which an agent is expected to respond.", 15*units.Second).
		DeprecatedAlias("slave_ping_timeout")
	fs.JSON(&modules, "modules", "List of modules.\n\nExample:\n{}\n")
	fs.String(new(string), "registry", "Persistence strategy for the registry;\n", "replicated_log")

	want := `Usage: mesos-master [options]

  --agent_ping_timeout=VALUE, --slave_ping_timeout=VALUE     The timeout within which an agent is expected to respond. (default: 15secs)
  --[no-]help                                                Prints this help message (default: false)
  --modules=VALUE                                            List of modules.
                                                             
                                                             Example:
                                                             {}
                                                             
  --port=VALUE                                               Port to listen on. (default: 5050)
  --[no-]quiet                                               Disable logging to stderr. (default: false)
  --registry=VALUE                                           Persistence strategy for the registry;
                                                             (default: replicated_log)
  --zk=VALUE                                                 ZooKeeper URL. May be one of:
                                                               zk://host1:port1,host2:port2,.../path
                                                               file:///path/to/file
`
	if got := fs.Usage(); got != want {
		t.Errorf("Usage() =\n%s\nwant\n%s", got, want)
	}

	fs.SetUsage("Usage: mesos-master [...]\n\nRuns a master.")
	if got := fs.Usage(); !strings.HasPrefix(got, "Usage: mesos-master [...]\n\nRuns a master.\n\n  --agent_ping_timeout") {
		t.Errorf("custom usage:\n%s", got)
	}
}

// upperValue is a custom Value, as later packages will write (resources,
// URLs).
type upperValue struct{ s string }

func (u *upperValue) Set(s string) error {
	if s == "" {
		return errors.New("empty")
	}
	u.s = strings.ToUpper(s)
	return nil
}
func (u *upperValue) String() string { return u.s }

func TestVar(t *testing.T) {
	fs := NewFlagSet("x")
	var v upperValue
	f := fs.Var(&v, "role", "A role.", "star").Structured()
	if d, ok := f.Default(); !ok || d != "STAR" || v.s != "STAR" {
		t.Fatalf("default = %q, %v; value %q", d, ok, v.s)
	}
	if f.IsBool() {
		t.Error("custom value reports bool")
	}
	dir := t.TempDir()
	p := writeFile(t, dir, "role", "web\n")
	if err := fs.Load(Sources{Args: []string{"--role=" + p}}); err != nil {
		t.Fatal(err)
	}
	if v.s != "WEB" || !f.IsSet() || f.LoadedAs() != "role" {
		t.Errorf("value %q set=%v", v.s, f.IsSet())
	}

	fs = NewFlagSet("x")
	fs.Var(&v, "role", "A role.")
	if err := fs.Load(Sources{Args: []string{"--role="}}); err == nil || !strings.Contains(err.Error(), "Failed to load value '': empty") {
		t.Errorf("custom Set error: %v", err)
	}
}

func TestDeclarationPanics(t *testing.T) {
	tests := []struct {
		name string
		fn   func(fs *FlagSet)
	}{
		{"duplicate", func(fs *FlagSet) { fs.Int(new(int), "port", ""); fs.Int(new(int), "port", "") }},
		{"duplicate of help", func(fs *FlagSet) { fs.Bool(new(bool), "help", "") }},
		{"alias clashes", func(fs *FlagSet) { fs.Int(new(int), "a", ""); fs.Int(new(int), "b", "").Alias("a") }},
		{"no- prefix", func(fs *FlagSet) { fs.Bool(new(bool), "no-quiet", "") }},
		{"upper case", func(fs *FlagSet) { fs.Int(new(int), "Port", "") }},
		{"space", func(fs *FlagSet) { fs.Int(new(int), "a b", "") }},
		{"empty", func(fs *FlagSet) { fs.Int(new(int), "", "") }},
		{"two defaults", func(fs *FlagSet) { fs.Int(new(int), "port", "", 1, 2) }},
		{"bad Var default", func(fs *FlagSet) { fs.Var(&upperValue{}, "role", "", "") }},
		{"path and structured", func(fs *FlagSet) { fs.Path(new(string), "p", "").Structured() }},
		{"after Load", func(fs *FlagSet) { _ = fs.Load(Sources{}); fs.Int(new(int), "late", "") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("no panic")
				}
			}()
			tc.fn(NewFlagSet("x"))
		})
	}
}

func TestSourceString(t *testing.T) {
	for s, want := range map[Source]string{SourceDefault: "default", SourceConfigDir: "config directory",
		SourceEnvironment: "environment", SourceCommandLine: "command line", Source(9): "Source(9)"} {
		if s.String() != want {
			t.Errorf("%d.String() = %q", int(s), s.String())
		}
	}
}
