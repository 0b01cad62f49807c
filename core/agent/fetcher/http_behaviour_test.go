package fetcher

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// TestFetchHTTPLikeMesos pins what frameworks see of http URIs, after the
// mesos-fetcher (libcurl with FOLLOWLOCATION, the file named by
// Fetcher::basename, which treats the URI as a path):
//   - redirects are followed, the file keeps the name of the URI asked for;
//   - a query string stays part of the name ("app.tgz?raw=1"), so such an
//     archive is not extracted (frameworks set output_file for that);
//   - percent-encoded names are not decoded (curl does not decode);
//   - anything but 200 fails, naming the URI and the status.
func TestFetchHTTPLikeMesos(t *testing.T) {
	tgz := gz(t, makeTar(t, file("inside.txt", "unpacked")))
	var hits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/old/app.tgz", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/older/app.tgz", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/older/app.tgz", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/real/bundle.tgz", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/real/bundle.tgz", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = w.Write(tgz)
	})
	mux.HandleFunc("/q/app.tgz", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("raw") != "1" {
			http.Error(w, "query lost", http.StatusBadRequest)
			return
		}
		_, _ = w.Write(tgz)
	})
	mux.HandleFunc("/enc/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/enc/my file.txt" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte("spaced"))
	})
	mux.HandleFunc("/forbidden", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusForbidden)
	})
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "oops", http.StatusInternalServerError)
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/nowhere", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	req := request(t,
		uri(srv.URL+"/old/app.tgz"),
		uri(srv.URL+"/q/app.tgz?raw=1"),
		uri(srv.URL+"/q/app.tgz?raw=1", output("named.tgz")),
		uri(srv.URL+"/enc/my%20file.txt"),
	)
	if err := newFetcher(Config{}).Fetch(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	sb := req.Sandbox
	got := listTree(t, sb)
	for _, want := range []string{"app.tgz", "inside.txt", "app.tgz?raw=1", "named.tgz", "my%20file.txt"} {
		if !contains(got, want) {
			t.Errorf("sandbox lacks %q: %v", want, got)
		}
	}
	if hits.Load() != 1 {
		t.Errorf("redirect target fetched %d times", hits.Load())
	}
	if log := readFile(t, filepath.Join(sb, "stderr")); !hasLine(log, "does not seem to be an archive: "+srv.URL+"/q/app.tgz?raw=1") {
		t.Errorf("no warning that the query-string name is not extracted:\n%s", log)
	}

	for _, tt := range []struct{ path, want string }{
		{"/forbidden", "received HTTP return code 403"},
		{"/broken", "received HTTP return code 500"},
		{"/gone", "received HTTP return code 404"},
	} {
		req := request(t, uri(srv.URL+tt.path))
		err := newFetcher(Config{}).Fetch(context.Background(), req)
		var fe *Error
		if !errors.As(err, &fe) || fe.URI != srv.URL+tt.path || !strings.Contains(err.Error(), tt.want) ||
			!strings.Contains(err.Error(), "'"+srv.URL+tt.path+"'") {
			t.Errorf("%s: err = %v, want it to name the URI and %q", tt.path, err, tt.want)
		}
		if log := readFile(t, filepath.Join(req.Sandbox, "stderr")); !hasLine(log, tt.want) {
			t.Errorf("%s: the sandbox's stderr does not say why:\n%s", tt.path, log)
		}
	}
}

// TestFetchOtherSchemes: Mesos hands any other scheme to the Hadoop client
// ("hadoop fs -copyToLocal"); there is none here, and the failure says
// which schemes are supported, naming the URI.
func TestFetchOtherSchemes(t *testing.T) {
	for _, u := range []string{"hdfs://namenode:8020/jobs/app.jar", "s3://bucket/app.tgz", "s3a://bucket/x", "ftp://host/f", "maprfs:///x/y"} {
		req := request(t, uri(u))
		err := newFetcher(Config{}).Fetch(context.Background(), req)
		var fe *Error
		if !errors.As(err, &fe) || fe.URI != u || !strings.Contains(err.Error(), "unsupported URI scheme") {
			t.Errorf("%s: err = %v", u, err)
		}
	}
}

// TestFetchArchivesKeepModes: a Spark-style tarball and a zip keep their
// executable bits; output_file in a subdirectory still unpacks into the
// sandbox root (Mesos extracts into the sandbox directory); a bare .gz is
// gunzipped beside itself; other extensions are copied as they are.
func TestFetchArchivesKeepModes(t *testing.T) {
	srv := newServer(t)
	tgz := gz(t, makeTar(t, dir("spark/"), dir("spark/bin"),
		tarEntry{name: "spark/bin/spark-class", typ: '0', body: "#!/bin/sh", mode: 0o755},
		file("spark/conf", "c")))
	zipped := makeZip(t, zipEntry{name: "tool/run", body: "#!/bin/sh", mode: 0o750}, zipEntry{name: "tool/data", body: "d"})
	req := request(t,
		uri(srv.put("/spark.tgz", tgz), output("dl/spark-copy.tgz")),
		uri(srv.put("/tool.zip", zipped)),
		uri(srv.put("/notes.txt.gz", gz(t, []byte("gunzipped")))),
		uri(srv.put("/app.jar", []byte("PK jar")), output("lib/app.jar")),
	)
	if err := newFetcher(Config{}).Fetch(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	sb := req.Sandbox
	for name, want := range map[string]fs.FileMode{"spark/bin/spark-class": 0o755, "spark/conf": 0o644, "tool/run": 0o750, "tool/data": 0o644} {
		st, err := os.Stat(filepath.Join(sb, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s mode %v, want %v", name, st.Mode().Perm(), want)
		}
	}
	if got := readFile(t, filepath.Join(sb, "notes.txt")); got != "gunzipped" {
		t.Errorf("notes.txt = %q", got)
	}
	for _, kept := range []string{"dl/spark-copy.tgz", "notes.txt.gz", "lib/app.jar", "tool.zip"} {
		if _, err := os.Stat(filepath.Join(sb, kept)); err != nil {
			t.Errorf("%s not kept: %v", kept, err)
		}
	}
}

// TestFetchHTTPNoContentEncoding: the mesos-fetcher (libcurl) asks for no
// content coding, so a web server that gzips text on request (nginx's
// "gzip on") sends the file as it is, with its length, and the cache can
// hold it; a file stored with Content-Encoding: gzip (an S3 object, say)
// arrives as stored and a .gz is gunzipped once, not twice.
func TestFetchHTTPNoContentEncoding(t *testing.T) {
	script := []byte(strings.Repeat("echo compressible text\n", 200))
	stored := gz(t, []byte("stored compressed\n"))
	var gets atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/run.sh":
			gets.Add(1)
			if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				w.Header().Set("Content-Encoding", "gzip")
				_, _ = w.Write(gz(t, script))
				return
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(script)))
			_, _ = w.Write(script)
		case "/data.txt.gz":
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(stored)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)

	f := newFetcher(Config{CacheDir: t.TempDir(), CacheSize: 1 << 20})
	for i := 0; i < 2; i++ {
		req := request(t, uri(srv.URL+"/run.sh", cached, executable), uri(srv.URL+"/data.txt.gz"))
		if err := f.Fetch(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		if got := readFile(t, filepath.Join(req.Sandbox, "run.sh")); got != string(script) {
			t.Fatalf("run.sh = %.40q...", got)
		}
		if got := readFile(t, filepath.Join(req.Sandbox, "data.txt")); got != "stored compressed\n" {
			t.Errorf("data.txt = %q", got)
		}
	}
	if n := gets.Load(); n != 1 {
		t.Errorf("cached script downloaded %d times, want once (the cache needs the length)", n)
	}
}
