package logger_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomesos/mesos/builtin/logger"
)

var quiet = slog.New(slog.DiscardHandler)

// readLog returns a file's content, gunzipped if it ends in .gz, or nil if
// it does not exist.
func readLog(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if data, err = io.ReadAll(zr); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	return data
}

func files(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// page is a page of one repeated letter, so that files show which writes
// they hold.
func page(c byte) []byte { return bytes.Repeat([]byte{c}, os.Getpagesize()) }

func TestRotatorRotates(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "stdout")
	pg := int64(os.Getpagesize())
	r, err := logger.NewRotator(path, 2*pg, logger.RotateOptions{Rotations: 2}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	// Pages a..e, two per file: "ab" "cd" "e"; rotate 2 keeps two old files.
	for _, c := range []byte("abcde") {
		if _, err := r.Write(page(c)); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := files(t, dir), []string{"stdout", "stdout.1", "stdout.2"}; !slices.Equal(got, want) {
		t.Fatalf("files = %v, want %v", got, want)
	}
	for name, want := range map[string][]byte{
		"stdout":   page('e'),
		"stdout.1": append(page('c'), page('d')...),
		"stdout.2": append(page('a'), page('b')...),
	} {
		if got := readLog(t, filepath.Join(dir, name)); !bytes.Equal(got, want) {
			t.Errorf("%s holds %d bytes starting %q, want %d bytes starting %q", name, len(got), got[:min(len(got), 1)], len(want), want[:1])
		}
	}
	// One more file's worth drops the oldest.
	for _, c := range []byte("fg") {
		if _, err := r.Write(page(c)); err != nil {
			t.Fatal(err)
		}
	}
	if got := readLog(t, filepath.Join(dir, "stdout.2")); !bytes.Equal(got, append(page('c'), page('d')...)) {
		t.Errorf("stdout.2 did not move on: starts %q", got[:1])
	}
}

func TestRotatorNeverExceedsMaxSize(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "stderr")
	max := int64(os.Getpagesize()) + 100
	r, err := logger.NewRotator(path, max, logger.RotateOptions{Rotations: 50}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	var all []byte
	for i := range 40 {
		chunk := bytes.Repeat([]byte{byte('a' + i%26)}, 37*i+1)
		all = append(all, chunk...)
		if _, err := r.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	_ = r.Close()
	// Oldest first, the files hold everything, each within the limit.
	var got []byte
	for n := 50; n >= 1; n-- {
		data := readLog(t, r.RotatedName(n))
		if int64(len(data)) > max {
			t.Errorf("%s holds %d bytes, max %d", r.RotatedName(n), len(data), max)
		}
		got = append(got, data...)
	}
	got = append(got, readLog(t, path)...)
	if !bytes.Equal(got, all) {
		t.Errorf("rotated files hold %d bytes, want the %d written", len(got), len(all))
	}
}

func TestRotatorNoRotationsKeepsNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "stdout")
	r, err := logger.NewRotator(path, int64(os.Getpagesize()), logger.RotateOptions{}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []byte("abc") {
		if _, err := r.Write(page(c)); err != nil {
			t.Fatal(err)
		}
	}
	_ = r.Close()
	if got := files(t, dir); !slices.Equal(got, []string{"stdout"}) {
		t.Errorf("files = %v, want only stdout", got)
	}
	if got := readLog(t, path); !bytes.Equal(got, page('c')) {
		t.Errorf("stdout starts %q, want the last page", got[:1])
	}
}

func TestRotatorCompress(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  logger.RotateOptions
		files []string
	}{
		{"compress", logger.RotateOptions{Rotations: 3, Compress: true},
			[]string{"stdout", "stdout.1.gz", "stdout.2.gz", "stdout.3.gz"}},
		{"delaycompress", logger.RotateOptions{Rotations: 3, Compress: true, DelayCompress: true},
			[]string{"stdout", "stdout.1", "stdout.2.gz", "stdout.3.gz"}},
		{"delaycompress without compress", logger.RotateOptions{Rotations: 2, DelayCompress: true},
			[]string{"stdout", "stdout.1", "stdout.2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "stdout")
			r, err := logger.NewRotator(path, int64(os.Getpagesize()), tc.opts, quiet)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []byte("abcde") {
				if _, err := r.Write(page(c)); err != nil {
					t.Fatal(err)
				}
			}
			_ = r.Close()
			if got := files(t, dir); !slices.Equal(got, tc.files) {
				t.Fatalf("files = %v, want %v", got, tc.files)
			}
			for i, name := range tc.files {
				want := page("edcba"[i])
				if got := readLog(t, filepath.Join(dir, name)); !bytes.Equal(got, want) {
					t.Errorf("%s does not hold page %c", name, "edcba"[i])
				}
			}
		})
	}
}

func TestRotatorCountsExistingFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "stdout")
	if err := os.WriteFile(path, page('x'), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := logger.NewRotator(path, int64(os.Getpagesize()), logger.RotateOptions{Rotations: 1}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Write([]byte("y")); err != nil {
		t.Fatal(err)
	}
	_ = r.Close()
	if got := readLog(t, path); string(got) != "y" {
		t.Errorf("stdout = %q, want the new byte only", got)
	}
	if got := readLog(t, path+".1"); !bytes.Equal(got, page('x')) {
		t.Error("the earlier content was not rotated")
	}
}

func TestRotatorMaxSizeAtLeastAPage(t *testing.T) {
	if _, err := logger.NewRotator(filepath.Join(t.TempDir(), "x"), int64(os.Getpagesize())-1, logger.RotateOptions{}, quiet); err == nil {
		t.Error("a maximum size under a page was accepted")
	}
}

func TestRotatorFailedRotationKeepsWriting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "stdout")
	r, err := logger.NewRotator(path, int64(os.Getpagesize()), logger.RotateOptions{Rotations: 1}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	// A directory where the rotated file should go makes rotation fail.
	if err := os.MkdirAll(filepath.Join(dir, "stdout.1", "busy"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []byte("ab") {
		if _, err := r.Write(page(c)); err != nil {
			t.Fatalf("Write after a failed rotation = %v", err)
		}
	}
	_ = r.Close()
	if got := readLog(t, path); !bytes.Equal(got, append(page('a'), page('b')...)) {
		t.Errorf("stdout holds %d bytes, want both pages", len(got))
	}
}
