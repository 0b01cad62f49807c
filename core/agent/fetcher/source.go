package fetcher

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// unknownSize is the size of a download without Content-Length.
const unknownSize int64 = -1

// download is an open source: its body and, when known, its size.
type download struct {
	body io.ReadCloser
	size int64
}

// errStalled cancels a download that stopped receiving data.
var errStalled = errors.New("download stalled")

// open starts reading a URI, bounded by MaxDownloadSize and StallTimeout.
// Local files are read as the owner, when there is one.
func (f *Fetcher) open(ctx context.Context, uri string, o *owner) (*download, error) {
	switch classify(uri) {
	case kindHTTP:
		return f.openHTTP(ctx, uri)
	case kindLocal:
		path, err := localPath(uri, f.cfg.FrameworksHome)
		if err != nil {
			return nil, err
		}
		return f.openLocal(path, o)
	}
	return nil, fmt.Errorf("unsupported URI scheme in '%s': this agent fetches http://, https://, file:// and local paths", redact(uri))
}

func (f *Fetcher) openLocal(path string, o *owner) (*download, error) {
	file, err := openAsUser(path, o)
	if err != nil {
		return nil, fmt.Errorf("copy %s: %w", path, err)
	}
	st, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, fmt.Errorf("copy %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		file.Close()
		return nil, fmt.Errorf("copy %s: not a regular file", path)
	}
	if err := f.checkSize(st.Size()); err != nil {
		file.Close()
		return nil, err
	}
	return &download{body: f.limit(file), size: st.Size()}, nil
}

func (f *Fetcher) openHTTP(ctx context.Context, uri string) (*download, error) {
	if f.cfg.Client == nil {
		return nil, errors.New("no HTTP client configured for http(s) URIs")
	}
	ctx, cancel := context.WithCancelCause(ctx)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, uri, nil)
	if err != nil {
		cancel(nil)
		return nil, fmt.Errorf("bad URI: %w", err)
	}
	// Ask for the bytes as stored, as libcurl does: Go's transport would
	// otherwise ask for gzip and decompress behind our back, losing the
	// length the cache needs and unpacking files served with
	// Content-Encoding: gzip (S3 objects) that the fetcher gunzips itself.
	req.Header.Set("Accept-Encoding", "identity")
	var stall *time.Timer
	if f.cfg.StallTimeout > 0 {
		stall = time.AfterFunc(f.cfg.StallTimeout, func() { cancel(errStalled) })
	}
	stop := func() {
		if stall != nil {
			stall.Stop()
		}
		cancel(nil)
	}
	resp, err := f.cfg.Client.Do(req)
	if err != nil {
		stop()
		return nil, fmt.Errorf("error downloading resource: %w", causeOf(ctx, err))
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		stop()
		return nil, fmt.Errorf("error downloading resource, received HTTP return code %d", resp.StatusCode)
	}
	if err := f.checkSize(resp.ContentLength); err != nil {
		resp.Body.Close()
		stop()
		return nil, err
	}
	size := resp.ContentLength
	if size < 0 {
		size = unknownSize
	}
	body := &watchedBody{ctx: ctx, body: resp.Body, stall: stall, timeout: f.cfg.StallTimeout, stop: stop}
	return &download{body: f.limit(body), size: size}, nil
}

// checkSize refuses a download known in advance to be too large.
func (f *Fetcher) checkSize(size int64) error {
	if f.cfg.MaxDownloadSize > 0 && size > f.cfg.MaxDownloadSize {
		return fmt.Errorf("download of %d bytes exceeds the limit of %d bytes", size, f.cfg.MaxDownloadSize)
	}
	return nil
}

// causeOf prefers the reason a download's context was cancelled (a stall)
// over the transport's wording of it.
func causeOf(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); cause != nil && errors.Is(cause, errStalled) {
		return cause
	}
	return err
}

// watchedBody re-arms the stall timer whenever data arrives.
type watchedBody struct {
	ctx     context.Context
	body    io.ReadCloser
	stall   *time.Timer
	timeout time.Duration
	stop    func()
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	if n > 0 && b.stall != nil {
		b.stall.Reset(b.timeout)
	}
	if err != nil && err != io.EOF {
		err = causeOf(b.ctx, err)
	}
	return n, err
}

func (b *watchedBody) Close() error {
	err := b.body.Close()
	b.stop()
	return err
}

// limit bounds a body to MaxDownloadSize.
func (f *Fetcher) limit(body io.ReadCloser) io.ReadCloser {
	if f.cfg.MaxDownloadSize <= 0 {
		return body
	}
	return &limitedBody{body: body, left: f.cfg.MaxDownloadSize}
}

type limitedBody struct {
	body io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, errTooLarge
	}
	// Read one byte past the limit to tell "exactly the limit" from "more".
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.body.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n, errTooLarge
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.body.Close() }

var errTooLarge = errors.New("download exceeds the maximum download size")
