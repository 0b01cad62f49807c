package fetcher

import (
	"container/list"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// cache is the bookkeeping of the fetcher cache (Mesos's
// FetcherProcess::Cache): which user@URI is in which file, how much space
// is claimed, who is using what. Files are written by the fetch that
// created the entry; everyone else waits for it.
type cache struct {
	log *slog.Logger

	mu       sync.Mutex
	capacity int64
	tally    int64
	serial   uint64
	table    map[string]*entry
	lru      *list.List // of *entry, least recently used first
}

// entry is one cache file. It is complete when done is closed with err nil.
type entry struct {
	key  string
	path string
	size int64 // space claimed; zero until reserved
	refs int

	done chan struct{}
	err  error

	elem     *list.Element // nil once removed from the cache
	oversize bool          // larger than claimed: drop when no longer used
}

func newCache(capacity int64, log *slog.Logger) *cache {
	return &cache{log: log, capacity: capacity, table: map[string]*entry{}, lru: list.New()}
}

// cacheKey is Mesos's: the URI, prefixed by "user@" when there is a user.
func cacheKey(user, uri string) string {
	if user == "" {
		return uri
	}
	return user + "@" + uri
}

// cacheFileName is "c<serial>-<name>", the name shortened to its first and
// last ten characters so the extension survives (extraction looks at it).
func cacheFileName(serial uint64, base string) string {
	if len(base) > 20 {
		base = base[:10] + "_" + base[len(base)-10:]
	}
	return "c" + strconv.FormatUint(serial, 10) + "-" + base
}

// acquire references the entry for key, creating it (in dir, named after
// base) when there is none; created says the caller must fill it.
func (c *cache) acquire(key, dir, base string) (e *entry, created bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.table[key]; e != nil {
		e.refs++
		c.lru.MoveToBack(e.elem)
		return e, false
	}
	c.serial++
	e = &entry{key: key, path: filepath.Join(dir, cacheFileName(c.serial, base)), refs: 1, done: make(chan struct{})}
	e.elem = c.lru.PushBack(e)
	c.table[key] = e
	return e, true
}

// release drops one reference; an oversize entry goes with its last user.
func (c *cache) release(e *entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e.refs--
	if e.refs == 0 && e.oversize && e.elem != nil {
		c.removeLocked(e)
	}
}

var errNoRoom = errors.New("not enough fetcher cache space")

// reserve claims size bytes for e, evicting unused complete entries from
// the least recently used on. It fails when size is unknown or larger than
// the whole cache, or when too much is in use to make room.
func (c *cache) reserve(e *entry, size int64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case size <= 0:
		return fmt.Errorf("%w: the download's size is not known in advance", errNoRoom)
	case size > c.capacity:
		return fmt.Errorf("%w: %d bytes is more than the whole cache (%d bytes)", errNoRoom, size, c.capacity)
	}
	if missing := size - c.availableLocked(); missing > 0 {
		var victims []*entry
		var freed int64
		for el := c.lru.Front(); el != nil && freed < missing; el = el.Next() {
			v := el.Value.(*entry)
			if v.refs == 0 && v.completeLocked() {
				victims = append(victims, v)
				freed += v.size
			}
		}
		if freed < missing {
			return fmt.Errorf("%w: could not free %d bytes, the rest is in use", errNoRoom, missing)
		}
		for _, v := range victims {
			c.log.Info("Evicting fetcher cache entry", "key", redactKey(v.key), "size", v.size)
			c.removeLocked(v)
		}
	}
	c.tally += size
	e.size = size
	return nil
}

// complete publishes a filled entry, adjusting its claim to the file's
// actual size. A file larger than claimed is delivered but not kept.
func (c *cache) complete(e *entry) {
	st, statErr := os.Lstat(e.path)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case statErr != nil:
		e.err = fmt.Errorf("fetcher cache file disappeared: %w", statErr)
	case st.Size() <= e.size:
		c.tally -= e.size - st.Size()
		e.size = st.Size()
	default:
		c.log.Warn("Fetcher cache file is larger than announced; it will not be reused",
			"key", redactKey(e.key), "announced", e.size, "actual", st.Size())
		e.oversize = true
	}
	close(e.done)
	if e.err != nil && e.elem != nil {
		c.removeLocked(e)
	}
}

// fail publishes that e will not be filled: waiters fall back to fetching
// directly, and the entry and any partial file go.
func (c *cache) fail(e *entry, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e.err = err
	close(e.done)
	if e.elem != nil {
		c.removeLocked(e)
	}
}

// removeLocked forgets e, deletes its file and releases its space.
func (c *cache) removeLocked(e *entry) {
	if c.table[e.key] == e {
		delete(c.table, e.key)
	}
	c.lru.Remove(e.elem)
	e.elem = nil
	if err := os.Remove(e.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		c.log.Warn("Could not delete fetcher cache file", "path", e.path, "error", err)
	}
	c.tally -= e.size
	e.size = 0
}

func (c *cache) availableLocked() int64 {
	if c.tally >= c.capacity {
		return 0
	}
	return c.capacity - c.tally
}

func (e *entry) completeLocked() bool {
	select {
	case <-e.done:
		return e.err == nil
	default:
		return false
	}
}

// usage reports the number of entries and the bytes claimed.
func (c *cache) usage() (entries int, used int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.table), c.tally
}

// reset forgets everything (the files are removed by the caller).
func (c *cache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.table = map[string]*entry{}
	c.lru.Init()
	c.tally = 0
}

// redactKey hides a password in a cache key for logs.
func redactKey(key string) string {
	for i := 0; i < len(key); i++ {
		if key[i] == '@' {
			if u := key[i+1:]; classify(u) == kindHTTP {
				return key[:i+1] + redact(u)
			}
			break
		}
	}
	return redact(key)
}
