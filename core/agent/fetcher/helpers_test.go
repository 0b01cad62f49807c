package fetcher

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// tarEntry is one entry of a test archive.
type tarEntry struct {
	name string
	typ  byte
	body string
	link string
	mode int64
}

func file(name, body string) tarEntry {
	return tarEntry{name: name, typ: tar.TypeReg, body: body, mode: 0o644}
}
func dir(name string) tarEntry { return tarEntry{name: name, typ: tar.TypeDir, mode: 0o755} }
func symlink(name, target string) tarEntry {
	return tarEntry{name: name, typ: tar.TypeSymlink, link: target, mode: 0o777}
}
func hardlink(name, target string) tarEntry {
	return tarEntry{name: name, typ: tar.TypeLink, link: target, mode: 0o644}
}

func makeTar(t testing.TB, entries ...tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Typeflag: e.typ, Linkname: e.link, Mode: e.mode, Format: tar.FormatPAX}
		if e.typ == tar.TypeReg {
			hdr.Size = int64(len(e.body))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if e.typ == tar.TypeReg {
			if _, err := tw.Write([]byte(e.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gz(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipEntry is one entry of a test zip; a mode with ModeSymlink stores a link.
type zipEntry struct {
	name string
	body string
	mode fs.FileMode
}

func makeZip(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		hdr := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		mode := e.mode
		if mode == 0 {
			mode = 0o644
		}
		hdr.SetMode(mode)
		w, err := zw.CreateHeader(hdr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// server serves files from a map and counts requests per path.
type server struct {
	*httptest.Server
	mu     sync.Mutex
	files  map[string][]byte
	counts map[string]int
	gate   chan struct{} // when not nil, GETs wait for it to close
	noLen  atomic.Bool   // stream without Content-Length
}

func newServer(t *testing.T) *server {
	s := &server{files: map[string][]byte{}, counts: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *server) put(path string, data []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[path] = data
	return s.URL + path
}

func (s *server) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[path]
}

func (s *server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	data, ok := s.files[r.URL.Path]
	s.counts[r.URL.Path]++
	gate := s.gate
	s.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	if s.noLen.Load() {
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
	}
	_, _ = w.Write(data)
}

func uri(value string, opts ...func(*mesospb.CommandInfo_URI)) *mesospb.CommandInfo_URI {
	u := &mesospb.CommandInfo_URI{Value: proto.String(value)}
	for _, o := range opts {
		o(u)
	}
	return u
}

func executable(u *mesospb.CommandInfo_URI) { u.Executable = proto.Bool(true) }
func noExtract(u *mesospb.CommandInfo_URI)  { u.Extract = proto.Bool(false) }
func cached(u *mesospb.CommandInfo_URI)     { u.Cache = proto.Bool(true) }
func output(name string) func(*mesospb.CommandInfo_URI) {
	return func(u *mesospb.CommandInfo_URI) { u.OutputFile = proto.String(name) }
}

func command(uris ...*mesospb.CommandInfo_URI) *mesospb.CommandInfo {
	return &mesospb.CommandInfo{Uris: uris}
}

func request(t *testing.T, uris ...*mesospb.CommandInfo_URI) Request {
	return Request{ContainerID: "c1", AgentID: "S0", Command: command(uris...), Sandbox: t.TempDir()}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// writeTemp writes data to a file named name in a new directory.
func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// listTree lists every path under dir, relative, for assertions.
func listTree(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, rel)
		return nil
	})
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func hasLine(log, substr string) bool {
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, substr) {
			return true
		}
	}
	return false
}
