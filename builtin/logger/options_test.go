package logger_test

import (
	"testing"

	"github.com/gomesos/mesos/builtin/logger"
)

func TestParseRotateOptions(t *testing.T) {
	for _, tc := range []struct {
		text string
		want logger.RotateOptions
	}{
		{"", logger.RotateOptions{}},
		{"rotate 9", logger.RotateOptions{Rotations: 9}},
		{"rotate 5\ncompress\ndelaycompress\n", logger.RotateOptions{Rotations: 5, Compress: true, DelayCompress: true}},
		{"  rotate 2 # keep two\n\nmissingok\nnotifempty\ndaily\nsize 100k\ncopytruncate", logger.RotateOptions{Rotations: 2}},
		{"compress\nnocompress", logger.RotateOptions{}},
		{"ROTATE 3", logger.RotateOptions{Rotations: 3}},
	} {
		got, err := logger.ParseRotateOptions(tc.text)
		if err != nil || got != tc.want {
			t.Errorf("ParseRotateOptions(%q) = %+v, %v; want %+v", tc.text, got, err, tc.want)
		}
	}
	for _, bad := range []string{
		"rotate", "rotate x", "rotate -1", "rotate 1 2", "postrotate", "dateext", "olddir /tmp",
		"maxage 3", "compresscmd bzip2", "compress now", "rotate 9 compress",
	} {
		if _, err := logger.ParseRotateOptions(bad); err == nil {
			t.Errorf("ParseRotateOptions(%q) succeeded", bad)
		}
	}
}
