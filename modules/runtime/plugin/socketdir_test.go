package plugin

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomesos/mesos/modules"
)

func TestSocketDirStaysUnderTheUnixLimit(t *testing.T) {
	short := t.TempDir()
	if got := socketDir(short); len(short) < maxSocketDirLen-len("/sockets") && got != filepath.Join(short, "sockets") {
		t.Errorf("short state dir %q: sockets in %q, want beside the record", short, got)
	}
	long := filepath.Join(t.TempDir(), strings.Repeat("very-long-work-dir-", 8), "modules", "plugins")
	p, err := newDetachPaths(long, modules.Spec{Library: "lib", Name: "env"})
	if err != nil {
		t.Fatal(err)
	}
	// go-plugin's socket name: "plugin" and up to 20 digits.
	if n := len(filepath.Join(p.sockets, "plugin12345678901234567890")); n > 107 {
		t.Errorf("socket path of %d bytes exceeds the Unix limit: %s", n, p.sockets)
	}
	if again := socketDir(long); again != p.sockets {
		t.Errorf("socket dir not stable across restarts: %s then %s", p.sockets, again)
	}
}
