package plugin

import (
	"log/slog"
	"testing"
)

func TestParseLogLine(t *testing.T) {
	for _, tc := range []struct {
		line  string
		ok    bool
		level slog.Level
		msg   string
		attrs int
	}{
		{`{"@level":"warn","@message":"hi","@timestamp":"x","free":3}`, true, slog.LevelWarn, "hi", 2},
		{`{"@level":"debug","@message":"m","@module":"go-plugin"}`, true, slog.LevelDebug, "m", 2},
		{`{"@message": 1, "@level": 5}`, false, 0, "", 0},
		{`{"@level":"info"}`, false, 0, "", 0},
		{`{"@level":"loud","@message":"m"}`, false, 0, "", 0},
		{`[1,2]`, false, 0, "", 0},
		{`plain text`, false, 0, "", 0},
		{`{"@level":"info","@message":"m"`, false, 0, "", 0},
	} {
		level, msg, attrs, ok := parseLogLine(tc.line)
		if ok != tc.ok || (ok && (level != tc.level || msg != tc.msg || len(attrs) != tc.attrs)) {
			t.Errorf("parseLogLine(%s) = %v %q %v %v", tc.line, level, msg, attrs, ok)
		}
		if ok && tc.line[len(tc.line)-2:] == `n"}` && attrs[0] != "logger" {
			t.Errorf("hclog's @module became %v", attrs[0])
		}
	}
}

func TestLineWriter(t *testing.T) {
	var got []string
	w := &lineWriter{emit: func(s string) { got = append(got, s) }}
	_, _ = w.Write([]byte("one\ntw"))
	_, _ = w.Write([]byte("o\r\nthree"))
	if len(got) != 2 || got[0] != "one" || got[1] != "two" {
		t.Errorf("lines %q", got)
	}
	long := make([]byte, maxLine+10)
	for i := range long {
		long[i] = 'x'
	}
	got = nil
	_, _ = w.Write(long)
	if len(got) != 1 || len(got[0]) != maxLine {
		t.Errorf("a long line gave %d lines", len(got))
	}
}
