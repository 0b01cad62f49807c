package fetcher

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/gomesos/mesos/core/units"
)

// Mesos's defaults for the fetcher flags.
const (
	DefaultCacheDir     = "/tmp/mesos/fetch" // --fetcher_cache_dir
	DefaultCacheSize    = 2 * units.Gigabyte // --fetcher_cache_size
	DefaultStallTimeout = 60 * time.Second   // --fetcher_stall_timeout
)

// Modes of what a fetch creates.
const (
	sandboxFileMode = 0o644 // stdout, stderr and downloads
	executableMode  = 0o755 // executable URIs (Mesos's chmodExecutable)
	dirMode         = 0o755 // directories, in the sandbox and the cache
)

// Config is the fetcher's share of the agent flags. The zero value fetches
// without a cache, without limits and without HTTP (Client is nil).
type Config struct {
	// Client downloads http and https URIs; nil refuses them.
	Client *http.Client
	// FrameworksHome resolves relative URIs (--frameworks_home).
	FrameworksHome string
	// CacheDir is --fetcher_cache_dir; cache files go to
	// <CacheDir>/slaves/<agent_id>[/<user>].
	CacheDir string
	// CacheSize is --fetcher_cache_size; zero disables the cache (every
	// URI bypasses it).
	CacheSize units.Bytes
	// StallTimeout aborts a download that receives nothing for this long
	// (--fetcher_stall_timeout); zero disables it.
	StallTimeout time.Duration
	// MaxDownloadSize bounds each download; zero is no bound.
	MaxDownloadSize int64
	// MaxExtractedSize bounds what one archive may unpack to; zero is no
	// bound.
	MaxExtractedSize int64
	// XZ is the program that decompresses .txz and .tar.xz archives;
	// empty means "xz" from PATH.
	XZ string
	// Logger receives the fetcher's log; nil discards.
	Logger *slog.Logger
	// Now is the clock of the sandbox log lines; nil is time.Now.
	Now func() time.Time
}
