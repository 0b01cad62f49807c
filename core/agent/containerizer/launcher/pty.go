package launcher

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// TTY asks for the command to run attached to a pseudo-terminal, as
// Mesos does for a container whose ContainerInfo has a TTYInfo: the
// terminal's slave is the command's stdin, stdout and stderr and its
// controlling terminal (the command leads a session of its own), and the
// supervisor holds the master. It copies what the terminal writes to the
// Stdout file (stdout and stderr come out merged, as through any
// terminal) and what the Stdin FIFO brings to the terminal's input.
type TTY struct {
	// Rows and Columns are the terminal's initial window size; 0 and 0
	// leave it unset.
	Rows    uint16 `json:"rows,omitempty"`
	Columns uint16 `json:"columns,omitempty"`
	// Path is the slave's device, /dev/pts/N; Fork sets it.
	Path string `json:"path,omitempty"`
}

// ttyFile holds the slave's path in the container's runtime directory,
// for ResizeTTY.
const ttyFile = "tty"

// ErrNoTTY: the container was not launched with a terminal.
var ErrNoTTY = errors.New("the container has no TTY")

// openPTY allocates a pseudo-terminal for the command of spec: it opens
// the master, unlocks the slave, gives it the command's user (so that the
// command can reopen /dev/tty) and the initial window size, and opens
// it. The master is non-blocking, for the supervisor's poller.
func openPTY(t *TTY, user string) (master, slave *os.File, path string, err error) {
	mfd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, "", fmt.Errorf("Failed to open a master pseudo terminal: %w", err)
	}
	master = os.NewFile(uintptr(mfd), "/dev/ptmx")
	fail := func(format string, args ...any) (*os.File, *os.File, string, error) {
		master.Close()
		return nil, nil, "", fmt.Errorf(format, args...)
	}
	n, err := unix.IoctlGetUint32(mfd, unix.TIOCGPTN)
	if err != nil {
		return fail("Failed to get the slave pseudo terminal path: %w", err)
	}
	path = "/dev/pts/" + strconv.FormatUint(uint64(n), 10)
	if err := unix.IoctlSetPointerInt(mfd, unix.TIOCSPTLCK, 0); err != nil {
		return fail("Failed to unlock the slave pseudo terminal: %w", err)
	}
	if user != "" {
		cred, err := lookupCredential(user)
		if err != nil {
			return fail("Failed to chown the slave pseudo terminal to '%s': %w", user, err)
		}
		if err := os.Chown(path, int(cred.Uid), int(cred.Gid)); err != nil {
			return fail("Failed to chown the slave pseudo terminal: %w", err)
		}
	}
	if t.Rows != 0 || t.Columns != 0 {
		if err := setWindowSize(mfd, t.Rows, t.Columns); err != nil {
			return fail("Failed to set the window size: %w", err)
		}
	}
	sfd, err := unix.Open(path, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fail("Failed to open the slave pseudo terminal %s: %w", path, err)
	}
	return master, os.NewFile(uintptr(sfd), path), path, nil
}

// setWindowSize sets a terminal's window size; the kernel sends SIGWINCH
// to its foreground process group when the size changes.
func setWindowSize(fd int, rows, columns uint16) error {
	return unix.IoctlSetWinsize(fd, unix.TIOCSWINSZ, &unix.Winsize{Row: rows, Col: columns})
}

// ResizeTTY sets the window size of the terminal of the container whose
// runtime directory is dir (ATTACH_CONTAINER_INPUT's TTY_INFO). It goes
// through the slave's device, so that it works whoever holds the master
// (the supervisor) and after an agent restart; the caller makes sure the
// container still runs, so that the device is still its terminal.
func ResizeTTY(dir string, rows, columns uint16) error {
	data, err := os.ReadFile(filepath.Join(dir, ttyFile))
	if errors.Is(err, os.ErrNotExist) {
		return ErrNoTTY
	}
	if err != nil {
		return fmt.Errorf("read the container's terminal: %w", err)
	}
	path := strings.TrimSpace(string(data))
	if !strings.HasPrefix(path, "/dev/pts/") {
		return fmt.Errorf("container terminal %q is not a pseudo-terminal", path)
	}
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer unix.Close(fd)
	if err := setWindowSize(fd, rows, columns); err != nil {
		return fmt.Errorf("set the window size of %s: %w", path, err)
	}
	return nil
}
