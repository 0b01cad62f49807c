package fetcher

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/units"
)

func cacheFetcher(t *testing.T, size units.Bytes) (*Fetcher, string) {
	dir := t.TempDir()
	return newFetcher(Config{CacheDir: dir, CacheSize: size}), dir
}

func cacheFiles(t *testing.T, dir string) []string {
	var out []string
	for _, p := range listTree(t, dir) {
		if strings.HasPrefix(filepath.Base(p), "c") && !strings.HasSuffix(p, "S0") {
			if st, err := os.Stat(filepath.Join(dir, p)); err == nil && st.Mode().IsRegular() {
				out = append(out, p)
			}
		}
	}
	return out
}

func TestCacheHit(t *testing.T) {
	srv := newServer(t)
	f, dir := cacheFetcher(t, 1000)
	u := srv.put("/lib.tgz", gz(t, makeTar(t, file("lib.so", "so"))))
	for i := 0; i < 3; i++ {
		req := request(t, uri(u, cached))
		if err := f.Fetch(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		if got := readFile(t, filepath.Join(req.Sandbox, "lib.so")); got != "so" {
			t.Fatalf("lib.so = %q", got)
		}
		// Unpacked from the cache: only the contents land in the sandbox.
		if _, err := os.Stat(filepath.Join(req.Sandbox, "lib.tgz")); err == nil {
			t.Error("archive copied into the sandbox although it was unpacked from the cache")
		}
	}
	if n := srv.count("/lib.tgz"); n != 1 {
		t.Errorf("downloaded %d times, want once", n)
	}
	files := cacheFiles(t, dir)
	if len(files) != 1 || !strings.HasPrefix(files[0], "slaves/S0/c1-") {
		t.Errorf("cache files %v", files)
	}
	if s := f.Stats(); s.CacheEntries != 1 || s.CacheSizeUsedBytes <= 0 || s.CacheSizeTotalBytes != 1000 {
		t.Errorf("stats %+v", s)
	}
}

func TestCacheDeliveryModes(t *testing.T) {
	srv := newServer(t)
	f, _ := cacheFetcher(t, 1000)
	u := srv.put("/tool", []byte("#!/bin/sh\n"))
	req := request(t, uri(u, cached, executable), uri(u, cached, output("copy")))
	if err := f.Fetch(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(filepath.Join(req.Sandbox, "tool"))
	if st.Mode().Perm() != 0o755 {
		t.Errorf("tool mode %v", st.Mode())
	}
	st, _ = os.Stat(filepath.Join(req.Sandbox, "copy"))
	if st.Mode().Perm() != 0o644 {
		t.Errorf("copy mode %v (executable must not touch the cache file)", st.Mode())
	}
	if n := srv.count("/tool"); n != 1 {
		t.Errorf("downloaded %d times", n)
	}
}

func TestCachePerUser(t *testing.T) {
	srv := newServer(t)
	f, dir := cacheFetcher(t, 1000)
	u := srv.put("/f", []byte("x"))
	for _, user := range []string{"", "root", ""} {
		req := request(t, uri(u, cached))
		req.User = user
		if err := f.Fetch(context.Background(), req); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.count("/f"); n != 2 {
		t.Errorf("downloaded %d times, want once per user", n)
	}
	if files := cacheFiles(t, dir); len(files) != 2 || !contains(files, "slaves/S0/root/c2-f") {
		t.Errorf("cache files %v", files)
	}
}

func TestCacheEvictsLeastRecentlyUsed(t *testing.T) {
	srv := newServer(t)
	f, dir := cacheFetcher(t, 25)
	a := srv.put("/a", []byte(strings.Repeat("a", 10)))
	b := srv.put("/b", []byte(strings.Repeat("b", 10)))
	c := srv.put("/c", []byte(strings.Repeat("c", 10)))
	fetch := func(u string) {
		t.Helper()
		if err := f.Fetch(context.Background(), request(t, uri(u, cached))); err != nil {
			t.Fatal(err)
		}
	}
	fetch(a)
	fetch(b)
	fetch(a) // a is now the most recently used
	fetch(c) // needs 10 bytes: b goes
	fetch(a)
	if srv.count("/a") != 1 || srv.count("/c") != 1 {
		t.Errorf("a downloaded %d times, c %d", srv.count("/a"), srv.count("/c"))
	}
	fetch(b)
	if srv.count("/b") != 2 {
		t.Errorf("b downloaded %d times, want 2 (evicted once)", srv.count("/b"))
	}
	if s := f.Stats(); s.CacheSizeUsedBytes > 25 || s.CacheEntries != 2 {
		t.Errorf("stats %+v", s)
	}
	if files := cacheFiles(t, dir); len(files) != 2 {
		t.Errorf("cache files %v", files)
	}
}

func TestCacheBypassWhenTooLarge(t *testing.T) {
	srv := newServer(t)
	f, dir := cacheFetcher(t, 5)
	u := srv.put("/big.txt", []byte("0123456789"))
	req := request(t, uri(u, cached))
	if err := f.Fetch(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(req.Sandbox, "big.txt")); got != "0123456789" {
		t.Errorf("big.txt = %q", got)
	}
	if files := cacheFiles(t, dir); len(files) != 0 {
		t.Errorf("cache holds %v", files)
	}
	if !hasLine(readFile(t, filepath.Join(req.Sandbox, "stderr")), "Reverting to fetching directly into the sandbox") {
		t.Error("no bypass warning in the sandbox log")
	}
	if n := srv.count("/big.txt"); n != 1 {
		t.Errorf("downloaded %d times: the bypass must reuse the open download", n)
	}
}

func TestCacheBypassUnknownSize(t *testing.T) {
	srv := newServer(t)
	srv.noLen.Store(true)
	f, dir := cacheFetcher(t, 1<<20)
	req := request(t, uri(srv.put("/stream", []byte(strings.Repeat("s", 10000))), cached))
	if err := f.Fetch(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if files := cacheFiles(t, dir); len(files) != 0 {
		t.Errorf("cache holds %v", files)
	}
	if len(readFile(t, filepath.Join(req.Sandbox, "stream"))) != 10000 {
		t.Error("stream incomplete")
	}
}

func TestCacheDisabled(t *testing.T) {
	srv := newServer(t)
	f, dir := cacheFetcher(t, 0)
	u := srv.put("/f", []byte("x"))
	for i := 0; i < 2; i++ {
		if err := f.Fetch(context.Background(), request(t, uri(u, cached))); err != nil {
			t.Fatal(err)
		}
	}
	if srv.count("/f") != 2 || len(cacheFiles(t, dir)) != 0 {
		t.Errorf("cache size 0 still cached: %d downloads", srv.count("/f"))
	}
}

func TestCacheConcurrentFetchesDownloadOnce(t *testing.T) {
	srv := newServer(t)
	f, _ := cacheFetcher(t, 1<<20)
	u := srv.put("/shared.tgz", gz(t, makeTar(t, file("data", "shared"))))
	srv.gate = make(chan struct{})

	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	reqs := make([]Request, n)
	for i := range reqs {
		reqs[i] = request(t, uri(u, cached))
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = f.Fetch(context.Background(), reqs[i])
		}(i)
	}
	// Let everyone queue behind the first download, then release it.
	deadline := time.Now().Add(5 * time.Second)
	for srv.count("/shared.tgz") == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	close(srv.gate)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("fetch %d: %v", i, err)
		}
		if got := readFile(t, filepath.Join(reqs[i].Sandbox, "data")); got != "shared" {
			t.Errorf("fetch %d: data = %q", i, got)
		}
	}
	if c := srv.count("/shared.tgz"); c != 1 {
		t.Errorf("downloaded %d times, want once", c)
	}
}

func TestCacheFailedDownloadWaitersFallBack(t *testing.T) {
	srv := newServer(t)
	f, _ := cacheFetcher(t, 1<<20)
	u := srv.URL + "/later"
	gate := make(chan struct{})
	srv.gate = gate
	first := make(chan error, 1)
	go func() { first <- f.Fetch(context.Background(), request(t, uri(u, cached))) }()
	deadline := time.Now().Add(5 * time.Second)
	for srv.count("/later") == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	req2 := request(t, uri(u, cached))
	second := make(chan error, 1)
	go func() { second <- f.Fetch(context.Background(), req2) }()
	time.Sleep(50 * time.Millisecond)
	// Release the first download, which finds nothing (404) and fails; the
	// file then appears, so the waiter's own direct download succeeds.
	srv.mu.Lock()
	srv.gate = nil
	srv.mu.Unlock()
	close(gate)
	if err := <-first; err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("first fetch: %v", err)
	}
	srv.put("/later", []byte("now here"))
	// The waiter may have woken before the file appeared; either way it
	// must not be stuck on the failed entry.
	if err := <-second; err == nil {
		if got := readFile(t, filepath.Join(req2.Sandbox, "later")); got != "now here" {
			t.Errorf("later = %q", got)
		}
	} else if !strings.Contains(err.Error(), "404") {
		t.Fatalf("second fetch: %v", err)
	}
	if entries, _ := f.cache.usage(); entries != 0 && entries != 1 {
		t.Errorf("%d cache entries", entries)
	}
}

func TestCacheEntryLifecycle(t *testing.T) {
	c := newCache(100, nil)
	c.log = newFetcher(Config{}).log
	dir := t.TempDir()
	e, created := c.acquire("k", dir, "f")
	if !created {
		t.Fatal("first acquire did not create")
	}
	w, created := c.acquire("k", dir, "f")
	if created || w != e || e.refs != 2 {
		t.Fatalf("second acquire: created=%v refs=%d", created, e.refs)
	}
	if err := c.reserve(e, 60); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(e.path, make([]byte, 40), 0o644); err != nil {
		t.Fatal(err)
	}
	c.complete(e)
	if e.size != 40 {
		t.Errorf("claim not adjusted down: %d", e.size)
	}
	if _, used := c.usage(); used != 40 {
		t.Errorf("used %d, want 40", used)
	}
	// Referenced entries are not evicted.
	e2, _ := c.acquire("k2", dir, "g")
	if err := c.reserve(e2, 70); err == nil {
		t.Fatal("evicted an entry in use")
	}
	c.release(e)
	c.release(w)
	if err := c.reserve(e2, 70); err != nil {
		t.Fatalf("after release: %v", err)
	}
	if _, err := os.Stat(e.path); !os.IsNotExist(err) {
		t.Error("evicted file still on disk")
	}
	// A failed entry is removed and waiters see the error.
	c.fail(e2, os.ErrNotExist)
	<-e2.done
	if entries, used := c.usage(); entries != 0 || used != 0 {
		t.Errorf("after fail: %d entries, %d bytes", entries, used)
	}
	c.release(e2)
}

func TestCacheRecover(t *testing.T) {
	srv := newServer(t)
	f, dir := cacheFetcher(t, 1000)
	u := srv.put("/f", []byte("x"))
	if err := f.Fetch(context.Background(), request(t, uri(u, cached))); err != nil {
		t.Fatal(err)
	}
	if err := f.Recover("S0"); err != nil {
		t.Fatal(err)
	}
	if files := cacheFiles(t, dir); len(files) != 0 {
		t.Errorf("cache files after Recover: %v", files)
	}
	if err := f.Fetch(context.Background(), request(t, uri(u, cached))); err != nil {
		t.Fatal(err)
	}
	if srv.count("/f") != 2 {
		t.Errorf("downloads %d, want 2 (cache cleared)", srv.count("/f"))
	}
	if err := f.Recover("../x"); err == nil {
		t.Error("Recover accepted a bad agent ID")
	}
}
