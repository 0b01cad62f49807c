package agent

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 21, 7, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"1", time.Second, true},
		{" 3 ", 3 * time.Second, true},
		{"0", 0, true},
		{"120", maxRegistrationBackoff, true},
		{"99999999999999999999999", maxRegistrationBackoff, true},
		{now.Add(5 * time.Second).Format(http.TimeFormat), 5 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{now.Add(time.Hour).Format(http.TimeFormat), maxRegistrationBackoff, true},
		{"", 0, false},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
	} {
		got, ok := parseRetryAfter(c.in, now)
		if got != c.want || ok != c.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"1", "0", "", "-1", "Sat, 21 Nov 2026 07:00:05 GMT", "18446744073709551616", "1e3"} {
		f.Add(s)
	}
	now := time.Now()
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseRetryAfter(s, now)
		if !ok && d != 0 || d < 0 || d > maxRegistrationBackoff {
			t.Fatalf("parseRetryAfter(%q) = %v, %v", s, d, ok)
		}
	})
}

// TestRegistrationRetry: a failure doubles the backoff (up to a minute);
// a master's Retry-After is waited instead, the backoff left as it was.
func TestRegistrationRetry(t *testing.T) {
	if pause, next := registrationRetry(errors.New("connection refused"), time.Second); pause != 0 || next != 2*time.Second {
		t.Errorf("after a failure: pause %v, backoff %v; want 0, 2s", pause, next)
	}
	if _, next := registrationRetry(errors.New("503"), 50*time.Second); next != maxRegistrationBackoff {
		t.Errorf("backoff %v past the cap", next)
	}
	later := &retryLaterError{after: 3 * time.Second, msg: "recovering"}
	if pause, next := registrationRetry(later, time.Second); pause != 3*time.Second || next != time.Second {
		t.Errorf("after Retry-After: pause %v, backoff %v; want 3s, 1s", pause, next)
	}
}

// TestAgentHonoursRetryAfter: a master that answers 503 with Retry-After
// (an elected master still recovering) is asked again no sooner than
// that, even with a backoff much shorter; then the agent registers.
func TestAgentHonoursRetryAfter(t *testing.T) {
	m := startMaster(t)
	var mu sync.Mutex
	var hits []time.Time
	recovering := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits = append(hits, time.Now())
		n := len(hits)
		mu.Unlock()
		if n <= 2 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "Master has not finished recovery", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Location", "//"+m.addr+r.URL.Path)
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	defer recovering.Close()
	cfg := agentConfig(t, strings.TrimPrefix(recovering.URL, "http://"), t.TempDir())
	cfg.RegistrationBackoffFactor = 50 * time.Millisecond
	a := startAgent(t, cfg)
	eventually(t, "registration after the master recovered", func() bool {
		var ok bool
		_ = a.call(t.Context(), func() { ok = a.state == stateRunning && a.master != nil })
		return ok
	})
	mu.Lock()
	defer mu.Unlock()
	if len(hits) < 3 {
		t.Fatalf("the recovering master was asked %d times", len(hits))
	}
	for i := 1; i < 3; i++ {
		if gap := hits[i].Sub(hits[i-1]); gap < time.Second {
			t.Errorf("attempt %d came %v after a 503 with Retry-After: 1", i+1, gap)
		}
	}
}
