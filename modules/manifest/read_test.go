package manifest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomesos/mesos/modules"
)

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadFlagForms(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "m.json", `{"libraries":[{"name":"b","modules":[{"name":"m"}]}]}`)
	for _, v := range []string{p, "file://" + p, `{"libraries":[{"name":"b","modules":[{"name":"m"}]}]}`} {
		m, err := ReadFlag(v)
		if err != nil || len(m.Libraries) != 1 {
			t.Errorf("ReadFlag(%q) = %+v, %v", v, m, err)
		}
	}
	if m, _ := ReadFlag(p); m.Source != p {
		t.Errorf("source %q, want the path", m.Source)
	}
	if _, err := ReadFlag("file://" + filepath.Join(dir, "absent.json")); err == nil || !strings.Contains(err.Error(), "absent.json") {
		t.Errorf("missing manifest file: %v", err)
	}
}

func TestReadDirAlphabeticalSkipsHidden(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "20-b.json", `{"libraries":[{"name":"lib","modules":[{"name":"second"}]}]}`)
	write(t, dir, "10-a.json", `{"libraries":[{"name":"lib","modules":[{"name":"first"}]}]}`)
	write(t, dir, ".10-a.json.swp", `garbage`)
	if err := os.Mkdir(filepath.Join(dir, "old"), 0o755); err != nil {
		t.Fatal(err)
	}
	specs, err := Load(nil, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != 2 || specs[0].Name != "first" || specs[1].Name != "second" {
		t.Errorf("specs %+v", specs)
	}

	write(t, dir, "30-bad.json", `{"libraries":[{"name":"lib","modules":[{"name":"first","kind":"Nope"}]}]}`)
	_, err = Load(nil, dir, Options{})
	var me *Error
	if !errors.As(err, &me) || me.Source != filepath.Join(dir, "30-bad.json") || !errors.Is(err, modules.ErrUnknownKind) {
		t.Errorf("error %v does not name the file", err)
	}
}

func TestLoad(t *testing.T) {
	if specs, err := Load(nil, "", Options{}); err != nil || specs != nil {
		t.Errorf("no flags: %v, %v", specs, err)
	}
	if _, err := Load([]byte(`{}`), "/etc", Options{}); err == nil {
		t.Error("--modules and --modules_dir together accepted")
	}
	specs, err := Load([]byte(`{"libraries":[{"name":"b","modules":[{"name":"m"}]}]}`), "", Options{})
	if err != nil || len(specs) != 1 {
		t.Errorf("inline: %+v, %v", specs, err)
	}
	if _, err := Load(nil, filepath.Join(t.TempDir(), "absent"), Options{}); err == nil {
		t.Error("missing --modules_dir accepted")
	}
}
