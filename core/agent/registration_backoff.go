package agent

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryLaterError is a registration the master could not take yet and
// said when to try again (503 with Retry-After): an elected master still
// recovering its registry past the time it holds calls for. The agent
// waits that long (plus its usual random spread) instead of doubling its
// backoff: the master is there and about to serve, not away.
type retryLaterError struct {
	after time.Duration
	msg   string
}

func (e *retryLaterError) Error() string { return e.msg }

// parseRetryAfter reads a Retry-After header (RFC 9110: delay-seconds or
// an HTTP-date) as a wait from now, at most maxRegistrationBackoff. It
// reports false for a missing, malformed or negative value.
func parseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if value[0] >= '0' && value[0] <= '9' {
		secs, err := strconv.ParseUint(value, 10, 64)
		switch {
		case errors.Is(err, strconv.ErrRange) || err == nil && secs > uint64(maxRegistrationBackoff/time.Second):
			return maxRegistrationBackoff, true
		case err != nil:
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	at, err := http.ParseTime(value)
	if err != nil {
		return 0, false
	}
	return min(max(at.Sub(now), 0), maxRegistrationBackoff), true
}

// registrationRetry is what follows a failed registration: a fixed pause
// (the master's Retry-After), and the backoff the random part of the next
// wait is drawn from, doubled (up to a minute) unless the master asked
// for the retry.
func registrationRetry(err error, backoff time.Duration) (pause, next time.Duration) {
	var later *retryLaterError
	if errors.As(err, &later) {
		return later.after, backoff
	}
	return 0, min(2*backoff, maxRegistrationBackoff)
}
