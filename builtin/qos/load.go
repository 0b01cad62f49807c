package qos

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"

	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/qoscontroller"
)

// LoadConfig configures the load controller.
type LoadConfig struct {
	// Threshold5Min and Threshold15Min are the load averages above which
	// the agent counts as overloaded; nil leaves that average unchecked.
	// At least one must be set.
	Threshold5Min, Threshold15Min *float64
	// LoadAverage reads the load average; default ProcLoadAverage.
	LoadAverage LoadAverage
	// Logger; default slog.Default().
	Logger *slog.Logger
}

// LoadController is Mesos's LoadQoSController (org_apache_mesos_LoadQoSController):
// when the system's 5-minute load average exceeds load_threshold_5min, or
// its 15-minute one exceeds load_threshold_15min, every executor holding
// revocable resources is killed. When the load average cannot be read it
// corrects nothing (and logs why), as Mesos does.
type LoadController struct {
	cfg LoadConfig
}

var _ qoscontroller.QoSController = (*LoadController)(nil)

// NewLoad makes the load controller from its parameters,
// "load_threshold_5min" and "load_threshold_15min" (at least one), as
// Mesos's controller takes them.
func NewLoad(params map[string]string) (qoscontroller.QoSController, error) {
	cfg, err := ParseLoadParams(params)
	if err != nil {
		return nil, err
	}
	l, err := NewLoadController(cfg)
	if err != nil {
		return nil, err
	}
	return l, nil
}

// ParseLoadParams reads the load controller's parameters.
func ParseLoadParams(params map[string]string) (LoadConfig, error) {
	var cfg LoadConfig
	for key, dst := range map[string]**float64{
		"load_threshold_5min":  &cfg.Threshold5Min,
		"load_threshold_15min": &cfg.Threshold15Min,
	} {
		text, ok := params[key]
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsNaN(v) {
			return LoadConfig{}, fmt.Errorf("load QoS controller: parameter '%s': %q is not a number", key, text)
		}
		*dst = &v
	}
	return cfg, nil
}

// NewLoadController makes the load controller from cfg.
func NewLoadController(cfg LoadConfig) (*LoadController, error) {
	if cfg.Threshold5Min == nil && cfg.Threshold15Min == nil {
		return nil, errors.New("load QoS controller: no load thresholds are configured (load_threshold_5min, load_threshold_15min)")
	}
	if cfg.LoadAverage == nil {
		cfg.LoadAverage = ProcLoadAverage
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &LoadController{cfg: cfg}, nil
}

// Corrections kills every revocable executor when the agent is
// overloaded.
func (l *LoadController) Corrections(_ context.Context, req *qoscontroller.CorrectionsRequest) (*qoscontroller.CorrectionsResponse, error) {
	load, err := l.cfg.LoadAverage()
	if err != nil {
		l.cfg.Logger.Error("load QoS controller: failed to fetch the system load", "error", err)
		return &qoscontroller.CorrectionsResponse{}, nil
	}
	reason := l.overloaded(load)
	if reason == "" {
		return &qoscontroller.CorrectionsResponse{}, nil
	}
	resp := &qoscontroller.CorrectionsResponse{}
	for _, e := range req.GetUsage().GetExecutors() {
		if resources.New(e.GetAllocated()...).Revocable().IsEmpty() {
			continue
		}
		resp.Corrections = append(resp.Corrections, qoscontroller.Kill(e, reason))
	}
	return resp, nil
}

// overloaded says why the load is too high, or "" if it is not.
func (l *LoadController) overloaded(load Load) string {
	var reason string
	if t := l.cfg.Threshold5Min; t != nil && load.Five > *t {
		reason = fmt.Sprintf("System 5 minutes load average %g exceeds threshold %g", load.Five, *t)
		l.cfg.Logger.Info("load QoS controller: " + reason)
	}
	if t := l.cfg.Threshold15Min; t != nil && load.Fifteen > *t {
		r := fmt.Sprintf("System 15 minutes load average %g exceeds threshold %g", load.Fifteen, *t)
		l.cfg.Logger.Info("load QoS controller: " + r)
		if reason == "" {
			reason = r
		} else {
			reason += "; " + r
		}
	}
	return reason
}
