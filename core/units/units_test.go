package units

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want Duration
	}{
		{"0ns", 0},
		{"1ns", Nanosecond},
		{"10us", 10 * Microsecond},
		{"100ms", 100 * Millisecond},
		{"5secs", 5 * Second},
		{"15mins", 15 * Minute},
		{"2hrs", 2 * Hour},
		{"3days", 3 * Day},
		{"1weeks", Week},
		{"1.5secs", 1500 * Millisecond},
		{"0.5ms", 500 * Microsecond},
		{".5secs", 500 * Millisecond},
		{"5.secs", 5 * Second},
		{"0.3secs", 300 * Millisecond}, // rounded, not truncated
		{"007secs", 7 * Second},
		{"9223372036854775807ns", math.MaxInt64}, // exact, no double rounding
		{"15250weeks", 15250 * Week},
	}
	for _, tc := range tests {
		got, err := ParseDuration(tc.in)
		if err != nil {
			t.Errorf("ParseDuration(%q): unexpected error %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseDuration(%q) = %d, want %d", tc.in, int64(got), int64(tc.want))
		}
	}
}

func TestParseDurationErrors(t *testing.T) {
	tests := []struct {
		in, wantErr string
	}{
		{"", "Invalid duration ''"},
		{"5", "Invalid duration '5'"},
		{"1.5", "Invalid duration '1.5'"},
		{"secs", "Failed to convert '' to number"},
		{"5s", "Unknown duration unit 's'"},
		{"5sec", "Unknown duration unit 'sec'"},
		{"5SECS", "Unknown duration unit 'SECS'"}, // units are case-sensitive in stout
		{"5 secs", "Unknown duration unit ' secs'"},
		{"-5secs", "Failed to convert '' to number"}, // no negative durations
		{"+5secs", "Failed to convert '' to number"},
		{"1e3secs", "Unknown duration unit 'e3secs'"},
		{"1.2.3secs", "Failed to convert '1.2.3' to number"},
		{".secs", "Failed to convert '.' to number"},
		{"5m", "Unknown duration unit 'm'"},
		{"1h30m", "Unknown duration unit 'h30m'"},
		{"15251weeks", "out of range"},
		{"9223372036854775808ns", "out of range"},
		{"99999999999999999999999secs", "out of range"},
		{"1e400weeks", "Unknown duration unit"},
		{"100000000000.5weeks", "out of range"},
	}
	for _, tc := range tests {
		_, err := ParseDuration(tc.in)
		if err == nil {
			t.Errorf("ParseDuration(%q): expected error containing %q", tc.in, tc.wantErr)
			continue
		}
		if !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("ParseDuration(%q) error %q, want it to contain %q", tc.in, err, tc.wantErr)
		}
	}
}

// The expected strings are what stout's operator<< prints for the same
// values (see stout/tests/duration_tests.cpp for several of them).
func TestDurationString(t *testing.T) {
	tests := []struct {
		in   Duration
		want string
	}{
		{0, "0ns"},
		{Nanosecond, "1ns"},
		{999 * Nanosecond, "999ns"},
		{Microsecond, "1us"},
		{1001 * Nanosecond, "1001ns"},
		{Millisecond, "1ms"},
		{1500 * Microsecond, "1500us"},
		{Millisecond + Nanosecond, "1.000001ms"},
		{100 * Millisecond, "100ms"},
		{Second, "1secs"},
		{5 * Second, "5secs"},
		{1500 * Millisecond, "1500ms"},
		{15 * Second, "15secs"},
		{Minute, "1mins"},
		{90 * Second, "90secs"},
		{15 * Minute, "15mins"},
		{10 * Minute, "10mins"},
		{Hour, "1hrs"},
		{2 * Hour, "2hrs"},
		{90 * Minute, "90mins"},
		{Day, "1days"},
		{36 * Hour, "36hrs"},
		{Week, "1weeks"},
		{2 * Week, "2weeks"},
		{10 * Day, "10days"},
		{6 * Hour, "6hrs"},
		{Week + Hour, "1.00595238095238weeks"},
		{-5 * Second, "-5secs"},
		{math.MaxInt64, "15250.2844524715weeks"},
		{math.MinInt64, "-15250.2844524715weeks"},
	}
	for _, tc := range tests {
		if got := tc.in.String(); got != tc.want {
			t.Errorf("Duration(%d).String() = %q, want %q", int64(tc.in), got, tc.want)
		}
	}
}

func TestDurationRoundTrip(t *testing.T) {
	for _, s := range []string{"5secs", "15mins", "1hrs", "100ms", "1weeks", "0ns", "10days", "1500ms", "2.5hrs"} {
		d, err := ParseDuration(s)
		if err != nil {
			t.Fatalf("ParseDuration(%q): %v", s, err)
		}
		back, err := ParseDuration(d.String())
		if err != nil || back != d {
			t.Errorf("%q -> %q -> %v (%v)", s, d.String(), back, err)
		}
	}
}

func TestDurationStdAndText(t *testing.T) {
	if got := (5 * Second).Std(); got != 5*time.Second {
		t.Errorf("Std() = %v", got)
	}
	b, err := json.Marshal(struct {
		D Duration `json:"d"`
	}{D: 15 * Minute})
	if err != nil || string(b) != `{"d":"15mins"}` {
		t.Errorf("json.Marshal = %s, %v", b, err)
	}
	var v struct {
		D Duration `json:"d"`
	}
	if err := json.Unmarshal([]byte(`{"d":"2hrs"}`), &v); err != nil || v.D != 2*Hour {
		t.Errorf("json.Unmarshal = %v, %v", v.D, err)
	}
	if err := json.Unmarshal([]byte(`{"d":"2h"}`), &v); err == nil {
		t.Errorf("json.Unmarshal accepted Go-style duration")
	}
}

func TestParseBytes(t *testing.T) {
	tests := []struct {
		in   string
		want Bytes
	}{
		{"0B", 0},
		{"1B", 1},
		{"1000B", 1000},
		{"1KB", 1024},
		{"512MB", 512 * Megabyte},
		{"1GB", Gigabyte},
		{"2GB", 2 * Gigabyte},
		{"3TB", 3 * Terabyte},
		{"512mb", 512 * Megabyte}, // stout upper-cases the unit
		{"1Kb", Kilobyte},
		{"18446744073709551615B", math.MaxUint64},
		{"16777215TB", 16777215 * Terabyte},
	}
	for _, tc := range tests {
		got, err := ParseBytes(tc.in)
		if err != nil {
			t.Errorf("ParseBytes(%q): unexpected error %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseBytes(%q) = %d, want %d", tc.in, uint64(got), uint64(tc.want))
		}
	}
}

func TestParseBytesErrors(t *testing.T) {
	tests := []struct {
		in, wantErr string
	}{
		{"", "Invalid bytes ''"},
		{"1024", "Invalid bytes '1024'"},
		{"1.5GB", "Fractional bytes '1.5GB'"},
		{".5GB", "Fractional bytes"},
		{"GB", "Failed to convert '' to number"},
		{"-1GB", "Failed to convert '' to number"},
		{"1G", "Unknown bytes unit 'G'"},
		{"1GiB", "Unknown bytes unit 'GIB'"},
		{"1PB", "Unknown bytes unit 'PB'"},
		{"1 GB", "Unknown bytes unit ' GB'"},
		{"16777216TB", "out of range"},
		{"18446744073709551616B", "out of range"},
	}
	for _, tc := range tests {
		_, err := ParseBytes(tc.in)
		if err == nil {
			t.Errorf("ParseBytes(%q): expected error containing %q", tc.in, tc.wantErr)
			continue
		}
		if !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("ParseBytes(%q) error %q, want it to contain %q", tc.in, err, tc.wantErr)
		}
	}
}

func TestBytesString(t *testing.T) {
	tests := []struct {
		in   Bytes
		want string
	}{
		{0, "0B"},
		{1, "1B"},
		{1000, "1000B"},
		{1023, "1023B"},
		{Kilobyte, "1KB"},
		{1536 * Kilobyte, "1536KB"},
		{Megabyte, "1MB"},
		{512 * Megabyte, "512MB"},
		{1536 * Megabyte, "1536MB"},
		{Gigabyte, "1GB"},
		{2 * Gigabyte, "2GB"},
		{Terabyte, "1TB"},
		{2048 * Terabyte, "2048TB"},
		{Gigabyte + 1, "1073741825B"},
		{math.MaxUint64, "18446744073709551615B"},
	}
	for _, tc := range tests {
		if got := tc.in.String(); got != tc.want {
			t.Errorf("Bytes(%d).String() = %q, want %q", uint64(tc.in), got, tc.want)
		}
	}
}

func TestBytesText(t *testing.T) {
	b, err := json.Marshal(map[string]Bytes{"size": 2 * Gigabyte})
	if err != nil || string(b) != `{"size":"2GB"}` {
		t.Errorf("json.Marshal = %s, %v", b, err)
	}
	var v map[string]Bytes
	if err := json.Unmarshal([]byte(`{"size":"512MB"}`), &v); err != nil || v["size"] != 512*Megabyte {
		t.Errorf("json.Unmarshal = %v, %v", v, err)
	}
}
