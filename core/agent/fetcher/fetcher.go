package fetcher

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/gomesos/mesos/core/agent/sandbox"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// Fetcher fetches URIs into sandboxes. One per agent; safe for concurrent
// use (each container's fetch runs in its caller's goroutine).
type Fetcher struct {
	cfg   Config
	log   *slog.Logger
	cache *cache

	succeeded atomic.Uint64
	failed    atomic.Uint64
}

// New makes a fetcher. It does not touch the disk; call Recover at start-up
// to clear the cache files a previous run left.
func New(cfg Config) *Fetcher {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.XZ == "" {
		cfg.XZ = "xz"
	}
	return &Fetcher{cfg: cfg, log: cfg.Logger, cache: newCache(int64(cfg.CacheSize), cfg.Logger)}
}

// Request is one container's fetch.
type Request struct {
	// ContainerID names the container in logs.
	ContainerID string
	// AgentID places the cache: <cache_dir>/slaves/<agent_id>.
	AgentID string
	// Command holds the URIs; its user, when set, overrides User.
	Command *mesospb.CommandInfo
	// Sandbox is the directory to fetch into; it must exist.
	Sandbox string
	// User is the framework's user, if any: the cache is kept per user and
	// the fetched files are given to the user.
	User string
}

// Stats are the fetcher's counters, named after Mesos's metrics
// (containerizer/fetcher/...).
type Stats struct {
	TaskFetchesSucceeded uint64
	TaskFetchesFailed    uint64
	CacheSizeTotalBytes  int64
	CacheSizeUsedBytes   int64
	CacheEntries         int
}

// Stats reports the counters.
func (f *Fetcher) Stats() Stats {
	entries, used := f.cache.usage()
	return Stats{
		TaskFetchesSucceeded: f.succeeded.Load(),
		TaskFetchesFailed:    f.failed.Load(),
		CacheSizeTotalBytes:  int64(f.cfg.CacheSize),
		CacheSizeUsedBytes:   used,
		CacheEntries:         entries,
	}
}

// Recover clears the cache of this agent, as Mesos does at start-up: the
// bookkeeping of what is in it did not survive the restart.
func (f *Fetcher) Recover(agentID string) error {
	dir, err := f.agentCacheDir(agentID)
	if err != nil {
		return err
	}
	f.cache.reset()
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("clear fetcher cache %s: %w", dir, err)
	}
	return nil
}

// Fetch fetches every URI of the request's command into its sandbox, in
// order, stopping at the first failure, which is an *Error naming the URI.
// A command without URIs does nothing (the sandbox's stdout and stderr
// are not touched).
func (f *Fetcher) Fetch(ctx context.Context, req Request) error {
	err := f.fetch(ctx, req)
	if err != nil {
		f.failed.Add(1)
	} else if len(req.Command.GetUris()) > 0 {
		f.succeeded.Add(1)
	}
	return err
}

func (f *Fetcher) fetch(ctx context.Context, req Request) error {
	uris := req.Command.GetUris()
	if len(uris) == 0 {
		return nil
	}
	// Validate every URI before fetching any (Mesos's validateUris).
	for _, u := range uris {
		if _, err := outputName(trimURI(u.GetValue()), u.GetOutputFile(), u.OutputFile != nil); err != nil {
			return fetchError(u, err)
		}
	}
	user := req.User
	if req.Command.User != nil {
		user = req.Command.GetUser()
	}
	root, err := os.OpenRoot(req.Sandbox)
	if err != nil {
		return fetchError(uris[0], fmt.Errorf("open sandbox: %w", err))
	}
	defer root.Close()
	log, err := openFetchLog(root, f.cfg.Now, f.log.With("container", req.ContainerID, "sandbox", req.Sandbox))
	if err != nil {
		return fetchError(uris[0], err)
	}
	defer log.close()

	o, err := lookupOwner(user)
	if err != nil {
		log.error("Failed to fetch: %v", err)
		return fetchError(uris[0], err)
	}
	for _, u := range uris {
		shown := redact(trimURI(u.GetValue()))
		log.info("Fetching URI '%s'", shown)
		result, err := f.fetchURI(ctx, fetchJob{root: root, log: log, owner: o, agentID: req.AgentID}, u)
		if err != nil {
			log.error("Failed to fetch '%s': %v", shown, err)
			return fetchError(u, err)
		}
		log.info("Fetched '%s' to '%s'", shown, filepath.Join(req.Sandbox, result))
	}
	if err := chownSandbox(root, o); err != nil {
		log.error("Failed to chown sandbox: %v", err)
		return fetchError(uris[len(uris)-1], err)
	}
	log.info("Successfully fetched all URIs into '%s'", req.Sandbox)
	return nil
}

// fetchJob is what fetching one URI needs of its fetch.
type fetchJob struct {
	root    *os.Root
	log     *fetchLog
	owner   *owner
	agentID string
}

// fetchURI fetches one URI and returns where the result is, relative to
// the sandbox ("." when an archive was unpacked from the cache).
func (f *Fetcher) fetchURI(ctx context.Context, job fetchJob, u *mesospb.CommandInfo_URI) (string, error) {
	value := trimURI(u.GetValue())
	name, err := outputName(value, u.GetOutputFile(), u.OutputFile != nil)
	if err != nil {
		return "", err
	}
	if u.GetCache() && f.cfg.CacheSize > 0 {
		result, err := f.fetchThroughCache(ctx, job, u, value, name)
		if !errors.Is(err, errBypass) {
			return result, err
		}
		job.log.warn("Reverting to fetching directly into the sandbox for '%s', due to failure to fetch through the cache, with error: %v", redact(value), errors.Unwrap(err))
	}
	job.log.info("Fetching directly into the sandbox directory")
	dl, err := f.open(ctx, value, job.owner)
	if err != nil {
		return "", err
	}
	return f.deliverDownload(ctx, job, u, dl, name)
}

// deliverDownload writes an open download to its name in the sandbox, then
// makes it executable or unpacks it; the archive itself stays.
func (f *Fetcher) deliverDownload(ctx context.Context, job fetchJob, u *mesospb.CommandInfo_URI, dl *download, name string) (string, error) {
	defer dl.body.Close()
	if err := mkdirParent(job.root, name); err != nil {
		return "", err
	}
	out, err := job.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, sandboxFileMode)
	if err != nil {
		return "", fmt.Errorf("create '%s' in sandbox: %w", name, err)
	}
	if _, err := out.ReadFrom(dl.body); err != nil {
		out.Close()
		return "", fmt.Errorf("error downloading resource: %w", err)
	}
	if err := out.Close(); err != nil {
		return "", fmt.Errorf("write '%s' in sandbox: %w", name, err)
	}
	switch {
	case u.GetExecutable():
		return name, chmodExecutable(job.root, name)
	case u.GetExtract():
		extracted, err := extractInto(ctx, job.root, func() (*os.File, error) { return job.root.Open(name) }, name, f.extractOptions())
		if err != nil {
			return "", err
		}
		if !extracted {
			job.log.warn("Copying instead of extracting resource from URI with 'extract' flag, because it does not seem to be an archive: %s", redact(u.GetValue()))
		}
	}
	return name, nil
}

func (f *Fetcher) extractOptions() ExtractOptions {
	return ExtractOptions{MaxExtractedSize: f.cfg.MaxExtractedSize, XZ: f.cfg.XZ, Logger: f.log}
}

// agentCacheDir is <cache_dir>/slaves/<agent_id>.
func (f *Fetcher) agentCacheDir(agentID string) (string, error) {
	dir := f.cfg.CacheDir
	if dir == "" {
		dir = DefaultCacheDir
	}
	a, err := sandbox.NewTree(dir).Agent(agentID)
	if err != nil {
		return "", fmt.Errorf("fetcher cache: %w", err)
	}
	return a.Path(), nil
}

// mkdirParent creates the directories output_file names.
func mkdirParent(root *os.Root, name string) error {
	dir := filepath.Dir(name)
	if dir == "." {
		return nil
	}
	if err := root.MkdirAll(dir, dirMode); err != nil {
		return fmt.Errorf("unable to create subdirectory %s in sandbox: %w", dir, err)
	}
	return nil
}

// chmodExecutable is Mesos's chmod u+rwx,g+rx,o+rx.
func chmodExecutable(root *os.Root, name string) error {
	if err := root.Chmod(name, executableMode); err != nil {
		return fmt.Errorf("failed to chmod executable '%s': %w", name, err)
	}
	return nil
}
