package fetcher

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// extractBytes writes data as name and extracts it into a fresh directory
// inside a parent, which the caller checks stays clean.
func extractBytes(t *testing.T, name string, data []byte, opts ExtractOptions) (parent, dest string, err error) {
	t.Helper()
	parent = t.TempDir()
	dest = filepath.Join(parent, "sandbox")
	if err := os.Mkdir(dest, 0o755); err != nil {
		t.Fatal(err)
	}
	src := writeTemp(t, name, data)
	_, err = Extract(context.Background(), src, name, dest, opts)
	return parent, dest, err
}

func TestExtractFormats(t *testing.T) {
	tarData := makeTar(t, dir("d"), file("d/a.txt", "A"), file("b.txt", "B"), symlink("d/link", "../b.txt"))
	tests := []struct {
		name string
		data []byte
	}{
		{"x.tar", tarData},
		{"x.tar.gz", gz(t, tarData)},
		{"x.tgz", gz(t, tarData)},
		{"x.tar", gz(t, tarData)}, // content decides the compression
		{"x.zip", makeZip(t, zipEntry{name: "d/", mode: fs.ModeDir | 0o755}, zipEntry{name: "d/a.txt", body: "A"},
			zipEntry{name: "b.txt", body: "B"}, zipEntry{name: "d/link", body: "../b.txt", mode: fs.ModeSymlink | 0o777})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, dest, err := extractBytes(t, tt.name, tt.data, ExtractOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := readFile(t, filepath.Join(dest, "d/a.txt")); got != "A" {
				t.Errorf("d/a.txt = %q", got)
			}
			if got := readFile(t, filepath.Join(dest, "d/link")); got != "B" {
				t.Errorf("d/link reads %q", got)
			}
		})
	}
}

func TestExtractCompressedWithTools(t *testing.T) {
	tarData := makeTar(t, file("inside.txt", "xz and bzip2"))
	for _, tool := range []struct{ prog, name string }{{"bzip2", "x.tar.bz2"}, {"bzip2", "x.tbz2"}, {"xz", "x.tar.xz"}, {"xz", "x.txz"}} {
		t.Run(tool.name, func(t *testing.T) {
			if _, err := exec.LookPath(tool.prog); err != nil {
				t.Skipf("%s not installed", tool.prog)
			}
			cmd := exec.Command(tool.prog, "-c")
			cmd.Stdin = bytes.NewReader(tarData)
			data, err := cmd.Output()
			if err != nil {
				t.Fatal(err)
			}
			_, dest, err := extractBytes(t, tool.name, data, ExtractOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := readFile(t, filepath.Join(dest, "inside.txt")); got != "xz and bzip2" {
				t.Errorf("inside.txt = %q", got)
			}
		})
	}
}

func TestExtractXZMissing(t *testing.T) {
	_, _, err := extractBytes(t, "x.txz", []byte{0xfd, '7', 'z', 'X', 'Z', 0, 1, 2}, ExtractOptions{XZ: "no-such-xz-program"})
	if err == nil || !strings.Contains(err.Error(), "no-such-xz-program") {
		t.Fatalf("err = %v, want one naming the missing program", err)
	}
}

func TestExtractGzipFile(t *testing.T) {
	_, dest, err := extractBytes(t, "notes.txt.gz", gz(t, []byte("plain")), ExtractOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(dest, "notes.txt")); got != "plain" {
		t.Errorf("notes.txt = %q", got)
	}
}

func TestExtractNotArchive(t *testing.T) {
	parent := t.TempDir()
	src := writeTemp(t, "x.jar", []byte("PK"))
	extracted, err := Extract(context.Background(), src, "x.jar", parent, ExtractOptions{})
	if extracted || err != nil {
		t.Fatalf("Extract(x.jar) = %v, %v", extracted, err)
	}
}

func TestExtractRefusesEscapes(t *testing.T) {
	tests := []struct {
		name    string
		archive string
		data    func(t *testing.T) []byte
	}{
		{"dotdot", "x.tar.gz", func(t *testing.T) []byte { return gz(t, makeTar(t, file("../escape", "x"))) }},
		{"nested dotdot", "x.tar", func(t *testing.T) []byte { return makeTar(t, file("a/../../escape", "x")) }},
		{"cancelling dotdot", "x.tar", func(t *testing.T) []byte { return makeTar(t, file("a/../b", "x")) }},
		{"absolute", "x.tar", func(t *testing.T) []byte { return makeTar(t, file("/tmp/escape", "x")) }},
		{"absolute symlink", "x.tar", func(t *testing.T) []byte { return makeTar(t, symlink("link", "/etc")) }},
		{"relative symlink out", "x.tar", func(t *testing.T) []byte { return makeTar(t, symlink("a/link", "../../escape")) }},
		{"symlink to parent", "x.tar", func(t *testing.T) []byte { return makeTar(t, symlink("link", "..")) }},
		{"write through symlink", "x.tar", func(t *testing.T) []byte {
			// The link itself stays inside, but writing through it is refused.
			return makeTar(t, dir("real"), symlink("via", "real"), file("via/f", "x"))
		}},
		{"symlink chain out", "x.tar", func(t *testing.T) []byte {
			// x/y -> .. is the sandbox itself; x/y/w -> .. would be its parent.
			return makeTar(t, dir("x"), symlink("x/y", ".."), symlink("x/y/w", ".."))
		}},
		{"hardlink to symlink", "x.tar", func(t *testing.T) []byte {
			return makeTar(t, dir("a"), symlink("a/l", "../f"), hardlink("l2", "a/l"))
		}},
		{"hardlink dotdot", "x.tar", func(t *testing.T) []byte { return makeTar(t, hardlink("l", "../outside")) }},
		{"hardlink absolute", "x.tar", func(t *testing.T) []byte { return makeTar(t, hardlink("l", "/etc/passwd")) }},
		{"zip dotdot", "x.zip", func(t *testing.T) []byte { return makeZip(t, zipEntry{name: "../escape", body: "x"}) }},
		{"zip backslash dotdot", "x.zip", func(t *testing.T) []byte { return makeZip(t, zipEntry{name: `..\escape`, body: "x"}) }},
		{"zip absolute", "x.zip", func(t *testing.T) []byte { return makeZip(t, zipEntry{name: "/escape", body: "x"}) }},
		{"zip symlink out", "x.zip", func(t *testing.T) []byte {
			return makeZip(t, zipEntry{name: "l", body: "/etc", mode: fs.ModeSymlink | 0o777})
		}},
		{"gzip name", ".gz", func(t *testing.T) []byte { return gz(t, []byte("x")) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent, _, err := extractBytes(t, tt.archive, tt.data(t), ExtractOptions{})
			if err == nil {
				t.Fatal("extraction succeeded")
			}
			if tt.name != "gzip name" && !errors.Is(err, ErrUnsafeArchive) {
				t.Errorf("error %v does not wrap ErrUnsafeArchive", err)
			}
			for _, p := range listTree(t, parent) {
				if p != "sandbox" && !strings.HasPrefix(p, "sandbox/") {
					t.Errorf("extraction wrote %s outside the sandbox", p)
				}
			}
		})
	}
}

func TestExtractKeepsInsideLinks(t *testing.T) {
	data := makeTar(t, dir("a"), file("a/f", "F"), symlink("a/up", "../a/f"), hardlink("h", "a/f"), symlink("self", "."))
	_, dest, err := extractBytes(t, "x.tar", data, ExtractOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(dest, "a/up")); got != "F" {
		t.Errorf("a/up = %q", got)
	}
	if got := readFile(t, filepath.Join(dest, "h")); got != "F" {
		t.Errorf("h = %q", got)
	}
}

func TestExtractSkipsDevicesAndReplacesSymlinks(t *testing.T) {
	data := makeTar(t,
		tarEntry{name: "null", typ: tar.TypeChar, mode: 0o666},
		tarEntry{name: "fifo", typ: tar.TypeFifo, mode: 0o666},
		file("target", "T"),
		symlink("f", "target"),
		file("f", "replaced"), // replaces the link, does not write through it
	)
	_, dest, err := extractBytes(t, "x.tar", data, ExtractOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := listTree(t, dest)
	if contains(got, "null") || contains(got, "fifo") {
		t.Errorf("device or fifo created: %v", got)
	}
	if readFile(t, filepath.Join(dest, "target")) != "T" || readFile(t, filepath.Join(dest, "f")) != "replaced" {
		t.Error("file entry wrote through a symlink")
	}
}

func TestExtractModes(t *testing.T) {
	data := makeTar(t, tarEntry{name: "run.sh", typ: tar.TypeReg, body: "#!/bin/sh", mode: 0o4755})
	_, dest, err := extractBytes(t, "x.tar", data, ExtractOptions{})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(filepath.Join(dest, "run.sh"))
	if st.Mode().Perm() != 0o755 || st.Mode()&fs.ModeSetuid != 0 {
		t.Errorf("mode %v, want -rwxr-xr-x without setuid", st.Mode())
	}
}

func TestExtractBudget(t *testing.T) {
	data := gz(t, makeTar(t, file("big", strings.Repeat("z", 1<<20))))
	_, _, err := extractBytes(t, "x.tgz", data, ExtractOptions{MaxExtractedSize: 1000})
	if !errors.Is(err, errExtractTooLarge) {
		t.Fatalf("err = %v, want errExtractTooLarge", err)
	}
	if _, _, err := extractBytes(t, "x.tgz", data, ExtractOptions{MaxExtractedSize: 1 << 20}); err != nil {
		t.Fatalf("exactly at the budget: %v", err)
	}
}

func TestExtractCorrupt(t *testing.T) {
	for _, name := range []string{"x.tar", "x.tgz", "x.zip"} {
		if _, _, err := extractBytes(t, name, []byte("definitely not an archive, but long enough to look at"), ExtractOptions{}); err == nil {
			t.Errorf("%s: corrupt archive accepted", name)
		}
	}
}
