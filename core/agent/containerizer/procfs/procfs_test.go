package procfs

import (
	"os"
	"testing"
)

func TestParseStat(t *testing.T) {
	// A command name with spaces and parentheses, as a task may choose.
	line := "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0 123456 10000000 512 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n"
	p, err := ParseStat(line)
	if err != nil {
		t.Fatal(err)
	}
	want := Process{Pid: 4242, Comm: "my (odd) name", State: 'S', Ppid: 1, Pgrp: 4242, Session: 4242,
		UserTicks: 250, SystemTicks: 50, Threads: 3, StartTicks: 123456, RSSPages: 512}
	if p != want {
		t.Errorf("ParseStat = %+v, want %+v", p, want)
	}
	for _, bad := range []string{"", "12 no parens", "12 (x) S 1"} {
		if _, err := ParseStat(bad); err == nil {
			t.Errorf("ParseStat(%q) accepted", bad)
		}
	}
}

func TestSelf(t *testing.T) {
	p, err := Stat(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if p.Pid != os.Getpid() || p.Ppid != os.Getppid() || p.StartTicks == 0 || p.RSSBytes() == 0 {
		t.Errorf("Stat(self) = %+v", p)
	}
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	tree := Descendants(all, os.Getppid())
	if len(tree) < 2 || tree[0].Pid != os.Getppid() {
		t.Errorf("Descendants(parent) = %v", tree)
	}
	if _, err := Stat(1 << 30); err == nil {
		t.Error("Stat of a missing pid succeeded")
	}
}

func FuzzParseStat(f *testing.F) {
	f.Add("1 (init) S 0 1 1 0 -1 4194560 1 0 0 0 1 1 0 0 20 0 1 0 1 1 1 1")
	f.Add("2 ((a) b)) R 1 2 2 0 -1 0 0 0 0 0 0 0 0 0 0 0 1 0 5 0 0")
	f.Fuzz(func(t *testing.T, line string) {
		p, err := ParseStat(line)
		if err == nil && p.Comm != "" && len(p.Comm) > len(line) {
			t.Fatalf("command longer than its line: %q", p.Comm)
		}
	})
}
