package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	zkdetector "github.com/gomesos/mesos/builtin/detector/zookeeper"
	"github.com/gomesos/mesos/core/units"
	"github.com/gomesos/mesos/core/zk"
	"github.com/gomesos/mesos/modules/kinds/masterdetector"
)

// defaultMasterPort is the port of a master named without one.
const defaultMasterPort = "5050"

// maxBody bounds what is read of one response (a large cluster's state is
// tens of megabytes).
const maxBody = 1 << 30

// client talks to the masters and agents of one cluster over HTTP.
type client struct {
	http    *http.Client // follows redirects (GET /master/state on a non-leader)
	noRedir *http.Client // reports them (/master/redirect)
	timeout time.Duration
	log     *slog.Logger
}

func newClient(timeout time.Duration, logger *slog.Logger) *client {
	c := &client{
		http:    &http.Client{Timeout: timeout},
		timeout: timeout,
		log:     logger,
	}
	c.noRedir = &http.Client{
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c
}

// statusError is an HTTP answer other than 200.
type statusError struct {
	URL    string
	Code   int
	Status string
	Body   string
}

func (e *statusError) Error() string {
	if e.Body == "" {
		return fmt.Sprintf("GET %s: %s", e.URL, e.Status)
	}
	return fmt.Sprintf("GET %s: %s: %s", e.URL, e.Status, e.Body)
}

// isStatus tells whether err is an HTTP answer with the given code.
func isStatus(err error, code int) bool {
	var se *statusError
	return errors.As(err, &se) && se.Code == code
}

// get fetches http://<hostport><path>?<query> and returns the body of a
// 200 answer.
func (c *client) get(ctx context.Context, hostport, path string, query url.Values) ([]byte, error) {
	u := url.URL{Scheme: "http", Host: hostport, Path: path, RawQuery: query.Encode()}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u.String(), err)
	}
	c.log.Debug("GET", "url", u.String())
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err // *url.Error names the method and URL
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("GET %s: read the response: %w", u.String(), err)
	}
	if resp.StatusCode != http.StatusOK {
		msg := strings.TrimSpace(string(body))
		if len(msg) > 512 {
			msg = msg[:512] + "..."
		}
		return nil, &statusError{URL: u.String(), Code: resp.StatusCode, Status: resp.Status, Body: msg}
	}
	return body, nil
}

// getJSON fetches a JSON document into v.
func (c *client) getJSON(ctx context.Context, hostport, path string, query url.Values, v any) error {
	body, err := c.get(ctx, hostport, path, query)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("decode the answer of http://%s%s: %w", hostport, path, err)
	}
	return nil
}

// resolve turns --master into the host:port of a master, as mesos-resolve
// does: host:port (or master@host:port) as it is, zk://... through the
// masters' znodes, file:///path through the file's contents.
func (c *client) resolve(ctx context.Context, master string) (string, error) {
	master = strings.TrimSpace(master)
	switch {
	case master == "":
		return "", errors.New("empty --master")
	case strings.HasPrefix(master, "file://"):
		// The flags package already replaces file:// values by the file's
		// contents; a file naming another file is read once more here.
		data, err := os.ReadFile(strings.TrimPrefix(master, "file://"))
		if err != nil {
			return "", fmt.Errorf("read the master from %s: %w", master, err)
		}
		inner := strings.TrimSpace(string(data))
		if strings.HasPrefix(inner, "file://") {
			return "", fmt.Errorf("%s names another file (%s)", master, inner)
		}
		return c.resolve(ctx, inner)
	case strings.HasPrefix(master, zk.Scheme):
		return c.detect(ctx, master)
	}
	return standalone(master)
}

// standalone reads host:port, master@host:port or host (port 5050).
func standalone(master string) (string, error) {
	addr := master
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		addr = addr[i+1:]
	}
	addr = strings.TrimPrefix(strings.TrimPrefix(addr, "http://"), "//")
	addr = strings.TrimSuffix(addr, "/")
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		// No port: Mesos's default.
		if strings.Contains(addr, "/") || addr == "" {
			return "", fmt.Errorf("failed to parse master '%s': expecting host:port, zk://... or file:///path", master)
		}
		host, port = strings.Trim(addr, "[]"), defaultMasterPort
	}
	if host == "" || port == "" {
		return "", fmt.Errorf("failed to parse master '%s': expecting host:port, zk://... or file:///path", master)
	}
	return net.JoinHostPort(host, port), nil
}

// detect finds the leading master in ZooKeeper, waiting at most the
// timeout as mesos-resolve does.
func (c *client) detect(ctx context.Context, master string) (string, error) {
	u, err := zk.ParseURL(master)
	if err != nil {
		return "", err
	}
	d, err := zkdetector.New(zkdetector.Config{URL: u, Logger: c.log})
	if err != nil {
		return "", err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), c.timeout)
		defer cancel()
		_ = d.Close(closeCtx)
	}()
	dctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	resp, err := d.Detect(dctx, &masterdetector.DetectRequest{})
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return "", fmt.Errorf("failed to detect master from '%s' within %s", redactZK(master), units.Duration(c.timeout))
		}
		return "", fmt.Errorf("failed to detect master from '%s': %w", redactZK(master), err)
	}
	leader := resp.GetLeader()
	if pid := leader.GetPid(); pid != "" {
		c.log.Debug("detected the leading master", "pid", pid)
		return standalone(pid)
	}
	if a := leader.GetAddress(); a.GetPort() != 0 {
		host := a.GetIp()
		if host == "" {
			host = a.GetHostname()
		}
		return net.JoinHostPort(host, fmt.Sprint(a.GetPort())), nil
	}
	return "", fmt.Errorf("the leading master in '%s' has no address", redactZK(master))
}

// redactZK hides the credentials of a zk:// URL.
func redactZK(s string) string {
	rest := strings.TrimPrefix(s, zk.Scheme)
	hosts, path, _ := strings.Cut(rest, "/")
	if i := strings.LastIndexByte(hosts, '@'); i >= 0 {
		hosts = "********@" + hosts[i+1:]
	}
	if path != "" || strings.Contains(rest, "/") {
		return zk.Scheme + hosts + "/" + path
	}
	return zk.Scheme + hosts
}

// leader asks the master at addr for the leader (/master/redirect) and
// returns the leader's host:port.
func (c *client) leader(ctx context.Context, addr string) (string, error) {
	u := "http://" + addr + "/master/redirect"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", fmt.Errorf("GET %s: %w", u, err)
	}
	c.log.Debug("GET", "url", u)
	resp, err := c.noRedir.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	switch resp.StatusCode {
	case http.StatusTemporaryRedirect, http.StatusFound, http.StatusMovedPermanently, http.StatusSeeOther, http.StatusPermanentRedirect:
		loc := resp.Header.Get("Location")
		if strings.HasPrefix(loc, "//") {
			loc = "http:" + loc
		}
		lu, err := url.Parse(loc)
		if err != nil || lu.Host == "" {
			return "", fmt.Errorf("master %s redirects to a bad location %q", addr, resp.Header.Get("Location"))
		}
		if lu.Host != addr {
			c.log.Debug("following the master to the leader", "master", addr, "leader", lu.Host)
		}
		return lu.Host, nil
	case http.StatusServiceUnavailable:
		return "", fmt.Errorf("master %s knows no leading master (503)", addr)
	}
	// A master without /master/redirect: ask it directly.
	c.log.Debug("no redirect from the master; asking it directly", "master", addr, "status", resp.Status)
	return addr, nil
}

// masterState finds the leading master from --master and returns its
// address and its /master/state document.
func (c *client) masterState(ctx context.Context, master string) (string, []byte, error) {
	addr, err := c.resolve(ctx, master)
	if err != nil {
		return "", nil, fmt.Errorf("Failed to get the master: %w", err)
	}
	leader, err := c.leader(ctx, addr)
	if err != nil {
		return "", nil, fmt.Errorf("Failed to get the master state: %w", err)
	}
	body, err := c.get(ctx, leader, "/master/state", nil)
	if err != nil && leader != addr && !isStatusErr(err) {
		// The leader's advertised hostname may not resolve from here:
		// ask the master we know for the leader's pid (an IP) instead.
		c.log.Debug("the leader's address is unreachable; trying its pid", "leader", leader, "error", err)
		if l2, body2, err2 := c.stateByPID(ctx, addr); err2 == nil {
			return l2, body2, nil
		}
	}
	if err != nil {
		return "", nil, fmt.Errorf("Failed to get the master state: %w", err)
	}
	return leader, body, nil
}

func isStatusErr(err error) bool {
	var se *statusError
	return errors.As(err, &se)
}

// stateByPID reads addr's own state and, when it does not lead, the state
// of the master its "leader" pid names.
func (c *client) stateByPID(ctx context.Context, addr string) (string, []byte, error) {
	u := "http://" + addr + "/master/state"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", nil, err
	}
	resp, err := c.noRedir.Do(req)
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return "", nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return "", nil, &statusError{URL: u, Code: resp.StatusCode, Status: resp.Status}
	}
	var s struct {
		Leader string `json:"leader"`
		PID    string `json:"pid"`
	}
	if err := json.Unmarshal(body, &s); err != nil {
		return "", nil, err
	}
	if s.Leader == "" || s.Leader == s.PID {
		return addr, body, nil
	}
	leader, err := standalone(s.Leader)
	if err != nil {
		return "", nil, err
	}
	body, err = c.get(ctx, leader, "/master/state", nil)
	return leader, body, err
}

// pidAddress is the host:port of a libprocess pid (slave(1)@ip:port).
func pidAddress(pid string) string {
	if i := strings.LastIndexByte(pid, '@'); i >= 0 {
		return pid[i+1:]
	}
	return pid
}

// pidID is the process id of a pid ("slave(1)"), the prefix of its
// endpoints.
func pidID(pid string) string {
	if i := strings.LastIndexByte(pid, '@'); i > 0 {
		return pid[:i]
	}
	return "slave(1)"
}
