package qos

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// Load is the system load average over 1, 5 and 15 minutes.
type Load struct{ One, Five, Fifteen float64 }

// LoadAverage reads the system load average.
type LoadAverage func() (Load, error)

// ProcLoadAverage reads /proc/loadavg, as getloadavg(3) (which Mesos
// calls) does on Linux.
func ProcLoadAverage() (Load, error) {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return Load{}, fmt.Errorf("read load average: %w", err)
	}
	return ParseLoadAverage(string(data))
}

// ParseLoadAverage parses the text of /proc/loadavg
// ("0.52 0.58 0.59 1/467 12345"): its first three fields.
func ParseLoadAverage(text string) (Load, error) {
	fields := strings.Fields(text)
	if len(fields) < 3 {
		return Load{}, fmt.Errorf("parse load average %q: want at least 3 fields, got %d", text, len(fields))
	}
	var v [3]float64
	for i := range v {
		f, err := strconv.ParseFloat(fields[i], 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
			return Load{}, fmt.Errorf("parse load average %q: field %d (%q) is not a load", text, i+1, fields[i])
		}
		v[i] = f
	}
	return Load{One: v[0], Five: v[1], Fifteen: v[2]}, nil
}
