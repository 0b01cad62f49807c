package executors

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/executorlitepb"
)

// probe is one run of a check: a command, an HTTP GET or a TCP connect.
type probe struct {
	kind    executorlitepb.CheckInfo_Type
	command *executorlitepb.CommandInfo
	scheme  string
	path    string
	port    uint32
	ipv6    bool
	env     []string
	dir     string
	// runIn, when set, runs a COMMAND probe instead of a local process
	// (the docker executor's: in the task's container).
	runIn func(ctx context.Context, cmd *executorlitepb.CommandInfo) probeResult
	// dial, when set, opens the HTTP and TCP probes' connections (the
	// docker executor's: from the container's network namespace).
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// probeResult is what one run found.
type probeResult struct {
	ok       bool
	exitCode *int32  // COMMAND, when the command ran to its end
	status   *uint32 // HTTP, when a response came
	err      error
}

// run runs the probe within timeout; a timeout of zero (or less) is no
// timeout, as Mesos's checkers read timeout_seconds 0.
func (p *probe) run(ctx context.Context, timeout time.Duration) probeResult {
	cancel := context.CancelFunc(func() {})
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, timeout)
	}
	defer cancel()
	host := "127.0.0.1"
	if p.ipv6 {
		host = "::1"
	}
	addr := net.JoinHostPort(host, strconv.Itoa(int(p.port)))
	switch p.kind {
	case executorlitepb.CheckInfo_COMMAND:
		if p.runIn != nil {
			return p.runIn(ctx, p.command)
		}
		return p.runCommand(ctx)
	case executorlitepb.CheckInfo_HTTP:
		scheme := p.scheme
		if scheme == "" {
			scheme = "http"
		}
		path := p.path
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, scheme+"://"+addr+path, nil)
		if err != nil {
			return probeResult{err: err}
		}
		// Mesos probes with `curl -k`: an https endpoint's certificate is
		// not verified (tasks mostly serve self-signed ones).
		transport := &http.Transport{
			DisableKeepAlives: true,
			TLSClientConfig:   &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // as Mesos's curl -k
		}
		if p.dial != nil {
			transport.DialContext = p.dial
		}
		client := &http.Client{Transport: transport}
		resp, err := client.Do(req)
		if err != nil {
			return probeResult{err: err}
		}
		resp.Body.Close()
		code := uint32(resp.StatusCode)
		return probeResult{ok: code >= 200 && code < 400, status: &code,
			err: fmt.Errorf("unexpected HTTP status code %d", code)}
	case executorlitepb.CheckInfo_TCP:
		dial := (&net.Dialer{}).DialContext
		if p.dial != nil {
			dial = p.dial
		}
		conn, err := dial(ctx, "tcp", addr)
		if err != nil {
			return probeResult{err: err}
		}
		conn.Close()
		return probeResult{ok: true}
	}
	return probeResult{err: fmt.Errorf("unsupported check type %v", p.kind)}
}

func (p *probe) runCommand(ctx context.Context) probeResult {
	path, argv, err := commandArgv(p.command)
	if err != nil {
		return probeResult{err: err}
	}
	cmd := exec.CommandContext(ctx, path, argv[1:]...)
	cmd.Args = argv
	cmd.Env = taskEnvironment(p.env, p.command, nil)
	cmd.Dir = p.dir
	// Mesos's checkers write the command's stdout and stderr to the
	// executor's stderr (the sandbox's stderr file), where a user looks
	// for why a check fails.
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	err = cmd.Run()
	if ctx.Err() != nil {
		return probeResult{err: fmt.Errorf("command timed out")}
	}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		code := int32(0)
		return probeResult{ok: true, exitCode: &code}
	case errors.As(err, &exitErr):
		code := int32(exitErr.ExitCode())
		return probeResult{exitCode: &code, err: fmt.Errorf("command %s", describeStatus(exitErr.Sys().(syscall.WaitStatus)))}
	}
	return probeResult{err: err}
}

// healthProbe is the probe of a HealthCheck.
func healthProbe(hc *executorlitepb.HealthCheck, env []string, dir string) (*probe, error) {
	p := &probe{env: env, dir: dir}
	switch hc.GetType() {
	case executorlitepb.HealthCheck_COMMAND:
		if hc.GetCommand().GetValue() == "" {
			return nil, errors.New("command health check has no command")
		}
		p.kind, p.command = executorlitepb.CheckInfo_COMMAND, hc.GetCommand()
	case executorlitepb.HealthCheck_HTTP:
		p.kind, p.scheme, p.path, p.port = executorlitepb.CheckInfo_HTTP, hc.GetHttp().GetScheme(), hc.GetHttp().GetPath(), hc.GetHttp().GetPort()
		p.ipv6 = hc.GetHttp().GetProtocol() == executorlitepb.NetworkInfo_IPv6
	case executorlitepb.HealthCheck_TCP:
		p.kind, p.port = executorlitepb.CheckInfo_TCP, hc.GetTcp().GetPort()
		p.ipv6 = hc.GetTcp().GetProtocol() == executorlitepb.NetworkInfo_IPv6
	default:
		return nil, fmt.Errorf("unsupported health check type %v", hc.GetType())
	}
	return p, nil
}

// checkProbe is the probe of a CheckInfo.
func checkProbe(ci *executorlitepb.CheckInfo, env []string, dir string) (*probe, error) {
	p := &probe{env: env, dir: dir, kind: ci.GetType()}
	switch ci.GetType() {
	case executorlitepb.CheckInfo_COMMAND:
		if ci.GetCommand().GetCommand().GetValue() == "" {
			return nil, errors.New("command check has no command")
		}
		p.command = ci.GetCommand().GetCommand()
	case executorlitepb.CheckInfo_HTTP:
		p.port, p.path = ci.GetHttp().GetPort(), ci.GetHttp().GetPath()
	case executorlitepb.CheckInfo_TCP:
		p.port = ci.GetTcp().GetPort()
	default:
		return nil, fmt.Errorf("unsupported check type %v", ci.GetType())
	}
	return p, nil
}

// schedule runs a probe after delay and then every interval until ctx
// ends, handing each result to deliver.
func schedule(ctx context.Context, p *probe, delay, interval, timeout time.Duration, deliver func(probeResult)) {
	go func() {
		wait := delay
		for {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return
			}
			r := p.run(ctx, timeout)
			if ctx.Err() != nil {
				return
			}
			deliver(r)
			wait = interval
		}
	}()
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// healthState applies Mesos's health checker rules to probe results: the
// task is reported healthy on its first success and on the first success
// after failures; every failure outside the grace period (before the
// first success) is reported unhealthy, and consecutive_failures of them
// in a row kill the task.
type healthState struct {
	check        *executorlitepb.HealthCheck
	start        time.Time
	initializing bool
	failures     uint32
}

// result returns the health to report (nil: nothing to report) and
// whether the task must be killed.
func (h *healthState) result(r probeResult, now time.Time) (healthy *bool, kill bool) {
	if r.ok {
		report := h.initializing || h.failures > 0
		h.initializing = false
		h.failures = 0
		if report {
			return proto.Bool(true), false
		}
		return nil, false
	}
	if h.initializing && now.Sub(h.start) <= seconds(h.check.GetGracePeriodSeconds()) {
		return nil, false
	}
	h.failures++
	return proto.Bool(false), h.failures >= h.check.GetConsecutiveFailures()
}

// checkStatus is a CheckStatusInfo of a probe result (an empty one of the
// right type when r is nil: the status a task starts with).
func checkStatus(kind executorlitepb.CheckInfo_Type, r *probeResult) *executorlitepb.CheckStatusInfo {
	s := &executorlitepb.CheckStatusInfo{Type: kind.Enum()}
	switch kind {
	case executorlitepb.CheckInfo_COMMAND:
		s.Command = &executorlitepb.CheckStatusInfo_Command{}
		if r != nil && r.exitCode != nil {
			s.Command.ExitCode = proto.Int32(*r.exitCode)
		}
	case executorlitepb.CheckInfo_HTTP:
		s.Http = &executorlitepb.CheckStatusInfo_Http{}
		if r != nil && r.status != nil {
			s.Http.StatusCode = proto.Uint32(*r.status)
		}
	case executorlitepb.CheckInfo_TCP:
		s.Tcp = &executorlitepb.CheckStatusInfo_Tcp{}
		if r != nil {
			s.Tcp.Succeeded = proto.Bool(r.ok)
		}
	}
	return s
}
