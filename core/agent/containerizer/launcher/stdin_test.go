package launcher

import (
	"context"
	"os"
	"testing"
	"time"
)

// What the agent writes to the stdin FIFO and closes (with end of file)
// before the supervisor runs (here: before the go-ahead) reaches the
// command: the launcher opened the FIFO's read end at the fork, so the
// data did not go with the pipe's last descriptor.
func TestStdinWrittenBeforeTheCommandStarts(t *testing.T) {
	f := newFixture(t)
	fifo := f.stdinFIFO(t)
	w, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	spec := f.spec("/bin/sh", "-c", "cat; echo done")
	spec.Stdin = fifo
	p, err := f.l.Fork(context.Background(), f.dir, spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = f.l.Destroy(ctx, p)
	})
	if _, err := w.WriteString("early\n"); err != nil {
		t.Fatal(err)
	}
	if err := MarkStdinEOF(fifo); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if err := p.Continue(); err != nil {
		t.Fatal(err)
	}
	wait(t, p, 10*time.Second)
	if got := f.read("stdout"); got != "early\ndone\n" {
		t.Errorf("stdout %q, want the early input and then done", got)
	}
}
