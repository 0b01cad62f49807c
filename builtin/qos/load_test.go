package qos_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/qos"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/qoscontroller"
	"github.com/gomesos/mesos/modules/kinds/qoscontroller/qoscontrollertest"
)

func fixed(l qos.Load) qos.LoadAverage { return func() (qos.Load, error) { return l, nil } }

func controller(t *testing.T, params map[string]string, load qos.LoadAverage) *qos.LoadController {
	t.Helper()
	cfg, err := qos.ParseLoadParams(params)
	if err != nil {
		t.Fatal(err)
	}
	cfg.LoadAverage = load
	cfg.Logger = slog.New(slog.DiscardHandler)
	c, err := qos.NewLoadController(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func killed(t *testing.T, c qoscontroller.QoSController, usage *mesospb.ResourceUsage) []string {
	t.Helper()
	resp, err := c.Corrections(context.Background(), &qoscontroller.CorrectionsRequest{Usage: usage})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range resp.GetCorrections() {
		if _, err := qoscontroller.Check(c, usage); err != nil {
			t.Error(err)
		}
		if c.GetMessage() == "" {
			t.Error("correction without a reason")
		}
		out = append(out, c.GetKill().GetExecutorId().GetValue())
	}
	return out
}

func TestLoadThresholds(t *testing.T) {
	revocableExecutors := []string{"revocable-1", "revocable-2"}
	for _, tc := range []struct {
		name   string
		params map[string]string
		load   qos.Load
		want   []string
	}{
		{"5min below", map[string]string{"load_threshold_5min": "4"}, qos.Load{One: 9, Five: 3.9, Fifteen: 9}, nil},
		{"5min at threshold", map[string]string{"load_threshold_5min": "4"}, qos.Load{Five: 4}, nil},
		{"5min above", map[string]string{"load_threshold_5min": "4"}, qos.Load{Five: 4.01}, revocableExecutors},
		{"15min below", map[string]string{"load_threshold_15min": "2.5"}, qos.Load{One: 9, Five: 9, Fifteen: 2.5}, nil},
		{"15min above", map[string]string{"load_threshold_15min": "2.5"}, qos.Load{Fifteen: 3}, revocableExecutors},
		{"both, only 15min above", map[string]string{"load_threshold_5min": "10", "load_threshold_15min": "2"}, qos.Load{Five: 5, Fifteen: 3}, revocableExecutors},
		{"both, only 5min above", map[string]string{"load_threshold_5min": "1", "load_threshold_15min": "20"}, qos.Load{Five: 5, Fifteen: 3}, revocableExecutors},
		{"both, both above", map[string]string{"load_threshold_5min": "1", "load_threshold_15min": "1"}, qos.Load{Five: 5, Fifteen: 3}, revocableExecutors},
		{"both, neither above", map[string]string{"load_threshold_5min": "10", "load_threshold_15min": "10"}, qos.Load{Five: 5, Fifteen: 3}, nil},
		{"1min is never checked", map[string]string{"load_threshold_5min": "1"}, qos.Load{One: 100, Five: 0.5}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := killed(t, controller(t, tc.params, fixed(tc.load)), qoscontrollertest.BusyUsage())
			if !slices.Equal(got, tc.want) {
				t.Errorf("killed %v, want %v", got, tc.want)
			}
		})
	}
}

func TestLoadKillNamesContainer(t *testing.T) {
	c := controller(t, map[string]string{"load_threshold_5min": "1"}, fixed(qos.Load{Five: 2}))
	usage := qoscontrollertest.BusyUsage()
	resp, err := c.Corrections(context.Background(), &qoscontroller.CorrectionsRequest{Usage: usage})
	if err != nil || len(resp.GetCorrections()) == 0 {
		t.Fatalf("Corrections = %v, %v", resp, err)
	}
	k := resp.GetCorrections()[0]
	if k.GetType() != qoscontroller.QoSCorrection_KILL || k.GetKill().GetFrameworkId().GetValue() != "f2" ||
		!proto.Equal(k.GetKill().GetContainerId(), usage.GetExecutors()[1].GetContainerId()) {
		t.Errorf("correction = %v", k)
	}
}

func TestLoadUnreadable(t *testing.T) {
	c := controller(t, map[string]string{"load_threshold_5min": "0"}, func() (qos.Load, error) { return qos.Load{}, errors.New("no /proc") })
	if got := killed(t, c, qoscontrollertest.BusyUsage()); len(got) != 0 {
		t.Errorf("killed %v without a load average", got)
	}
}

func TestLoadParameters(t *testing.T) {
	for _, params := range []map[string]string{
		nil,
		{"other": "1"},
		{"load_threshold_5min": "high"},
		{"load_threshold_15min": ""},
		{"load_threshold_5min": "NaN"},
	} {
		if _, err := qos.NewLoad(params); err == nil {
			t.Errorf("NewLoad(%v) succeeded", params)
		}
	}
	if _, err := qos.NewLoad(map[string]string{"load_threshold_15min": "1.5e1"}); err != nil {
		t.Errorf("NewLoad = %v", err)
	}
}

func TestParseLoadAverage(t *testing.T) {
	l, err := qos.ParseLoadAverage("0.52 1.58 10.59 1/467 12345\n")
	if err != nil || l != (qos.Load{One: 0.52, Five: 1.58, Fifteen: 10.59}) {
		t.Errorf("ParseLoadAverage = %v, %v", l, err)
	}
	for _, bad := range []string{"", "1 2", "a b c", "1 2 -3", "1 NaN 2", "1 2 +Inf"} {
		if _, err := qos.ParseLoadAverage(bad); err == nil {
			t.Errorf("ParseLoadAverage(%q) succeeded", bad)
		}
	}
}

func TestProcLoadAverage(t *testing.T) {
	if _, err := qos.ProcLoadAverage(); err != nil {
		t.Skipf("no /proc/loadavg here: %v", err)
	}
}

func TestNoop(t *testing.T) {
	c, _ := qos.NewNoop(nil)
	if got := killed(t, c, qoscontrollertest.BusyUsage()); len(got) != 0 {
		t.Errorf("noop killed %v", got)
	}
}

func TestConformance(t *testing.T) {
	t.Run("noop", func(t *testing.T) {
		qoscontrollertest.Run(t, qoscontrollertest.Fixture{New: func(t *testing.T) qoscontroller.QoSController {
			c, _ := qos.NewNoop(nil)
			return c
		}})
	})
	t.Run("load", func(t *testing.T) {
		params := map[string]string{"load_threshold_5min": "4", "load_threshold_15min": "3"}
		qoscontrollertest.Run(t, qoscontrollertest.Fixture{
			New: func(t *testing.T) qoscontroller.QoSController {
				return controller(t, params, fixed(qos.Load{One: 1, Five: 1, Fifteen: 1}))
			},
			NewOverloaded: func(t *testing.T) qoscontroller.QoSController {
				return controller(t, params, fixed(qos.Load{One: 9, Five: 9, Fifteen: 9}))
			},
		})
	})
}

func TestCatalog(t *testing.T) {
	for name, mk := range qos.Catalog() {
		if c, err := mk(map[string]string{"load_threshold_5min": "100"}); err != nil || c == nil {
			t.Errorf("%s: %v, %v", name, c, err)
		}
	}
}
