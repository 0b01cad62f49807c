package launcher

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestStatusFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, clean := range []bool{true, false} {
		if err := writeStatus(dir, exitedStatus(3), clean); err != nil {
			t.Fatal(err)
		}
		st, gotClean, err := readStatus(dir)
		if err != nil || !st.Known || st.WaitStatus.ExitStatus() != 3 || gotClean != clean {
			t.Fatalf("readStatus after writeStatus(3, %v) = %v, %v, %v", clean, st, gotClean, err)
		}
	}
}

func TestReadStatusFormats(t *testing.T) {
	for _, c := range []struct {
		data         string
		known, clean bool
		ws           syscall.WaitStatus
		wantErr      bool
	}{
		{data: "256", known: true, ws: 256},                  // written before the clean mark existed
		{data: "9 clean\n", known: true, clean: true, ws: 9}, // killed by SIGKILL, nothing left
		{data: "", known: false},
		{data: " clean", wantErr: true},
		{data: "x", wantErr: true},
		{data: "99999999999", wantErr: true},
		{data: "1 dirty", wantErr: true},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, statusFile), []byte(c.data), 0o644); err != nil {
			t.Fatal(err)
		}
		st, clean, err := readStatus(dir)
		if (err != nil) != c.wantErr {
			t.Errorf("%q: err = %v, want error %v", c.data, err, c.wantErr)
			continue
		}
		if st.Known != c.known || clean != c.clean || (c.known && st.WaitStatus != c.ws) {
			t.Errorf("%q: got %v clean=%v, want known=%v ws=%v clean=%v", c.data, st, clean, c.known, c.ws, c.clean)
		}
	}
	if st, clean, err := readStatus(t.TempDir()); err != nil || st.Known || clean {
		t.Errorf("missing file: %v %v %v", st, clean, err)
	}
}

func FuzzReadStatus(f *testing.F) {
	for _, s := range []string{"0", "256 clean", "", "clean", "-1", "4294967295 clean\n"} {
		f.Add(s)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data string) {
		if err := os.WriteFile(filepath.Join(dir, statusFile), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		st, clean, err := readStatus(dir)
		if err != nil && (st.Known || clean) {
			t.Fatalf("%q: an error with a status: %v %v", data, st, clean)
		}
		if clean && !st.Known {
			t.Fatalf("%q: clean without a status", data)
		}
	})
}
