package plugin

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// recorder is a slog handler that keeps records.
type recorder struct {
	mu      sync.Mutex
	attrs   []slog.Attr
	records *[]slog.Record
}

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec = rec.Clone()
	rec.AddAttrs(r.attrs...)
	*r.records = append(*r.records, rec)
	return nil
}
func (r *recorder) WithAttrs(as []slog.Attr) slog.Handler {
	return &recorder{attrs: append(append([]slog.Attr{}, r.attrs...), as...), records: r.records}
}
func (r *recorder) WithGroup(string) slog.Handler { return r }

// find waits a little for a record whose message contains msg: plugin
// output is read asynchronously.
func (r *recorder) find(msg string) (slog.Record, bool) {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		r.mu.Lock()
		for _, rec := range *r.records {
			if strings.Contains(rec.Message, msg) {
				r.mu.Unlock()
				return rec, true
			}
		}
		r.mu.Unlock()
	}
	return slog.Record{}, false
}

func attr(rec slog.Record, key string) string {
	v := ""
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == key {
			v = a.Value.String()
		}
		return true
	})
	return v
}

// What a plugin logs with slog, and what it writes to stderr, ends up in
// the daemon's log with the module's name, at the plugin's level.
func TestPluginOutputInHostLog(t *testing.T) {
	var records []slog.Record
	rec := &recorder{records: &records}
	l := New(Options{Logger: slog.New(rec)})
	// The bin-packing allocator logs nothing; the broken plugin's panic
	// is logged by the SDK with slog, and the junk mode writes raw lines.
	inst, err := l.Load(context.Background(), brokenSpec("panic"))
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close(context.Background())
	a := inst.Impl.(allocator.Allocator)
	if _, err := a.Initialize(context.Background(), &allocator.InitializeRequest{}); err != nil {
		t.Fatal(err)
	}
	_, _ = a.Allocate(context.Background(), &allocator.AllocateRequest{Allocate: true})
	waitRestarted(t, inst.Impl, 1)
	r, ok := rec.find("module panicked")
	if !ok {
		t.Fatal("the module's slog line is not in the host's log")
	}
	if r.Level != slog.LevelError || attr(r, "module") != "broken/broken" || !strings.Contains(attr(r, "panic"), "broken allocator") {
		t.Errorf("logged %v %q module=%q panic=%q", r.Level, r.Message, attr(r, "module"), attr(r, "panic"))
	}

	junk, err := l.Load(context.Background(), brokenSpec("junk"))
	if err != nil {
		t.Fatal(err)
	}
	defer junk.Close(context.Background())
	if r, ok := rec.find(`{"@message": 1, "@level": 5}`); !ok || attr(r, "stream") != "stderr" || attr(r, "module") != "broken/broken" {
		t.Errorf("the plugin's raw stderr line is not logged as text with the module's name (%v)", ok)
	}
}
