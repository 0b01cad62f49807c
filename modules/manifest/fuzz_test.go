package manifest

import (
	"encoding/json"
	"io/fs"
	"reflect"
	"testing"
	"time"
)

// FuzzParse feeds the manifest parser (outside input: an operator's file)
// anything. It must not panic; what it accepts must survive a round trip
// through JSON unchanged, and Specs must not panic on it either.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		`{"libraries":[{"file":"/path/to/libfoo.so","modules":[{"name":"org_apache_mesos_bar","parameters":[{"key":"X","value":"Y"}]},{"name":"org_apache_mesos_baz"}]}]}`,
		`{"libraries":[{"file":"a.wasm","runtime":"wasm","sha256":"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855","grants":["env"],"memory_limit_pages":16,"modules":[{"name":"m","kind":"isolator","call_timeout":"1secs"}]}]}`,
		`{"libraries":[{"file":"p","args":["-v"],"env":["A=1"],"call_timeout":"5secs","modules":[{"name":"m","kind":"Hook"}]}]}`,
		`{"libraries":[{"name":"builtin","modules":[{"name":"HierarchicalDRF","kind":"Allocator"}]}]}`,
		`{"libraries":[]}`, `{}`, `[]`, `null`, ``, `{"libraries":[{"modules":[{}]}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse("fuzz", data)
		if err != nil {
			if m != nil {
				t.Fatal("manifest returned with an error")
			}
			return
		}
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		again, err := Parse("fuzz", out)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", out, err)
		}
		if !reflect.DeepEqual(normal(m), normal(again)) {
			t.Fatalf("round trip changed the manifest:\n%+v\n%+v", m, again)
		}
		// Every file exists and is executable: Specs runs to the end.
		_, _ = Specs([]*Manifest{m}, Options{Stat: func(string) (fs.FileInfo, error) { return execFile{}, nil }})
	})
}

// normal makes nil and empty slices equal for comparison.
func normal(m *Manifest) string {
	b, _ := json.Marshal(m)
	return string(b)
}

type execFile struct{}

func (execFile) Name() string       { return "f" }
func (execFile) Size() int64        { return 1 }
func (execFile) Mode() fs.FileMode  { return 0o755 }
func (execFile) ModTime() time.Time { return time.Time{} }
func (execFile) IsDir() bool        { return false }
func (execFile) Sys() any           { return nil }
