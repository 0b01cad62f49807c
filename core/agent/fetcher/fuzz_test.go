package fetcher

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkConfined fails when anything beside the sandbox changed in parent,
// or when a symlink in the sandbox points outside it.
func checkConfined(t *testing.T, parent, sandbox string) {
	t.Helper()
	for _, p := range listTree(t, parent) {
		if p != "sandbox" && !strings.HasPrefix(p, "sandbox/") && p != "outside" && p != "outside/victim" {
			t.Fatalf("extraction created %s outside the sandbox", p)
		}
	}
	if got := readFile(t, filepath.Join(parent, "outside/victim")); got != "untouched" {
		t.Fatalf("file outside the sandbox changed to %q", got)
	}
	_ = filepath.WalkDir(sandbox, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		target, err := os.Readlink(p)
		if err != nil {
			return nil
		}
		if filepath.IsAbs(target) {
			t.Fatalf("symlink %s points to absolute %s", p, target)
		}
		// Resolve the whole chain and check it stays in the sandbox.
		if real, err := filepath.EvalSymlinks(p); err == nil {
			realSandbox, _ := filepath.EvalSymlinks(sandbox)
			if rel, err := filepath.Rel(realSandbox, real); err != nil || !filepath.IsLocal(rel) && rel != "." {
				t.Fatalf("symlink %s resolves to %s, outside the sandbox", p, real)
			}
		}
		return nil
	})
}

// fuzzExtract unpacks data (a tar stream, or a zip when isZip) into a
// fresh sandbox beside an "outside" directory and checks confinement.
func fuzzExtract(t *testing.T, base string, data []byte, isZip bool) {
	parent, err := os.MkdirTemp(base, "x")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(parent)
	sandbox := filepath.Join(parent, "sandbox")
	if err := os.MkdirAll(filepath.Join(parent, "outside"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(parent, "outside/victim"), []byte("untouched"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(sandbox, 0o755); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(sandbox)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	x := newExtractor(context.Background(), root, ExtractOptions{MaxExtractedSize: 1 << 20})
	if isZip {
		_ = x.zip(bytes.NewReader(data), int64(len(data)))
	} else {
		_ = x.tar(bytes.NewReader(data))
	}
	checkConfined(t, parent, sandbox)
}

// FuzzExtractTar: whatever the tar bytes, nothing is written outside the
// destination and no link leads out of it.
func FuzzExtractTar(f *testing.F) {
	f.Add(makeTar(f, dir("d"), file("d/f", "x"), symlink("d/l", "f"), hardlink("h", "d/f")))
	f.Add(makeTar(f, file("../outside/victim", "pwned")))
	f.Add(makeTar(f, symlink("l", "../outside"), file("l/victim", "pwned")))
	f.Add(makeTar(f, dir("x"), symlink("x/y", ".."), symlink("x/y/w", "../outside")))
	f.Add(makeTar(f, symlink("a", "b"), symlink("b", "../outside"), file("a/victim", "pwned")))
	f.Add(makeTar(f, file("/abs", "x")))
	f.Add(makeTar(f, hardlink("h", "../outside/victim")))
	base := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzExtract(t, base, data, false)
	})
}

// FuzzExtractZip: the same for zip archives.
func FuzzExtractZip(f *testing.F) {
	f.Add(makeZip(f, zipEntry{name: "d/f", body: "x"}, zipEntry{name: "d/l", body: "f", mode: fs.ModeSymlink | 0o777}))
	f.Add(makeZip(f, zipEntry{name: "../outside/victim", body: "pwned"}))
	f.Add(makeZip(f, zipEntry{name: "l", body: "../outside", mode: fs.ModeSymlink | 0o777}, zipEntry{name: "l/victim", body: "pwned"}))
	base := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzExtract(t, base, data, true)
	})
}

// FuzzOutputName: a URI and output_file never name a place outside the
// sandbox.
func FuzzOutputName(f *testing.F) {
	f.Add("http://h/a/b.tgz", "", false)
	f.Add("http://h/a/b.tgz", "../x", true)
	f.Add("/abs/..", "", false)
	f.Add("x", "a/../../b", true)
	f.Fuzz(func(t *testing.T, uri, out string, has bool) {
		name, err := outputName(trimURI(uri), out, has)
		if err != nil {
			return
		}
		if !filepath.IsLocal(name) || name == "." || strings.ContainsRune(name, 0) {
			t.Fatalf("outputName(%q, %q, %v) = %q escapes the sandbox", uri, out, has, name)
		}
		if rel, err := filepath.Rel("/sandbox", filepath.Join("/sandbox", name)); err != nil || !filepath.IsLocal(rel) {
			t.Fatalf("outputName(%q, %q) = %q joins outside", uri, out, name)
		}
	})
}
