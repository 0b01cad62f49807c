package fetcher

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// errBypass wraps the reason a URI marked cache is fetched directly.
var errBypass = errors.New("bypass the fetcher cache")

// fetchThroughCache fetches a URI via the cache: the first fetch of a
// user@URI downloads into the cache while later ones wait for it, then
// each copies (or unpacks) from the cache file. An error wrapping
// errBypass asks the caller to fetch directly.
func (f *Fetcher) fetchThroughCache(ctx context.Context, job fetchJob, u *mesospb.CommandInfo_URI, value, name string) (string, error) {
	dir, err := f.agentCacheDir(job.agentID)
	if err != nil {
		return "", fmt.Errorf("%w: %w", errBypass, err)
	}
	user := ""
	if job.owner != nil {
		user = job.owner.name
		dir = filepath.Join(dir, user)
	}
	base, err := basename(value)
	if err != nil {
		return "", err
	}
	e, created := f.cache.acquire(cacheKey(user, value), dir, base)
	defer f.cache.release(e)

	if created {
		job.log.info("Downloading into cache")
		delivered, result, err := f.fill(ctx, job, e, u, value, name)
		if delivered || err != nil {
			return result, err
		}
	} else {
		select {
		case <-e.done:
		case <-ctx.Done():
			return "", ctx.Err()
		}
		if e.err != nil {
			return "", fmt.Errorf("%w: %w", errBypass, e.err)
		}
	}
	job.log.info("Fetching from cache")
	return f.deliverFromCache(ctx, job, u, e.path, name)
}

// fill downloads into the entry e. When the cache cannot hold the download
// it fails the entry (so waiters fetch on their own) and delivers the
// stream it already has straight to the sandbox: delivered is then true.
func (f *Fetcher) fill(ctx context.Context, job fetchJob, e *entry, u *mesospb.CommandInfo_URI, value, name string) (delivered bool, result string, err error) {
	dl, err := f.open(ctx, value, job.owner)
	if err != nil {
		f.cache.fail(e, err)
		return false, "", err
	}
	if err := f.cache.reserve(e, dl.size); err != nil {
		f.cache.fail(e, err)
		job.log.warn("Reverting to fetching directly into the sandbox for '%s', due to failure to fetch through the cache, with error: %v", redact(value), err)
		result, err := f.deliverDownload(ctx, job, u, dl, name)
		return true, result, err
	}
	if err := writeCacheFile(e.path, dl.body); err != nil {
		f.cache.fail(e, err)
		return false, "", err
	}
	f.cache.complete(e)
	if e.err != nil {
		return false, "", e.err
	}
	return false, "", nil
}

// writeCacheFile writes a download to a new cache file.
func writeCacheFile(path string, body io.ReadCloser) error {
	defer body.Close()
	if err := os.MkdirAll(filepath.Dir(path), dirMode); err != nil {
		return fmt.Errorf("create fetcher cache directory: %w", err)
	}
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, sandboxFileMode)
	if err != nil {
		return fmt.Errorf("create fetcher cache file: %w", err)
	}
	if _, err := out.ReadFrom(body); err != nil {
		out.Close()
		return fmt.Errorf("error downloading resource: %w", err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("write fetcher cache file: %w", err)
	}
	return nil
}

// deliverFromCache copies a cache file to the sandbox, making it
// executable, or unpacks it (then only the contents land in the sandbox).
func (f *Fetcher) deliverFromCache(ctx context.Context, job fetchJob, u *mesospb.CommandInfo_URI, cached, name string) (string, error) {
	if !u.GetExecutable() && u.GetExtract() {
		extracted, err := extractInto(ctx, job.root, func() (*os.File, error) { return os.Open(cached) }, name, f.extractOptions())
		if err != nil {
			return "", err
		}
		if extracted {
			return ".", nil
		}
		job.log.warn("Copying instead of extracting resource from URI with 'extract' flag, because it does not seem to be an archive: %s", redact(u.GetValue()))
	}
	if err := copyIntoSandbox(job.root, cached, name); err != nil {
		return "", err
	}
	if u.GetExecutable() {
		return name, chmodExecutable(job.root, name)
	}
	return name, nil
}

// copyIntoSandbox copies a file from outside to name in the sandbox.
func copyIntoSandbox(root *os.Root, src, name string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("copy from fetcher cache: %w", err)
	}
	defer in.Close()
	if err := mkdirParent(root, name); err != nil {
		return err
	}
	out, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, sandboxFileMode)
	if err != nil {
		return fmt.Errorf("create '%s' in sandbox: %w", name, err)
	}
	if _, err := out.ReadFrom(in); err != nil {
		out.Close()
		return fmt.Errorf("copy '%s' from fetcher cache: %w", name, err)
	}
	return out.Close()
}
