package files

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"
)

const secret = "SECRET-OUTSIDE-THE-SANDBOX"

// fixture is a work directory with a sandbox attached twice (real path and
// a /frameworks/.../latest alias), a log file attached as /slave/log, and
// secrets next to them that must never be served.
type fixture struct {
	files   *Files
	base    string
	sandbox string // real path, also the virtual path
	alias   string
	srv     *httptest.Server
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	fx := &fixture{base: base, sandbox: filepath.Join(base, "sandbox"), alias: "/frameworks/F/executors/E/runs/latest"}
	mustWrite(t, filepath.Join(base, "secret.txt"), secret)
	mustWrite(t, filepath.Join(base, "sandbox2/secret.txt"), secret) // a sibling sharing the prefix
	mustWrite(t, filepath.Join(base, "agent.log"), "log line\n")
	mustWrite(t, filepath.Join(fx.sandbox, "stdout"), "0123456789")
	mustWrite(t, filepath.Join(fx.sandbox, "stderr"), "")
	mustWrite(t, filepath.Join(fx.sandbox, "dir/nested.txt"), "nested")
	mustWrite(t, filepath.Join(fx.sandbox, "page.html"), "<html></html>")
	symlinks := map[string]string{
		"link-inside":    "dir/nested.txt",
		"abs-inside":     filepath.Join(fx.sandbox, "stdout"),
		"link-out":       "../secret.txt",
		"abs-out":        filepath.Join(base, "secret.txt"),
		"dir-out":        "..",
		"sibling":        "../sandbox2",
		"dir/deeper-out": "../../secret.txt",
	}
	for name, target := range symlinks {
		if err := os.Symlink(target, filepath.Join(fx.sandbox, name)); err != nil {
			t.Fatal(err)
		}
	}
	fx.files = New(Options{})
	for _, a := range [][2]string{{fx.sandbox, fx.sandbox}, {fx.sandbox, fx.alias}, {filepath.Join(base, "agent.log"), "/slave/log"}} {
		if err := fx.files.Attach(a[0], a[1], nil); err != nil {
			t.Fatal(err)
		}
	}
	mux := http.NewServeMux()
	fx.files.Register(mux)
	fx.srv = httptest.NewServer(mux)
	t.Cleanup(fx.srv.Close)
	return fx
}

func mustWrite(t testing.TB, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// get requests endpoint with a raw query string.
func (fx *fixture) get(t testing.TB, endpoint, rawQuery string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get(fx.srv.URL + endpoint + "?" + rawQuery)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(body)
}

func q(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v.Encode()
}

var bg = context.Background()
