//go:build linux

package plugin

import (
	"bufio"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary plays a host (middle) that starts a plugin (leaf)
// watching its parent, then is killed; the leaf must go too.
const parentTestEnv = "SDK_PARENT_TEST_ROLE"

func TestMain(m *testing.M) {
	switch os.Getenv(parentTestEnv) {
	case "middle":
		leaf := exec.Command(os.Args[0], "-test.run=^$")
		leaf.Env = append(os.Environ(), parentTestEnv+"=leaf")
		leaf.Stderr = os.Stderr
		if err := leaf.Start(); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println(leaf.Process.Pid)
		time.Sleep(time.Hour)
	case "leaf":
		log := slog.New(slog.NewTextHandler(os.Stderr, nil))
		if err := exitWithParent(log, 0, os.Exit); err != nil {
			os.Exit(2)
		}
		time.Sleep(time.Hour)
	}
	os.Exit(m.Run())
}

func alive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	return i > 0 && i+2 < len(s) && s[i+2] != 'Z' && s[i+2] != 'X'
}

func TestExitsWithItsParent(t *testing.T) {
	middle := exec.Command(os.Args[0], "-test.run=^$")
	middle.Env = append(os.Environ(), parentTestEnv+"=middle")
	middle.Stderr = t.Output()
	out, err := middle.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := middle.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatalf("middle said %q", line)
	}
	time.Sleep(100 * time.Millisecond) // let the leaf set itself up
	if !alive(leaf) {
		t.Fatal("the leaf is not running")
	}
	_ = middle.Process.Kill()
	_ = middle.Wait()
	deadline := time.Now().Add(5 * time.Second)
	for alive(leaf) {
		if time.Now().After(deadline) {
			_ = syscall.Kill(leaf, syscall.SIGKILL)
			t.Fatal("the plugin outlived its parent")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
