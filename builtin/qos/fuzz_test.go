package qos_test

import (
	"math"
	"testing"

	"github.com/gomesos/mesos/builtin/qos"
)

func FuzzParseLoadAverage(f *testing.F) {
	for _, seed := range []string{"0.52 0.58 0.59 1/467 12345\n", "1 2 3", "", "1e400 0 0", "-0 0 0"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		l, err := qos.ParseLoadAverage(text)
		if err != nil {
			return
		}
		for _, v := range []float64{l.One, l.Five, l.Fifteen} {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				t.Fatalf("ParseLoadAverage(%q) = %v", text, l)
			}
		}
	})
}

func FuzzLoadParams(f *testing.F) {
	f.Add("4", "2.5")
	f.Add("", "x")
	f.Fuzz(func(t *testing.T, five, fifteen string) {
		cfg, err := qos.ParseLoadParams(map[string]string{"load_threshold_5min": five, "load_threshold_15min": fifteen})
		if err != nil {
			return
		}
		if math.IsNaN(*cfg.Threshold5Min) || math.IsNaN(*cfg.Threshold15Min) {
			t.Fatalf("NaN threshold from %q, %q", five, fifteen)
		}
	})
}
