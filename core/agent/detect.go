package agent

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/gomesos/mesos/core/resources"
)

const (
	megabyte = 1 << 20
	gigabyte = 1 << 30
	// defaultPorts is what an agent offers when --resources has no ports.
	defaultPorts = "[31000-32000]"
)

// totalResources is --resources with what it leaves out detected from the
// host, as Mesos's Containerizer::resources does: cpus from the machine;
// mem the total less 1GB for the system when there are at least 2GB, half
// of it otherwise; disk the size of the work directory's file system less
// 5GB when it has at least 10GB, half of it otherwise; ports
// [31000-32000]. As in Mesos, a resource counts as given when its name
// appears anywhere in the flag ("cpus:0" turns detection off).
func totalResources(flag, role, workDir string) (resources.Resources, error) {
	total, err := resources.Parse(flag, role)
	if err != nil {
		return resources.Resources{}, fmt.Errorf("invalid --resources: %w", err)
	}
	add := func(name, value string) error {
		r, err := resources.Parse(name+":"+value, role)
		if err != nil {
			return fmt.Errorf("detected %s %s: %w", name, value, err)
		}
		total = total.Add(r)
		return nil
	}
	if !strings.Contains(flag, "cpus") {
		if err := add("cpus", strconv.Itoa(runtime.NumCPU())); err != nil {
			return total, err
		}
	}
	if !strings.Contains(flag, "mem") {
		mem, err := memTotal()
		if err != nil {
			return total, fmt.Errorf("detect memory (give mem in --resources instead): %w", err)
		}
		if mem >= 2*gigabyte {
			mem -= gigabyte
		} else {
			mem /= 2
		}
		if err := add("mem", formatMB(mem)); err != nil {
			return total, err
		}
	}
	if !strings.Contains(flag, "disk") {
		disk, err := diskSize(workDir)
		if err != nil {
			return total, fmt.Errorf("detect disk of %s (give disk in --resources instead): %w", workDir, err)
		}
		if disk >= 10*gigabyte {
			disk -= 5 * gigabyte
		} else {
			disk /= 2
		}
		if err := add("disk", formatMB(disk)); err != nil {
			return total, err
		}
	}
	if !strings.Contains(flag, "ports") {
		if err := add("ports", defaultPorts); err != nil {
			return total, err
		}
	}
	return total, nil
}

func formatMB(bytes uint64) string {
	return strconv.FormatFloat(float64(bytes)/megabyte, 'f', -1, 64)
}

// memTotal reads MemTotal from /proc/meminfo.
func memTotal() (uint64, error) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, err := strconv.ParseUint(fields[1], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("parse MemTotal: %w", err)
			}
			return kb * 1024, nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no MemTotal in /proc/meminfo")
}

// memFree reads MemFree from /proc/meminfo (for system/mem_free_bytes).
func memFree() (uint64, error) {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) >= 2 && fields[0] == "MemFree:" {
			kb, err := strconv.ParseUint(fields[1], 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no MemFree in /proc/meminfo")
}

// diskSize is the size of the file system holding path (Mesos's
// fs::size).
func diskSize(path string) (uint64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return 0, err
	}
	return st.Blocks * uint64(st.Frsize), nil
}

// loadAverages reads /proc/loadavg.
func loadAverages() (one, five, fifteen float64, err error) {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0, 0, 0, err
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return 0, 0, 0, fmt.Errorf("malformed /proc/loadavg")
	}
	one, _ = strconv.ParseFloat(f[0], 64)
	five, _ = strconv.ParseFloat(f[1], 64)
	fifteen, _ = strconv.ParseFloat(f[2], 64)
	return one, five, fifteen, nil
}
