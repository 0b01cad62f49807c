package manifest

import (
	"errors"
	"strings"
	"testing"

	"github.com/gomesos/mesos/modules"
)

func TestParseMesosManifest(t *testing.T) {
	// The example of Mesos's docs/modules.md, unchanged.
	m, err := Parse("--modules", []byte(`{
	  "libraries": [
	    {"file": "/path/to/libfoo.so",
	     "modules": [
	       {"name": "org_apache_mesos_bar",
	        "parameters": [{"key": "X", "value": "Y"}]},
	       {"name": "org_apache_mesos_baz"}]},
	    {"name": "qux",
	     "modules": [{"name": "org_apache_mesos_norf"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Libraries) != 2 || len(m.Libraries[0].Modules) != 2 || m.Source != "--modules" {
		t.Fatalf("parsed %+v", m)
	}
	p := m.Libraries[0].Modules[0].Parameters[0]
	if *p.Key != "X" || *p.Value != "Y" {
		t.Errorf("parameter = %s=%s", *p.Key, *p.Value)
	}
}

func TestParseNormalizes(t *testing.T) {
	m, err := Parse("x", []byte(`{"libraries":[{"file":"a.wasm","runtime":"WASM",
	  "sha256":"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
	  "modules":[{"name":"m","kind":"isolator"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	l := m.Libraries[0]
	if l.Runtime != "wasm" || l.SHA256 != strings.ToLower(l.SHA256) || l.Modules[0].Kind != "Isolator" {
		t.Errorf("not normalized: %+v", l)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      error
		// wantLib and wantMod are the library and module the error names.
		wantLib, wantMod, wantText string
	}{
		{"not json", `{"libraries": [`, ErrSyntax, "", "", "unexpected end"},
		{"empty", ``, ErrSyntax, "", "", "empty document"},
		{"trailing", `{"libraries":[]} {}`, ErrSyntax, "", "", "data after"},
		{"wrong type", `{"libraries": {}}`, ErrSyntax, "", "", `field "libraries"`},
		{"unknown field", `{"libraries":[{"file":"a","sha265":"00"}]}`, ErrSyntax, "", "", `unknown field "sha265"`},
		{"no file or name", `{"libraries":[{"modules":[{"name":"m"}]}]}`, ErrInvalid, "#1", "", "library name or path not provided"},
		{"no module name", `{"libraries":[{"name":"lib","modules":[{}]}]}`, ErrInvalid, "lib", "", "module name not provided"},
		{"unknown runtime", `{"libraries":[{"file":"a","runtime":"jvm"}]}`, ErrInvalid, "a", "", `unknown runtime "jvm"`},
		{"plugin without file", `{"libraries":[{"name":"n","runtime":"plugin"}]}`, ErrInvalid, "n", "", "needs a \"file\""},
		{"builtin with file", `{"libraries":[{"file":"f","runtime":"builtin"}]}`, ErrInvalid, "f", "", "has no \"file\""},
		{"bad sha256", `{"libraries":[{"file":"f","sha256":"abc"}]}`, ErrInvalid, "f", "", "64 hexadecimal"},
		{"sha256 without file", `{"libraries":[{"name":"n","sha256":"` + strings.Repeat("0", 64) + `"}]}`, ErrInvalid, "n", "", "needs a \"file\""},
		{"unknown kind", `{"libraries":[{"name":"n","modules":[{"name":"m","kind":"Alocator"}]}]}`, modules.ErrUnknownKind, "n", "m", "Alocator"},
		{"parameter without key", `{"libraries":[{"name":"n","modules":[{"name":"m","parameters":[{"value":"v"}]}]}]}`, ErrInvalid, "n", "m", "no \"key\""},
		{"parameter without value", `{"libraries":[{"name":"n","modules":[{"name":"m","parameters":[{"key":"k"}]}]}]}`, ErrInvalid, "n", "m", `"k" has no "value"`},
		{"parameter twice", `{"libraries":[{"name":"n","modules":[{"name":"m","parameters":[{"key":"k","value":"1"},{"key":"k","value":"2"}]}]}]}`, ErrInvalid, "n", "m", "given twice"},
		{"bad call_timeout", `{"libraries":[{"name":"n","modules":[{"name":"m","call_timeout":"5s"}]}]}`, ErrInvalid, "n", "m", "call_timeout"},
		{"zero call_timeout", `{"libraries":[{"name":"n","call_timeout":"0secs"}]}`, ErrInvalid, "n", "", "must be positive"},
		{"memory pages zero", `{"libraries":[{"file":"a.wasm","memory_limit_pages":0}]}`, ErrInvalid, "a.wasm", "", "memory_limit_pages"},
		{"memory pages too many", `{"libraries":[{"file":"a.wasm","memory_limit_pages":65537}]}`, ErrInvalid, "a.wasm", "", "memory_limit_pages"},
		{"memory pages negative", `{"libraries":[{"file":"a.wasm","memory_limit_pages":-1}]}`, ErrSyntax, "", "", "memory_limit_pages"},
		{"bad env", `{"libraries":[{"file":"p","env":["NOEQUALS"]}]}`, ErrInvalid, "p", "", "KEY=value"},
		{"value not string", `{"libraries":[{"name":"n","modules":[{"name":"m","parameters":[{"key":"k","value":1}]}]}]}`, ErrSyntax, "", "", "value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("test.json", []byte(tc.doc))
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			var me *Error
			if !errors.As(err, &me) || me.Source != "test.json" || me.Library != tc.wantLib || me.Module != tc.wantMod {
				t.Errorf("error %#v names source/library/module wrongly (want %q, %q)", me, tc.wantLib, tc.wantMod)
			}
			if !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("error %q does not say %q", err, tc.wantText)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	_, err := Parse("/etc/mesos/modules.d/10-gpu.json",
		[]byte(`{"libraries":[{"file":"/opt/gpu","modules":[{"name":"org_gpu","kind":"Isolatr"}]}]}`))
	want := "module manifest /etc/mesos/modules.d/10-gpu.json: library '/opt/gpu': module 'org_gpu': unknown module kind \"Isolatr\" (known: "
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error text:\n got %v\nwant %s...", err, want)
	}
}
