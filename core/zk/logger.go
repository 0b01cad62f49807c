package zk

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"
)

// zkLogger carries go-zookeeper's log lines to slog (debug level: the
// client logs what matters itself) and learns from them the session
// timeout the server negotiated, which go-zookeeper does not expose.
type zkLogger struct {
	logger     *slog.Logger
	negotiated *atomic.Int64 // nanoseconds; 0 until known
}

// authenticatedFormat is go-zookeeper v1.0.4's log line for a new or
// resumed session; its second argument is the negotiated timeout in ms.
const authenticatedFormat = "authenticated: id=%d, timeout=%d"

func (l zkLogger) Printf(format string, args ...any) {
	if format == authenticatedFormat && len(args) == 2 {
		if ms, ok := args[1].(int32); ok && ms > 0 {
			l.negotiated.Store(int64(time.Duration(ms) * time.Millisecond))
		}
	}
	if !l.logger.Enabled(context.Background(), slog.LevelDebug) {
		return
	}
	l.logger.Debug("zookeeper client: " + strings.TrimSpace(fmt.Sprintf(format, args...)))
}
