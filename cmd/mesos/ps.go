package main

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// mesos ps lists the cluster's active tasks as Mesos's mesos-ps does: one
// row per task of an active framework, grouped by agent, with the memory,
// CPU time and CPU limit of the task's executor from the agent's
// /monitor/statistics. The columns are those of mesos-ps (a title followed
// by a fixed padding; longer values are cut and end in "... "), and a
// column is blank when the agent could not tell.

// psColumn is one of mesos-ps's columns.
type psColumn struct {
	title   string
	padding int
}

var psColumns = []psColumn{
	{"USER", 4},
	{"FRAMEWORK", 4},
	{"TASK", 6},
	{"SLAVE", 14},
	{"MEM", 16},
	{"TIME", 14},
	{"CPU (allocated)", 0}, // the right-most column needs no padding
}

func (c psColumn) width() int { return len(c.title) + c.padding }

// cell is mesos-ps's Column.truncate: the text padded to the column's
// width, or cut with "... " when it does not fit; nil is blank.
func (c psColumn) cell(text *string) string {
	w := c.width()
	if text == nil {
		return strings.Repeat(" ", w)
	}
	n := utf8.RuneCountInString(*text)
	if n < w {
		return *text + strings.Repeat(" ", w-n)
	}
	return string([]rune(*text)[:max(w-4, 0)]) + "... "
}

type psRow struct {
	framework masterFramework
	task      masterTask
}

func runPs(e *env) error {
	_, body, err := e.client.masterState(e.ctx, e.flags.Master)
	if err != nil {
		return err
	}
	var state masterState
	if err := json.Unmarshal(body, &state); err != nil {
		return fmt.Errorf("Failed to get the master state: decode it: %w", err)
	}

	// The active tasks by agent.
	active := map[string][]psRow{}
	for _, fw := range state.Frameworks {
		for _, t := range fw.Tasks {
			active[t.SlaveID] = append(active[t.SlaveID], psRow{fw, t})
		}
	}
	var agents []masterAgent
	for _, a := range state.Slaves {
		if len(active[a.ID]) > 0 {
			agents = append(agents, a)
		}
	}

	// Every agent's statistics, asked at once; an agent that fails to
	// answer leaves its rows' usage blank, as in mesos-ps.
	stats := make([][]executorStatistics, len(agents))
	var wg sync.WaitGroup
	for i, a := range agents {
		wg.Go(func() {
			var s []executorStatistics
			if err := e.client.getJSON(e.ctx, pidAddress(a.PID), "/monitor/statistics", nil, &s); err != nil {
				e.log.Warn("failed to get the agent's statistics", "agent", a.ID, "hostname", a.Hostname, "error", err)
				return
			}
			stats[i] = s
		})
	}
	wg.Wait()
	if err := e.ctx.Err(); err != nil {
		return err
	}

	var b strings.Builder
	for _, c := range psColumns {
		b.WriteString(c.title)
		b.WriteString(strings.Repeat(" ", c.padding))
	}
	for i, a := range agents {
		for _, r := range active[a.ID] {
			s := findStatistics(stats[i], r.task)
			cells := []*string{
				&r.framework.User, &r.framework.Name, &r.task.Name, &a.Hostname,
				psMem(s), psTime(s), psCPUs(s),
			}
			b.WriteString("\n")
			for j, c := range psColumns {
				b.WriteString(c.cell(cells[j]))
			}
		}
	}
	b.WriteString("\n")
	_, err = fmt.Fprint(e.stdout, b.String())
	return err
}

// findStatistics is the entry of the task's executor (nil: none).
func findStatistics(stats []executorStatistics, t masterTask) *executorStatistics {
	for i := range stats {
		if stats[i].FrameworkID == t.FrameworkID && stats[i].ExecutorID == t.executorID() {
			return &stats[i]
		}
	}
	return nil
}

// psMem is "<rss>/<limit>" as mesos-ps writes it ("12.5 MB/64.0 MB").
func psMem(s *executorStatistics) *string {
	if s == nil || s.Statistics.MemRSSBytes == nil || s.Statistics.MemLimitBytes == nil {
		return nil
	}
	v := dataSize(s.Statistics.MemRSSBytes.float()) + "/" + dataSize(s.Statistics.MemLimitBytes.float())
	return &v
}

// dataSize is mesos-ps's data_size(bytes, "%.1f").
func dataSize(bytes float64) string {
	switch {
	case bytes < 1024:
		return fmt.Sprintf("%.1f B", bytes)
	case bytes < 1024*1024:
		return fmt.Sprintf("%.1f KB", bytes/1024)
	case bytes < 1024*1024*1024:
		return fmt.Sprintf("%.1f MB", bytes/(1024*1024))
	}
	return fmt.Sprintf("%.1f GB", bytes/(1024*1024*1024))
}

// psTime is the executor's CPU time (system and user) as mesos-ps writes
// it: a UTC time of day, "%H:%M:%S.%f" ("00:00:01.250000").
func psTime(s *executorStatistics) *string {
	if s == nil || s.Statistics.CPUsSystemTimeSecs == nil || s.Statistics.CPUsUserTimeSecs == nil {
		return nil
	}
	v := clockTime(s.Statistics.CPUsSystemTimeSecs.float() + s.Statistics.CPUsUserTimeSecs.float())
	return &v
}

// clockTime is Python's utcfromtimestamp(secs).strftime('%H:%M:%S.%f').
func clockTime(secs float64) string {
	us := int64(math.Round(secs * 1e6))
	const day = 24 * 3600 * 1e6
	us = ((us % day) + day) % day
	h := us / 3600e6
	m := us / 60e6 % 60
	s := us / 1e6 % 60
	return fmt.Sprintf("%02d:%02d:%02d.%06d", h, m, s, us%1e6)
}

// psCPUs is the executor's CPU limit, as Python 2's str() prints it.
func psCPUs(s *executorStatistics) *string {
	if s == nil || s.Statistics.CPUsLimit == nil {
		return nil
	}
	v := pyStr(*s.Statistics.CPUsLimit)
	return &v
}

// pyStr is Python 2's str() of a number json.loads read: an integer as
// written, a float with 12 significant digits and a ".0" when it would
// look like an integer.
func pyStr(n number) string {
	if n.isInteger() {
		if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			return strconv.FormatInt(i, 10)
		}
	}
	s := strconv.FormatFloat(n.float(), 'g', 12, 64)
	if !strings.ContainsAny(s, ".eIN") {
		s += ".0"
	}
	return s
}
